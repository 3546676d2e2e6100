package dev.descent.bench.run;

import java.util.Locale;

/**
 * When a run counts as diverged although every loss it printed was a number: its last training loss
 * is not finite, or it grew by more than {@link #GROWTH} (three orders of magnitude) over the first
 * step's loss. A run whose loss went from 2.3 to 1e105 "finished" its steps, but comparing its final
 * metric with the others' would mislead. The rule applies to positive first losses (every benchmark
 * problem's loss is a non-negative cross-entropy or squared error); the runner stores the verdict and the
 * report applies the same rule to stores written before it existed.
 */
public final class Divergence {
    private Divergence() {}

    /** Growth of the training loss, last over first, beyond which a run has diverged. */
    public static final double GROWTH = 1e3;

    /** Why a run with these losses diverged, or null when it did not. */
    public static String reason(double firstLoss, double lastLoss, long lastStep) {
        if (Double.isNaN(firstLoss)) return null; // no step recorded: nothing to compare
        if (!Double.isFinite(lastLoss)) return "training loss is " + lastLoss + " at step " + lastStep;
        if (firstLoss > 0 && lastLoss > GROWTH * firstLoss) {
            return "training loss grew from " + compact(firstLoss) + " at step 1 to " + compact(lastLoss) + " at step " + lastStep
                    + " (more than " + compact(GROWTH) + " times)";
        }
        return null;
    }

    /** Four significant digits without trailing zeros: 2.3, 0.6745, 1e+105. */
    private static String compact(double v) {
        return String.format(Locale.ROOT, "%.4g", v).replaceFirst("(\\.\\d*?)0+(?=$|e)", "$1").replaceFirst("\\.(?=$|e)", "");
    }
}
