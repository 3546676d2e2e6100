package dev.descent.bench.report;

/**
 * The points one run recorded for one quantity, in step order: the training loss per step (from
 * {@code steps}) or the evaluation metric per evaluation (from {@code evals}). {@code value} is
 * {@code NaN} where the store holds {@code NULL} (a non-finite loss); {@code wallSeconds} is the
 * training time at that point.
 */
public record RunSeries(long[] step, double[] value, double[] wallSeconds) {
    public RunSeries {
        if (step.length != value.length || step.length != wallSeconds.length) {
            throw new IllegalArgumentException("series arrays differ in length: " + step.length + ", "
                    + value.length + ", " + wallSeconds.length);
        }
    }

    public static final RunSeries EMPTY = new RunSeries(new long[0], new double[0], new double[0]);

    public int size() {
        return step.length;
    }
}
