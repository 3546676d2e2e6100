package dev.descent.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The runs of one optimizer setting on one problem: same problem, optimizer and hyperparameters,
 * one run per seed; the statistics a report's table shows for it.
 *
 * <p>Quality and speed columns (final metric, best metric, time per step, throughput) aggregate the
 * runs that {@linkplain RunRecord#finished() finished}; a diverged or failed run is only counted in
 * {@link #statusCounts()} (and in "k/n reached"), so it never drags a mean towards a meaningless value.
 * Steps to target averages every run that reached the target, whatever its status (a run may reach it
 * and diverge later).
 */
public record Setting(String problem, String optimizer, String hyperJson, List<RunRecord> runs) {

    /** {@code {"b":"2","a":"1"}} → {@code "a=1, b=2"} (keys sorted), {@code {}} → {@code "defaults"}. */
    public String hyperLabel() {
        return HyperLabel.of(hyperJson);
    }

    public List<RunRecord> finishedRuns() {
        return runs.stream().filter(RunRecord::finished).toList();
    }

    public Stats finalMetric() {
        return over(finishedRuns(), RunRecord::finalMetric);
    }

    public Stats bestMetric() {
        return over(finishedRuns(), RunRecord::bestMetric);
    }

    public Stats finalLoss() {
        return over(finishedRuns(), RunRecord::finalLoss);
    }

    /** Steps to the loss target over the runs that reached it. */
    public Stats stepsToTarget() {
        return over(runs.stream().filter(r -> r.stepsToTarget() != null).toList(), r -> r.stepsToTarget());
    }

    public int reachedTarget() {
        return (int) runs.stream().filter(r -> r.stepsToTarget() != null).count();
    }

    public Stats stateBytesPerParam() {
        return over(runs, RunRecord::stateBytesPerParam);
    }

    public Stats secondsPerStep() {
        return over(finishedRuns(), RunRecord::secondsPerStep);
    }

    public Stats throughput() {
        return over(finishedRuns(), RunRecord::throughput);
    }

    public String throughputUnit() {
        return runs.getFirst().throughputUnit();
    }

    /** Runs per status, "finished" first, then "diverged", "failed", then any other in name order. */
    public Map<String, Integer> statusCounts() {
        return countStatuses(runs);
    }

    /** Runs per status, "finished" first, then "diverged", "failed", then any other in name order. */
    static Map<String, Integer> countStatuses(List<RunRecord> runs) {
        Map<String, Integer> sorted = new TreeMap<>();
        for (RunRecord r : runs) sorted.merge(r.status(), 1, Integer::sum);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String s : List.of(RunRecord.FINISHED, "diverged", "failed")) {
            Integer n = sorted.remove(s);
            if (n != null) out.put(s, n);
        }
        out.putAll(sorted);
        return out;
    }

    private static Stats over(List<RunRecord> runs, ToDoubleFunction<RunRecord> f) {
        return Stats.of(runs.stream().mapToDouble(f).toArray());
    }
}
