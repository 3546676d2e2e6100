package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact GELU of {@code torch.nn.GELU()} (the default, {@code approximate='none'}), which nanoGPT
 * uses: {@code gelu(x) = x · Φ(x) = ½ x (1 + erf(x / √2))}, with derivative
 * {@code Φ(x) + x · φ(x)}, {@code φ(x) = exp(−x²/2) / √(2π)}.
 *
 * <p>erf is evaluated with Abramowitz &amp; Stegun 7.1.26 (absolute error ≤ 1.5·10⁻⁷, below float32
 * resolution of values near 1), which vectorises with one exponential per element.
 */
public final class Gelu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f;
    private static final float A2 = -0.284496736f;
    private static final float A3 = 1.421413741f;
    private static final float A4 = -1.453152027f;
    private static final float A5 = 1.061405429f;
    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.39894228040143268f;

    private Gelu() {}

    /** erf(x) by A&amp;S 7.1.26 (scalar form, used for tails and tests). */
    public static float erf(float x) {
        float ax = Math.abs(x);
        float t = 1f / (1f + P * ax);
        float poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        float e = 1f - poly * VectorMath.exp(-ax * ax);
        return x < 0 ? -e : e;
    }

    public static void forward(float[] x, int xo, float[] y, int yo, int n) {
        Parallel.forRange(n, 1 << 14, (from, to) -> {
            int i = from;
            for (int u = from + S.loopBound(to - from); i < u; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                FloatVector cdf = cdf(v);
                v.mul(cdf).intoArray(y, yo + i);
            }
            for (; i < to; i++) {
                float v = x[xo + i];
                y[yo + i] = v * 0.5f * (1f + erf(v * INV_SQRT2));
            }
        });
    }

    /**
     * dx += dy · gelu'(x).
     *
     * <p>Each chunk goes through its range in blocks of {@link #BLOCK} elements, in two loops that
     * are separate methods: the first stores Φ(x) of the block into a small scratch array, the
     * second computes φ(x), gelu' and the update. One loop with both exponentials is too large for
     * the JIT to inline whole (C2 stops at its node-count cutoff and calls {@code cdf} out of line),
     * and a vector passed to a call that is not inlined is boxed: about 12 bytes of garbage per
     * element. Storing Φ(x) as a float and loading it back is exact, so the values are the same as
     * those of the single loop.
     */
    public static void backward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        Parallel.forRange(n, 1 << 14, (from, to) -> {
            float[] cdf = CDF_BLOCK.floats(BLOCK); // written by cdfBlock before backwardBlock reads it
            for (int start = from; start < to; start += BLOCK) {
                int len = Math.min(BLOCK, to - start);
                int vec = S.loopBound(len);
                cdfBlock(x, xo + start, cdf, vec);
                backwardBlock(x, xo + start, dy, dyo + start, dx, dxo + start, cdf, vec);
                for (int i = start + vec; i < start + len; i++) {
                    float v = x[xo + i];
                    float c = 0.5f * (1f + erf(v * INV_SQRT2));
                    float pdf = VectorMath.exp(-0.5f * v * v) * INV_SQRT_2PI;
                    dx[dxo + i] += dy[dyo + i] * (c + v * pdf);
                }
            }
        });
    }

    /** Elements per block of {@link #backward}: a multiple of every vector length, small enough to stay in L1. */
    private static final int BLOCK = 1024;

    /** Each thread's Φ(x) block for {@link #backward}. */
    private static final ThreadScratch CDF_BLOCK = new ThreadScratch();

    /** out[i] = Φ(x[xo + i]) for i in [0, n), n a multiple of the vector length. */
    private static void cdfBlock(float[] x, int xo, float[] out, int n) {
        for (int i = 0; i < n; i += L) cdf(FloatVector.fromArray(S, x, xo + i)).intoArray(out, i);
    }

    /** dx += dy · (Φ(x) + x·φ(x)) with Φ(x) read from {@code cdf}, for n elements (a multiple of the vector length). */
    private static void backwardBlock(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, float[] cdf, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector d = v.fma(pdf, FloatVector.fromArray(S, cdf, i));
            FloatVector.fromArray(S, dy, dyo + i).fma(d, FloatVector.fromArray(S, dx, dxo + i)).intoArray(dx, dxo + i);
        }
    }

    /** Φ(x) = ½ (1 + erf(x/√2)), vectorised. */
    private static FloatVector cdf(FloatVector v) {
        FloatVector z = v.mul(INV_SQRT2);
        FloatVector az = z.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(az.fma(P, 1f));
        FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                .fma(t, FloatVector.broadcast(S, A1)).mul(t);
        FloatVector e = VectorMath.exp(az.mul(az).neg());
        FloatVector erfAbs = poly.mul(e).neg().add(1f);
        FloatVector erf = erfAbs.blend(erfAbs.neg(), z.compare(VectorOperators.LT, 0f));
        return erf.add(1f).mul(0.5f);
    }
}
