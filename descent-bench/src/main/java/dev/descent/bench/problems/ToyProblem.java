package dev.descent.bench.problems;

import dev.descent.optim.Curvature;
import dev.descent.optim.ParamSet;
import dev.descent.optim.problems.Problem;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A canonical optimizer problem ({@link dev.descent.optim.problems}: quadratic, rosenbrock,
 * matrix-fit) as a benchmark problem: full batch (every step sees the same deterministic objective),
 * started at the problem's fixed point, metric {@code "loss"} (lower is better) evaluated in double.
 *
 * <p>The start point does not depend on the seed; the seed keys only the optimizer's own randomness
 * (Sophia's curvature estimates, {@link Curvature#forProblem}, and zeroth-order perturbations).
 *
 * <p>The loss target ("steps to target") closes 99.9% of the gap from the start to the known
 * minimum: {@code f* + 1e-3 (f(x0) - f*)} — 0.0275 for the quadratic (f(x0) = 27.5), 0.0242 for
 * Rosenbrock (f(x0) = 24.2), and just above the least-squares residual for matrix-fit.
 */
public final class ToyProblem implements BenchProblem {
    /** Fraction of the start-to-minimum gap left at the target. */
    public static final double TARGET_GAP = 1e-3;

    private final Supplier<Problem> factory;
    private final String name;
    private final int defaultSteps;
    private final int defaultEvalEvery;
    private final double lossTarget;
    private final int parameterCount;

    public ToyProblem(Supplier<Problem> factory, int defaultSteps, int defaultEvalEvery) {
        this.factory = factory;
        Problem p = factory.get();
        this.name = p.name();
        this.defaultSteps = defaultSteps;
        this.defaultEvalEvery = defaultEvalEvery;
        double start = p.loss(p.start());
        double min = p.minimumLoss();
        this.lossTarget = min + TARGET_GAP * (start - min);
        this.parameterCount = p.start().length;
    }

    @Override
    public String name() { return name; }

    @Override
    public String description() {
        return name + ": canonical problem, " + parameterCount + " parameters, full batch from a fixed start; metric = loss (double)";
    }

    @Override
    public String metric() { return "loss"; }

    @Override
    public boolean higherIsBetter() { return false; }

    @Override
    public int defaultSteps() { return defaultSteps; }

    @Override
    public int defaultEvalEvery() { return defaultEvalEvery; }

    @Override
    public double lossTarget() { return lossTarget; }

    @Override
    public ProblemInstance instantiate(long seed) {
        return new Instance(factory.get());
    }

    private static final class Instance implements ProblemInstance {
        private final Problem problem;
        private final float[] values;
        private final float[] grads;
        private final ParamSet params;

        Instance(Problem problem) {
            this.problem = problem;
            this.values = problem.start();
            this.grads = new float[values.length];
            this.params = ParamSet.of(values, problem.names(), problem.shapes());
        }

        @Override
        public ParamSet params() { return params; }

        @Override
        public float[] grads() { return grads; }

        /** Full batch: every step sees the same objective. */
        @Override
        public void setBatch(long step) {}

        @Override
        public double lossAndGradients() { return problem.lossAndGradient(values, grads); }

        @Override
        public double loss() { return problem.loss(values); }

        @Override
        public Map<String, Double> evaluate() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", problem.loss(values));
            return m;
        }

        /** One "example": the whole deterministic objective. */
        @Override
        public long examplesPerStep() { return 1; }

        @Override
        public String throughputUnit() { return "examples"; }

        @Override
        public Curvature curvature(long seed) { return Curvature.forProblem(problem, seed); }
    }
}
