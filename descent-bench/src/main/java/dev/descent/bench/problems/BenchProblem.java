package dev.descent.bench.problems;

/**
 * A named benchmark problem: a model, its data, its training loss and its evaluation metric. A
 * problem is a recipe; {@link #instantiate} builds one independent, seeded instance per run, so runs
 * may execute in parallel.
 */
public interface BenchProblem {
    /** The name used in suites, configs and the run store ("logreg-breast-cancer", …). */
    String name();

    /** One line: model, data, loss, metric. */
    String description();

    /** Name of the evaluation metric {@link ProblemInstance#evaluate()} reports first ("test_accuracy", "val_loss", …). */
    String metric();

    /** True when a larger metric is better (accuracy), false when smaller is (loss). */
    boolean higherIsBetter();

    /** Steps a run takes unless the suite says otherwise. */
    int defaultSteps();

    /** Evaluate every this many steps (and after the last) unless the suite says otherwise. */
    int defaultEvalEvery();

    /**
     * The training-loss value whose first crossing gives "steps to target" in reports (NaN when the
     * problem has none).
     */
    double lossTarget();

    /** Builds a fresh instance; everything random in it (init, data order, split) derives from {@code seed}. */
    ProblemInstance instantiate(long seed);
}
