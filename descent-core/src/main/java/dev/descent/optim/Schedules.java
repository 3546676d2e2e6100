package dev.descent.optim;

/**
 * Learning-rate schedules, with optax's definitions ({@code optax.schedules}); {@code step} counts
 * updates already applied, so the first update uses {@code at(0)}.
 */
public final class Schedules {
    private Schedules() {}

    public static Schedule constant(double value) {
        return step -> value;
    }

    /** Linear from {@code init} to {@code end} over {@code steps}, then {@code end} (optax.linear_schedule). */
    public static Schedule linear(double init, double end, long steps) {
        Hyper.positiveCount("steps", steps);
        return step -> init + (end - init) * Math.min(1.0, (double) step / steps);
    }

    /**
     * Cosine decay from {@code init} to {@code init·alpha} over {@code steps}, then constant
     * (optax.cosine_decay_schedule): {@code init·((1 − α)·½(1 + cos(π·min(t, T)/T)) + α)}.
     */
    public static Schedule cosineDecay(double init, long steps, double alpha) {
        Hyper.positiveCount("decay_steps", steps);
        return step -> {
            double t = Math.min(step, steps) / (double) steps;
            return init * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
        };
    }

    /**
     * Linear warm-up from {@code init} to {@code peak} over {@code warmup} steps, then cosine decay to
     * {@code end} at {@code decaySteps} (counted from 0, warm-up included), as
     * optax.warmup_cosine_decay_schedule.
     */
    public static Schedule warmupCosine(double init, double peak, long warmup, long decaySteps, double end) {
        if (decaySteps <= warmup) throw new IllegalArgumentException("decay_steps must exceed warmup_steps");
        Schedule up = linear(init, peak, Math.max(1, warmup));
        Schedule down = cosineDecay(peak, decaySteps - warmup, peak == 0 ? 0 : end / peak);
        return warmup == 0 ? down : join(new Schedule[] {up, down}, new long[] {warmup});
    }

    /**
     * nanoGPT's learning-rate schedule ({@code get_lr} in train.py): linear warm-up
     * {@code peak·(t + 1)/(warmup + 1)} for t &lt; {@code warmup}; then cosine decay
     * {@code minLr + ½(1 + cos(π·(t − warmup)/(decayIters − warmup)))·(peak − minLr)} up to
     * t = {@code decayIters}; {@code minLr} after. Unlike {@link #warmupCosine} (optax's), the warm-up
     * starts at peak/(warmup + 1), not 0, and the decay ends at minLr, not at a fraction of the peak.
     * The arithmetic (in double, in this order) is nanoGPT's, as the training loop has always used it.
     */
    public static Schedule nanoGpt(double peak, double minLr, long warmup, long decayIters) {
        return step -> {
            if (step < warmup) return peak * (step + 1) / (warmup + 1);
            if (step > decayIters) return minLr;
            double ratio = decayIters == warmup ? 1 : (double) (step - warmup) / (decayIters - warmup);
            double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
            return minLr + coeff * (peak - minLr);
        };
    }

    /**
     * Warmup–stable–decay (Hu et al., MiniCPM 2024): linear warm-up to {@code peak} over
     * {@code warmup}, constant until {@code total − decay}, then linear decay to {@code end} at
     * {@code total}.
     */
    public static Schedule wsd(double peak, long warmup, long total, long decay, double end) {
        if (warmup + decay > total) throw new IllegalArgumentException("warmup + decay must not exceed total steps");
        return step -> {
            if (step < warmup) return peak * (step + 1) / (double) (warmup + 1);
            long decayStart = total - decay;
            if (step < decayStart) return peak;
            if (decay == 0) return end;
            double t = Math.min(1.0, (double) (step - decayStart) / decay);
            return peak + (end - peak) * t;
        };
    }

    /**
     * {@code init · rate^(t / transitionSteps)} (floored to whole transitions when {@code staircase}),
     * bounded below by {@code end} when rate &lt; 1 (optax.exponential_decay without transition_begin).
     */
    public static Schedule exponential(double init, long transitionSteps, double rate, boolean staircase, double end) {
        Hyper.positiveCount("transition_steps", transitionSteps);
        return step -> {
            double p = (double) step / transitionSteps;
            if (staircase) p = Math.floor(p);
            double v = init * Math.pow(rate, p);
            return rate < 1 ? Math.max(v, end) : v;
        };
    }

    /** {@code init} multiplied by {@code scales[i]} once step reaches {@code boundaries[i]} (optax.piecewise_constant_schedule). */
    public static Schedule piecewiseConstant(double init, long[] boundaries, double[] scales) {
        if (boundaries.length != scales.length) throw new IllegalArgumentException("boundaries and scales differ in length");
        long[] b = boundaries.clone();
        double[] s = scales.clone();
        return step -> {
            double v = init;
            for (int i = 0; i < b.length; i++) if (step >= b[i]) v *= s[i];
            return v;
        };
    }

    /**
     * One-cycle (Smith &amp; Topin 2018, as optax.cosine_onecycle_schedule): cosine from
     * {@code peak/divFactor} up to {@code peak} over {@code pctStart·total}, then cosine down to
     * {@code peak/(divFactor·finalDivFactor)} at {@code total}.
     */
    public static Schedule oneCycle(long total, double peak, double pctStart, double divFactor, double finalDivFactor) {
        Hyper.positiveCount("transition_steps", total);
        double start = peak / divFactor;
        double last = start / finalDivFactor;
        long up = (long) (pctStart * total);
        return step -> {
            if (step < up) return cosineBetween(start, peak, (double) step / Math.max(1, up));
            double t = Math.min(1.0, (double) (step - up) / Math.max(1, total - up));
            return cosineBetween(peak, last, t);
        };
    }

    private static double cosineBetween(double from, double to, double t) {
        return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /**
     * Runs {@code schedules[0]} until {@code boundaries[0]}, then {@code schedules[1]} with its step
     * counted from that boundary, and so on (optax.join_schedules).
     */
    public static Schedule join(Schedule[] schedules, long[] boundaries) {
        if (schedules.length != boundaries.length + 1) throw new IllegalArgumentException("need one boundary fewer than schedules");
        Schedule[] s = schedules.clone();
        long[] b = boundaries.clone();
        return step -> {
            int i = 0;
            long start = 0;
            while (i < b.length && step >= b[i]) {
                start = b[i];
                i++;
            }
            return s[i].at(step - start);
        };
    }
}
