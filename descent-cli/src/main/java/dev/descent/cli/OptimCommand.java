package dev.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.ProblemObjective;
import dev.descent.optim.problems.Problems;
import dev.descent.train.TrainingLoop;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent optim …}: run registered optimizers on the canonical problems. */
@Command(name = "optim", mixinStandardHelpOptions = true, description = "Run optimizers on the canonical problems.",
        subcommands = {OptimCommand.Run.class})
final class OptimCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code descent optim run}: N full-batch float32 steps from the problem's fixed start on the
     * {@link TrainingLoop}: each step writes the problem's exact gradient, then steps (a zeroth-order
     * optimizer evaluates the loss itself). Prints the loss at
     * the final parameters (evaluated in double) and the parameters (row-major, one after another).
     */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Full-batch float32 steps of an optimizer on a canonical problem from its fixed start; "
                    + "prints the final loss and parameters.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--optimizer", required = true, paramLabel = "NAME", description = "a registered optimizer (see: descent optimizers)")
        String optimizer;

        @Option(names = "--problem", required = true, paramLabel = "PROBLEM", description = "one of: rosenbrock, quadratic, matrix-fit")
        String problem;

        @Option(names = "--steps", required = true, paramLabel = "N", description = "number of steps (>= 0)")
        int steps;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a hyperparameter (repeatable), e.g. --set lr=0.01")
        List<String> sets = new ArrayList<>();

        @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED",
                description = "seed of stochastic curvature estimates, for the optimizers that use them (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--json", description = "one JSON line instead of text")
        boolean json;

        @Override
        public Integer call() throws java.io.IOException {
            if (steps < 0) throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
            OptimizerRegistry registry = OptimizerRegistry.defaults();
            if (registry.all().isEmpty()) throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': no optimizer is registered");
            registry.info(optimizer); // unknown name: the message lists the valid ones
            Problem p = Problems.byName(problem);
            HyperParams hyper = HyperParams.parse(sets);

            float[] values = p.start();
            float[] grads = new float[values.length];
            ParamSet params = ParamSet.of(values, p.names(), p.shapes());
            ProblemObjective objective = new ProblemObjective(p, values, grads, seed);
            Optimizer opt = registry.create(optimizer, params, grads, hyper, objective.curvature());
            // Every step is taken, as a plain script would: a diverging run shows in the final loss.
            new TrainingLoop(opt, objective, grads).onNonFinite(TrainingLoop.NonFinite.CONTINUE).run(0, steps);
            double loss = p.loss(values);

            PrintWriter out = spec.commandLine().getOut();
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("optimizer", optimizer);
            n.put("problem", p.name());
            n.put("steps", steps);
            n.put("loss", loss);
            ArrayNode a = n.putArray("params");
            for (float v : values) a.add(v);
            if (json) {
                out.println(n.toString());
            } else {
                out.printf("%s on %s: %d steps, loss %s (minimum %s)%n", optimizer, p.name(), steps, loss, p.minimumLoss());
                out.println("params " + a);
            }
            out.flush();
            if (!Double.isFinite(loss)) {
                spec.commandLine().getErr().println("descent: the loss is not finite (" + loss + ") after " + steps + " steps");
                return Descent.DIVERGED;
            }
            return 0;
        }
    }
}
