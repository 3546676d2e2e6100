package dev.descent.bench.report;

/**
 * One row of the run store's {@code runs} table, as a report needs it. SQL {@code NULL} in a REAL
 * column reads as {@code NaN}; {@code stepsToTarget} is {@code null} when the run never reached the
 * loss target (or the problem has none).
 */
public record RunRecord(
        String runId,
        String suite,
        String problem,
        String optimizer,
        String hyperJson,
        long seed,
        long steps,
        String envJson,
        String status,
        String error,
        long params,
        long stepsDone,
        double finalLoss,
        String metricName,
        boolean higherIsBetter,
        double finalMetric,
        double bestMetric,
        double lossTarget,
        Long stepsToTarget,
        double stateBytesPerParam,
        double wallSeconds,
        double secondsPerStep,
        double throughput,
        String throughputUnit) {

    public static final String FINISHED = "finished";

    public boolean finished() {
        return FINISHED.equals(status);
    }
}
