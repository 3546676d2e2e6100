package dev.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.continual.AccuracyMatrix;
import dev.descent.continual.ContinualRun;
import dev.descent.continual.ContinualStream;
import dev.descent.continual.Strategies;
import dev.descent.continual.Strategy;
import dev.descent.continual.Streams;
import dev.descent.optim.HyperParams;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent continual list|run}: one continual-learning strategy on one stream, with Avalanche's metrics. */
@Command(name = "continual", mixinStandardHelpOptions = true,
        description = "Continual learning: train a strategy over a stream of tasks and report the accuracy matrix, average accuracy, "
                + "forgetting, backward transfer and plasticity.",
        subcommands = {ContinualCommand.ListAll.class, ContinualCommand.Run.class})
final class ContinualCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code descent continual list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the streams and strategies.")
    static final class ListAll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println("streams:    " + String.join(", ", Streams.names()));
            out.println("strategies: " + String.join(", ", Strategies.names()));
            out.flush();
            return 0;
        }
    }

    /** {@code descent continual run --stream S --strategy X [--set k=v]… [--seed N] [--json]}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run one strategy on one stream. Run options (--set): steps (per task, 300), batch (32), lr (0.05), hidden (64), "
                    + "tasks (permuted streams), per_class (MNIST training rows per class, 200); the strategy's own options "
                    + "(see docs/continual.md) go through --set too.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--stream", required = true, paramLabel = "NAME", description = "the stream (see: continual list)")
        String stream;

        @Option(names = "--strategy", required = true, paramLabel = "NAME", description = "the strategy (see: continual list)")
        String strategy;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "set an option (repeatable), e.g. --set lambda=50")
        List<String> overrides = new ArrayList<>();

        @Option(names = "--seed", description = "seed of the model, data order and the strategy's randomness (default 1)")
        long seed = 1;

        @Option(names = "--json", description = "print the results as one JSON object")
        boolean json;

        @Override
        public Integer call() {
            HyperParams o = HyperParams.parse(overrides);
            ContinualRun.Settings settings = new ContinualRun.Settings(o.getInt("steps", 300), o.getInt("batch", 32), o.getDouble("lr", 0.05),
                    o.getInt("hidden", 64), seed);
            Streams.Options so = new Streams.Options(o.getInt("tasks", 0), o.getInt("per_class", 200));
            if (!Streams.names().contains(stream)) throw new IllegalArgumentException("unknown stream '" + stream + "'; valid: " + String.join(", ", Streams.names()));
            Strategy s = Strategies.create(strategy, o, seed);
            o.checkAllUsed("continual run --strategy " + strategy);
            ContinualStream st = Streams.create(stream, so);
            ContinualRun.Result r = ContinualRun.run(st, s, settings);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(st, s, settings, r));
            } else {
                print(out, st, s, r);
            }
            out.flush();
            return 0;
        }
    }

    static ObjectNode toJson(ContinualStream st, Strategy s, ContinualRun.Settings settings, ContinualRun.Result r) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("stream", st.name());
        n.put("scenario", st.scenario().name().toLowerCase(Locale.ROOT));
        n.put("strategy", s.name());
        n.put("seed", settings.seed());
        n.put("steps", settings.steps());
        n.put("batch", settings.batch());
        n.put("lr", settings.lr());
        n.put("hidden", settings.hidden());
        AccuracyMatrix m = r.accuracy();
        ArrayNode rows = n.putArray("accuracy_matrix");
        for (double[] row : m.rows()) {
            ArrayNode a = rows.addArray();
            for (double v : row) a.add(v);
        }
        n.put("average_accuracy", m.averageAccuracy());
        n.put("forgetting", m.forgetting());
        n.put("max_forgetting", m.maxForgetting());
        n.put("backward_transfer", m.backwardTransfer());
        ArrayNode p = n.putArray("plasticity");
        for (double v : m.plasticity()) p.add(v);
        n.put("mean_plasticity", m.meanPlasticity());
        n.put("seconds", r.seconds());
        return n;
    }

    private static void print(PrintWriter out, ContinualStream st, Strategy s, ContinualRun.Result r) {
        AccuracyMatrix m = r.accuracy();
        out.printf(Locale.ROOT, "%s on %s (%s, %d tasks), %.1f s%n", s.name(), st.name(), st.scenario().name().toLowerCase(Locale.ROOT), st.size(), r.seconds());
        out.println("accuracy matrix R[i][j] (row: after training task i; column: task j)");
        for (double[] row : m.rows()) {
            StringBuilder b = new StringBuilder(" ");
            for (double v : row) b.append(String.format(Locale.ROOT, " %.3f", v));
            out.println(b);
        }
        out.printf(Locale.ROOT, "average accuracy %.4f, forgetting %.4f (from the max: %.4f), backward transfer %.4f, mean plasticity %.4f%n",
                m.averageAccuracy(), m.forgetting(), m.maxForgetting(), m.backwardTransfer(), m.meanPlasticity());
    }
}
