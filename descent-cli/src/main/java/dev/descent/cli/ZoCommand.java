package dev.descent.cli;

import dev.descent.bench.experiment.Experiment;
import dev.descent.bench.experiment.Experiments;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.zo.HessianComparison;
import dev.descent.zo.HessianEstimator;
import dev.descent.optim.problems.SmoothFunction;
import dev.descent.optim.problems.SmoothFunctions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent zo …}: zeroth-order tools. */
@Command(name = "zo", mixinStandardHelpOptions = true, description = "Zeroth-order estimators and optimizers.",
        subcommands = {ZoCommand.Hessian.class, ZoCommand.Bench.class})
final class ZoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Refuses a smoothing radius or ridge that is not a finite positive number. */
    static void requirePositive(String option, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(option + " must be > 0, got " + v);
    }

    /**
     * {@code descent zo hessian}: one zeroth-order Hessian estimate at the function's documented point
     * (quadratic: x = (1, …, 1); rosenbrock: (−1.2, 1, −1.2, 1, …); logreg-breast-cancer: θ = 0),
     * compared with the exact Hessian, regularised inverse and inverse-Hessian–gradient product.
     */
    @Command(name = "hessian", mixinStandardHelpOptions = true,
            description = "Estimate a Hessian from function values and print its relative Frobenius error, and those of the "
                    + "regularised inverse (H+lambda I)^-1 and of the product (H+lambda I)^-1 grad f, against the exact ones.")
    static final class Hessian implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--function", required = true, paramLabel = "NAME", description = "one of: " + SmoothFunctions.NAMES)
        String function;

        @Option(names = "--dim", paramLabel = "D",
                description = "dimension (default: quadratic 20, rosenbrock 10; fixed at 31 = 30 features + bias for logreg-breast-cancer)")
        Integer dim;

        @Option(names = "--queries", required = true, paramLabel = "Q", description = "function evaluations allowed (the estimator may use fewer, see queries_used)")
        int queries;

        @Option(names = "--estimator", required = true, paramLabel = "NAME", description = "stein1, stein2, stein3, cd, zovh or stein-optimal")
        String estimator;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "seed of the random directions (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--mu", defaultValue = "0.1", paramLabel = "M", description = "smoothing radius > 0 (default: ${DEFAULT-VALUE})")
        double mu;

        @Option(names = "--lambda", defaultValue = "0.1", paramLabel = "L", description = "ridge of the regularised inverse > 0 (default: ${DEFAULT-VALUE})")
        double lambda;

        @Option(names = "--condition", defaultValue = "100", paramLabel = "K",
                description = "condition number of the quadratic (eigenvalues log-spaced in [1, K]; default: ${DEFAULT-VALUE})")
        double condition;

        @Option(names = "--json", description = "one JSON line instead of text")
        boolean json;

        @Override
        public Integer call() throws Exception {
            HessianEstimator e = HessianEstimator.byName(estimator);
            if (queries <= 0) throw new IllegalArgumentException("--queries must be > 0, got " + queries);
            requirePositive("--mu", mu);
            requirePositive("--lambda", lambda);
            if (dim != null && dim < 1) throw new IllegalArgumentException("--dim must be >= 1, got " + dim);
            if (queries < e.minQueries()) throw new IllegalArgumentException("--queries must be >= " + e.minQueries() + " for " + estimator + ", got " + queries);
            SmoothFunction f = SmoothFunctions.byName(function, dim, condition);
            HessianComparison c = HessianComparison.run(f, e, queries, mu, lambda, seed);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("function", c.function()).put("dim", c.dim()).put("estimator", c.estimator()).put("queries", c.queries())
                        .put("queries_used", c.queriesUsed()).put("mu", c.mu()).put("lambda", c.lambda()).put("seed", c.seed())
                        .put("hessian_error", c.hessianError()).put("inverse_error", c.inverseError())
                        .put("product_error", c.productError()).put("gradient_error", c.gradientError());
                if (!Double.isNaN(c.inverseEq15Error())) o.put("inverse_eq15_error", c.inverseEq15Error()).put("product_eq16_error", c.productEq16Error());
                out.println(o);
            } else {
                out.printf(Locale.ROOT, "%s (d=%d) at its documented point, %s with %d of %d queries, mu=%g, lambda=%g, seed=%d%n",
                        c.function(), c.dim(), c.estimator(), c.queriesUsed(), c.queries(), c.mu(), c.lambda(), c.seed());
                out.printf(Locale.ROOT, "  relative Frobenius error of the Hessian:                 %.6g%n", c.hessianError());
                out.printf(Locale.ROOT, "  relative Frobenius error of (H+lambda I)^-1:             %.6g%n", c.inverseError());
                if (!Double.isNaN(c.inverseEq15Error())) out.printf(Locale.ROOT, "  relative Frobenius error of the eq. 15 approximate inverse: %.6g%n", c.inverseEq15Error());
                out.printf(Locale.ROOT, "  relative error of the product (H+lambda I)^-1 g:         %.6g%n", c.productError());
                if (!Double.isNaN(c.productEq16Error())) out.printf(Locale.ROOT, "  relative error of the eq. 16 bias-corrected product:     %.6g%n", c.productEq16Error());
                out.printf(Locale.ROOT, "  relative error of the gradient estimate:                 %.6g%n", c.gradientError());
            }
            out.flush();
            return 0;
        }
    }

    /** {@code descent zo bench}: the ZoVH claims (estimation errors; convergence), written as JSON, markdown and SVG. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "ZoVH benchmarks: --claim hessian (estimator errors at equal budgets) or convergence (vs ZO-SGD/ZO-AdaMM/MeZO); "
                    + "writes JSON, markdown and SVG plots into --out and prints the markdown.")
    static final class Bench implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--claim", required = true, paramLabel = "NAME", description = "hessian or convergence")
        String claim;

        @Option(names = "--out", defaultValue = "bench/results/zovh", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
        java.nio.file.Path out;

        @Option(names = "--seeds", defaultValue = "10", paramLabel = "N", description = "seeds (default: ${DEFAULT-VALUE})")
        int seeds;

        @Option(names = "--budget", defaultValue = "30000", paramLabel = "Q", description = "query budget of the convergence claim (default: ${DEFAULT-VALUE})")
        int budget;

        @Option(names = "--mu", defaultValue = "0.1", paramLabel = "M", description = "smoothing radius of the hessian claim (default: ${DEFAULT-VALUE})")
        double mu;

        @Option(names = "--lambda", defaultValue = "0.1", paramLabel = "L", description = "ridge of the hessian claim (default: ${DEFAULT-VALUE})")
        double lambda;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
            if (budget < 1000) throw new IllegalArgumentException("--budget must be >= 1000, got " + budget);
            requirePositive("--mu", mu);
            requirePositive("--lambda", lambda);
            // An alias of `experiment run zovh-hessian|zovh-convergence`.
            if (!claim.equals("hessian") && !claim.equals("convergence")) {
                throw new IllegalArgumentException("unknown claim '" + claim + "'; valid: hessian, convergence");
            }
            Experiment e = Experiments.byName("zovh-" + claim);
            Map<String, Object> options = e.options().defaults();
            options.put("out", out.toString());
            options.put("seeds", seeds);
            if (claim.equals("hessian")) {
                options.put("mu", mu);
                options.put("lambda", lambda);
            } else {
                options.put("budget", budget);
            }
            PrintWriter o = spec.commandLine().getOut();
            PrintStream report = new PrintStream(new ExperimentCommand.WriterStream(o), true, StandardCharsets.UTF_8);
            e.run(options, report);
            report.flush();
            o.flush();
            return 0;
        }
    }
}
