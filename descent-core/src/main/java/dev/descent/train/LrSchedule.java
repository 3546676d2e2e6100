package dev.descent.train;

/**
 * nanoGPT's learning-rate schedule ({@code get_lr}): linear warm-up to the peak over
 * {@code warmup} steps, {@code η·(it+1)/(warmup+1)}; then cosine decay to {@code minLr} at
 * {@code decayIters}; {@code minLr} afterwards.
 */
public record LrSchedule(double peak, double minLr, int warmup, int decayIters, boolean enabled) {
    public double at(long it) {
        if (!enabled) return peak;
        if (it < warmup) return peak * (it + 1) / (warmup + 1);
        if (it > decayIters) return minLr;
        double ratio = decayIters == warmup ? 1 : (double) (it - warmup) / (decayIters - warmup);
        double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
        return minLr + coeff * (peak - minLr);
    }
}
