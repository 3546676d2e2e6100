package dev.descent.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings run on one problem, best first, and the best setting of each optimizer.
 *
 * <p>Order: settings with at least one finished run and a finite mean final metric come first, by
 * that mean (descending when the problem's metric is higher-is-better); ties and settings without a
 * metric fall back to the mean final training loss, then to optimizer and hyperparameter names.
 * Settings without any finished run come last. An optimizer's best setting is its first in that order,
 * and an optimizer's rank on the problem is the position of its best setting among the other
 * optimizers' best settings (only optimizers with a finished run are ranked).
 */
public record ProblemSummary(String problem, String metricName, boolean higherIsBetter, double lossTarget,
                             List<Setting> settings, List<Setting> bestPerOptimizer) {

    /** One summary per problem, in problem-name order. */
    public static List<ProblemSummary> of(List<RunRecord> runs) {
        Map<String, Map<List<String>, List<RunRecord>>> byProblem = new TreeMap<>();
        for (RunRecord r : runs) {
            byProblem.computeIfAbsent(r.problem(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(List.of(r.optimizer(), r.hyperJson()), k -> new ArrayList<>()).add(r);
        }
        List<ProblemSummary> out = new ArrayList<>();
        for (var e : byProblem.entrySet()) {
            List<Setting> settings = new ArrayList<>();
            for (var s : e.getValue().entrySet()) {
                settings.add(new Setting(e.getKey(), s.getKey().get(0), s.getKey().get(1), List.copyOf(s.getValue())));
            }
            RunRecord first = settings.getFirst().runs().getFirst();
            boolean higher = first.higherIsBetter();
            settings.sort(order(higher));
            Map<String, Setting> best = new LinkedHashMap<>();
            for (Setting s : settings) best.putIfAbsent(s.optimizer(), s);
            out.add(new ProblemSummary(e.getKey(), first.metricName(), higher, first.lossTarget(),
                    List.copyOf(settings), List.copyOf(best.values())));
        }
        return out;
    }

    /** 1-based rank of the optimizer on this problem, or 0 when it has no finished run here (or did not run). */
    public int rank(String optimizer) {
        int rank = 0;
        for (Setting s : bestPerOptimizer) {
            if (s.finishedRuns().isEmpty()) return 0;
            rank++;
            if (s.optimizer().equals(optimizer)) return rank;
        }
        return 0;
    }

    /** Ranked optimizers on this problem (those with a finished run). */
    public int rankedCount() {
        return (int) bestPerOptimizer.stream().filter(s -> !s.finishedRuns().isEmpty()).count();
    }

    /** Best settings that have something to draw (a finished run). */
    public List<Setting> charted() {
        return bestPerOptimizer.stream().filter(s -> !s.finishedRuns().isEmpty()).toList();
    }

    static Comparator<Setting> order(boolean higherIsBetter) {
        Comparator<Double> metric = higherIsBetter ? Comparator.reverseOrder() : Comparator.naturalOrder();
        return Comparator.<Setting>comparingInt(s -> s.finishedRuns().isEmpty() ? 1 : 0)
                .thenComparing(s -> nanLast(s.finalMetric().mean(), higherIsBetter), metric)
                .thenComparing(s -> nanLast(s.finalLoss().mean(), false))
                .thenComparing(Setting::optimizer)
                .thenComparing(Setting::hyperJson);
    }

    /** Puts a missing value after every real one in the given direction. */
    private static double nanLast(double v, boolean higherIsBetter) {
        if (!Double.isNaN(v)) return v;
        return higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
}
