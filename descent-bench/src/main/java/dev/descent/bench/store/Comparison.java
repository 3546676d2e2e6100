package dev.descent.bench.store;

import dev.descent.bench.report.Stats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored runs grouped by problem × optimizer × hyperparameters, aggregated over seeds, for
 * {@code runs compare}. Within a problem, groups whose every run finished come first, ordered by
 * their mean final metric (best first, in the problem's direction); groups with diverged or failed
 * runs follow, fewest bad runs first, then by the mean over the runs that have a metric.
 */
public final class Comparison {
    /**
     * One group.
     *
     * @param mean              mean final metric over the runs that have one (null when none)
     * @param std               sample standard deviation of those (null below two)
     * @param reachedTarget     runs whose training loss reached the problem's loss target
     * @param meanStepsToTarget mean steps to the target over those runs (null when none)
     */
    public record Group(String problem, String optimizer, String hyperJson, String metricName, boolean higherIsBetter, int runs,
                        int finished, int diverged, int failed, Double mean, Double std, int reachedTarget, Double meanStepsToTarget,
                        double stateBytesPerParam, Double secondsPerStep) {
        /** Runs that diverged or failed. */
        public int bad() { return diverged + failed; }
    }

    private Comparison() {}

    public static List<Group> of(List<RunRow> rows) {
        Map<String, List<RunRow>> groups = new LinkedHashMap<>();
        for (RunRow r : rows) groups.computeIfAbsent(r.problem() + "\u0000" + r.optimizer() + "\u0000" + r.hyperJson(), k -> new ArrayList<>()).add(r);
        List<Group> out = new ArrayList<>();
        for (List<RunRow> g : groups.values()) out.add(aggregate(g));
        Comparator<Group> order = Comparator.comparing(Group::problem)
                .thenComparingInt(Group::bad)
                .thenComparing((a, b) -> compareMeans(a, b));
        out.sort(order);
        return out;
    }

    private static int compareMeans(Group a, Group b) {
        if (a.mean() == null || b.mean() == null) return a.mean() == null ? (b.mean() == null ? 0 : 1) : -1;
        int c = Double.compare(a.mean(), b.mean());
        return a.higherIsBetter() ? -c : c;
    }

    private static Group aggregate(List<RunRow> g) {
        RunRow first = g.get(0);
        int finished = 0;
        int diverged = 0;
        int failed = 0;
        int reached = 0;
        double stepsSum = 0;
        List<Double> metrics = new ArrayList<>();
        double stateSum = 0;
        double spsSum = 0;
        int spsCount = 0;
        for (RunRow r : g) {
            switch (r.status()) {
                case RunRow.FINISHED -> finished++;
                case RunRow.DIVERGED -> diverged++;
                default -> failed++;
            }
            if (r.finalMetric() != null) metrics.add(r.finalMetric());
            if (r.stepsToTarget() != null) {
                reached++;
                stepsSum += r.stepsToTarget();
            }
            stateSum += r.stateBytesPerParam();
            if (r.secondsPerStep() != null) {
                spsSum += r.secondsPerStep();
                spsCount++;
            }
        }
        Stats stats = Stats.of(metrics.stream().mapToDouble(Double::doubleValue).toArray());
        Double mean = stats.n() > 0 ? stats.mean() : null;
        Double std = stats.n() > 1 ? stats.std() : null;
        return new Group(first.problem(), first.optimizer(), first.hyperJson(), first.metricName(), first.higherIsBetter(), g.size(), finished,
                diverged, failed, mean, std, reached, reached > 0 ? stepsSum / reached : null, stateSum / g.size(),
                spsCount > 0 ? spsSum / spsCount : null);
    }
}
