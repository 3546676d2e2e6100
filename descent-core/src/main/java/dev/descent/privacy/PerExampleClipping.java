package dev.descent.privacy;

/**
 * Opacus's per-sample clipping ({@code DPOptimizer.clip_and_accumulate}, flat clipping): a
 * per-example gradient g with norm ‖g‖₂ is multiplied by {@code min(1, C/(‖g‖₂ + 1e-6))}, so its
 * norm is at most C, and a gradient already shorter than C (by more than the 1e-6 guard) is left
 * almost unchanged (the factor is clamped at exactly 1). The norm is accumulated in double.
 */
public final class PerExampleClipping {
    private PerExampleClipping() {}

    /** Opacus's guard against dividing by a zero norm. */
    public static final double EPSILON = 1e-6;

    /** The factor that clips a gradient of norm {@code norm} to {@code maxNorm}. */
    public static double factor(double norm, double maxNorm) {
        return Math.min(1.0, maxNorm / (norm + EPSILON));
    }

    /** ‖g[0..n)‖₂ in double. */
    public static double norm(float[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) g[i] * g[i];
        return Math.sqrt(s);
    }

    /** Adds the clipped {@code g} to {@code sum} (float, in index order) and returns g's norm before clipping. */
    public static double clipAndAccumulate(float[] g, float[] sum, double maxNorm) {
        double norm = norm(g, g.length);
        float f = (float) factor(norm, maxNorm);
        for (int i = 0; i < g.length; i++) sum[i] += f * g[i];
        return norm;
    }
}
