package dev.descent.zo;

import dev.descent.optim.StepReport;
import java.util.Map;

/**
 * The progress counters a zeroth-order optimizer reports and checkpoints: steps taken, the loss of
 * the latest step, objective evaluations so far ({@code queries}) and steps skipped because an
 * evaluation or estimate was not finite ({@code skipped}), with the step of the latest skip.
 */
final class ZoProgress {
    long steps;
    double loss = Double.NaN;
    long queries;
    long skipped;
    /** The step count (1-based) of the latest skipped step; 0 when none was skipped. */
    private long skippedStep;
    /** {@link #queries} and {@link #skipped} when the current step began ({@link #begin}). */
    private long queriesBefore;
    private long skippedBefore;

    /** Marks the start of a step, for {@link #report}. */
    void begin() {
        queriesBefore = queries;
        skippedBefore = skipped;
    }

    /** Counts the step just taken (already in {@link #steps}) as skipped. */
    void skip() {
        skipped++;
        skippedStep = steps;
    }

    /** "step N skipped: {@code why}; parameters restored" for the latest skipped step, or null when none was. */
    String lastSkipReason(String why) {
        return skippedStep == 0 ? null : "step " + skippedStep + " skipped: " + why + "; parameters restored";
    }

    /**
     * The report of the step just taken, from the counters at {@link #begin}: the queries it made, its
     * loss and, when it was skipped, {@code reason}.
     */
    StepReport report(String reason) {
        long queries = this.queries - queriesBefore;
        return skipped > skippedBefore ? StepReport.skipped(loss, queries, reason) : StepReport.applied(loss, queries);
    }

    /** The objective a zeroth-order optimizer was built with, for its plain {@code step()}; refused when none was given. */
    static dev.descent.optim.Objective bound(dev.descent.optim.Objective bound, String optimizer) {
        if (bound == null) throw unbound(optimizer);
        return bound;
    }

    /** The refusal of {@code step()} by a zeroth-order optimizer built without an objective. */
    static IllegalStateException unbound(String optimizer) {
        return new IllegalStateException(optimizer + " is a zeroth-order optimizer and evaluates the loss itself: call step(objective) "
                + "with the objective to evaluate (built by name, it holds none)");
    }

    /** Puts the scalars {@code loss}, {@code queries} and {@code skipped}, in that order. */
    void putOutputs(Map<String, Double> scalars) {
        scalars.put("loss", loss);
        scalars.put("queries", (double) queries);
        scalars.put("skipped", (double) skipped);
    }

    /** Restores {@code step}, {@code loss}, {@code queries} and {@code skipped}; each must be present. */
    void load(Map<String, Double> scalars) {
        steps = (long) required(scalars, "step");
        loss = required(scalars, "loss");
        queries = (long) required(scalars, "queries");
        skipped = (long) required(scalars, "skipped");
    }

    static double required(Map<String, Double> scalars, String key) {
        Double v = scalars.get(key);
        if (v == null) throw new IllegalArgumentException("saved optimizer state lacks scalar '" + key + "'");
        return v;
    }

    static void checkSame(Map<String, Double> scalars, String key, double expected) {
        double saved = required(scalars, key);
        if (Double.compare(saved, expected) != 0) {
            throw new IllegalArgumentException("saved optimizer state has " + key + " = " + saved + ", this optimizer was built with " + expected);
        }
    }
}
