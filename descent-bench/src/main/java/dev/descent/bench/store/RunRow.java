package dev.descent.bench.store;

/**
 * One row of the {@code runs} table (see {@code schema.sql} for the meaning of each column). Nullable
 * numbers are null when not finite or not available.
 */
public record RunRow(String runId, String suite, String problem, String optimizer, String hyperJson, long seed, int steps,
                     int evalEvery, String configJson, String envJson, String status, String error, String startedAt,
                     String finishedAt, long params, int stepsDone, Double finalLoss, String metricName, boolean higherIsBetter,
                     Double finalMetric, Double bestMetric, Double lossTarget, Integer stepsToTarget, double stateBytesPerParam,
                     double wallSeconds, Double secondsPerStep, Double throughput, String throughputUnit) {
    public static final String FINISHED = "finished";
    public static final String DIVERGED = "diverged";
    public static final String FAILED = "failed";
}
