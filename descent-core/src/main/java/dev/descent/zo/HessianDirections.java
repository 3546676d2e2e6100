package dev.descent.zo;

import dev.descent.tensor.Philox;

/**
 * Standard Gaussian probing directions u ~ N(0, I_d) for the Hessian estimators, regenerated from
 * their key instead of stored: direction (seed, step, query) is
 * {@code Philox.stream(seed, "zo/hessian").derive(step).derive(query).fillGaussian(…, d, 0)}, i.e.
 * entries 0..d−1 of that stream (Box–Muller in double, rounded to float, then widened to double).
 * The same key always gives the same direction, on any thread.
 */
public final class HessianDirections {
    /** The stream purpose of every Hessian-estimator direction. */
    public static final String PURPOSE = "zo/hessian";

    private HessianDirections() {}

    /** Direction {@code query} of step {@code step} for {@code seed}, of length d. */
    public static double[] gaussian(long seed, long step, long query, int d) {
        float[] f = new float[d];
        fill(seed, step, query, f);
        double[] u = new double[d];
        for (int i = 0; i < d; i++) u[i] = f[i];
        return u;
    }

    /** Fills {@code out} with the float entries of direction (seed, step, query). */
    public static void fill(long seed, long step, long query, float[] out) {
        fill(base(seed), step, query, out);
    }

    /** The stream (seed, {@value #PURPOSE}) that every direction of {@code seed} derives from (keep it to avoid re-hashing). */
    public static Philox base(long seed) {
        return Philox.stream(seed, PURPOSE);
    }

    /** Fills {@code out} with direction (step, query) of the stream {@code base} returned by {@link #base}. */
    public static void fill(Philox base, long step, long query, float[] out) {
        base.derive(step).derive(query).fillGaussian(out, 0, out.length, 0);
    }
}
