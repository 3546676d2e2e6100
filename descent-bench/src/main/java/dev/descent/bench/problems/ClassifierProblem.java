package dev.descent.bench.problems;

/**
 * What the classification problems share: the metric ({@code test_accuracy}, higher is better,
 * followed by {@code test_loss} and {@code train_loss}, see {@link ClassifierInstance}), the batch
 * size, and the run defaults each problem chooses.
 */
public abstract class ClassifierProblem implements BenchProblem {
    private final String name;
    private final String description;
    protected final int batchSize;
    private final int defaultSteps;
    private final int defaultEvalEvery;
    private final double lossTarget;

    ClassifierProblem(String name, String description, int batchSize, int defaultSteps, int defaultEvalEvery, double lossTarget) {
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be positive, got " + batchSize);
        if (defaultSteps < 1) throw new IllegalArgumentException("steps must be positive, got " + defaultSteps);
        if (defaultEvalEvery < 1) throw new IllegalArgumentException("eval_every must be positive, got " + defaultEvalEvery);
        this.name = name;
        this.description = description;
        this.batchSize = batchSize;
        this.defaultSteps = defaultSteps;
        this.defaultEvalEvery = defaultEvalEvery;
        this.lossTarget = lossTarget;
    }

    @Override public String name() { return name; }

    @Override public String description() { return description; }

    @Override public String metric() { return "test_accuracy"; }

    @Override public boolean higherIsBetter() { return true; }

    @Override public int defaultSteps() { return defaultSteps; }

    @Override public int defaultEvalEvery() { return defaultEvalEvery; }

    @Override public double lossTarget() { return lossTarget; }

    public int batchSize() { return batchSize; }

    @Override
    public abstract ClassifierInstance instantiate(long seed);
}
