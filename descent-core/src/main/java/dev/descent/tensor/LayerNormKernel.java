package dev.descent.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalisation over the last dimension (as {@code torch.nn.functional.layer_norm}):
 * {@code y = (x − mean) / sqrt(var + eps) · w + b} with the biased variance. The forward keeps each
 * row's mean and reciprocal standard deviation for the backward:
 * <pre>
 *   x̂ = (x − μ)·r,   dx̂ = dy ⊙ w
 *   dx = r · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ ⊙ x̂))
 *   dw += Σ_rows dy ⊙ x̂,   db += Σ_rows dy
 * </pre>
 * Rows are split across threads; the per-row parameter gradients are summed per chunk and the
 * chunks combined in order, so the result does not depend on timing.
 */
public final class LayerNormKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private LayerNormKernel() {}

    /** Forward over {@code rows} rows of {@code n}; {@code w} may be null (ones), {@code b} may be null (zeros). */
    public static void forward(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, int rows, int n,
                               float[] y, int yo, float[] mean, float[] rstd) {
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, n)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xo + r * n;
                float mu = Reductions.sum(x, xr, n) / n;
                float var = 0;
                FloatVector vmu = FloatVector.broadcast(S, mu);
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (int u = S.loopBound(n); i < u; i += L) {
                    FloatVector d = FloatVector.fromArray(S, x, xr + i).sub(vmu);
                    acc = d.fma(d, acc);
                }
                var = VectorMath.sumLanes(acc);
                for (; i < n; i++) {
                    float d = x[xr + i] - mu;
                    var += d * d;
                }
                var /= n;
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                mean[r] = mu;
                rstd[r] = rs;
                int yr = yo + r * n;
                FloatVector vrs = FloatVector.broadcast(S, rs);
                i = 0;
                for (int u = S.loopBound(n); i < u; i += L) {
                    FloatVector h = FloatVector.fromArray(S, x, xr + i).sub(vmu).mul(vrs);
                    if (w != null) h = h.mul(FloatVector.fromArray(S, w, wo + i));
                    if (b != null) h = h.add(FloatVector.fromArray(S, b, bo + i));
                    h.intoArray(y, yr + i);
                }
                for (; i < n; i++) {
                    float h = (x[xr + i] - mu) * rs;
                    if (w != null) h *= w[wo + i];
                    if (b != null) h += b[bo + i];
                    y[yr + i] = h;
                }
            }
        });
    }

    /** Each thread's rows x̂ and dx̂ for {@link #backward}. */
    private static final ThreadScratch NORMALISED_ROW = new ThreadScratch();
    private static final ThreadScratch ROW_GRADIENT = new ThreadScratch();
    /** The calling thread's per-chunk parameter-gradient sums for {@link #backward}. */
    private static final ThreadScratch PARTIAL_SUMS = new ThreadScratch();

    /**
     * Backward: adds into {@code dx} (may be null to skip), {@code dw} and {@code db} (each may be null).
     *
     * <p>Each row takes two passes: the first computes x̂ and dx̂ into two row-sized scratch arrays
     * and adds the row's dy ⊙ x̂ and dy into the chunk's parameter-gradient sums; after the two
     * means, the second adds r·((dx̂ − mean(dx̂)) − x̂·mean(dx̂ ⊙ x̂)) into dx. Every element is the
     * same sequence of IEEE operations as in the earlier form of five separate passes per row (a
     * scalar x̂ loop, dx̂ = dy ⊙ w, an fma pass, an add pass, a scalar dx loop), so the results are
     * bit-identical; one pass touches each input once instead of once per operation. No vector is
     * conditionally assigned or passed to another method, so the JIT keeps them all in registers.
     */
    public static void backward(float[] dy, int dyo, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                int rows, int n, float[] dx, int dxo, float[] dw, int dwo, float[] db, int dbo) {
        int grain = Math.max(1, 4096 / Math.max(1, n));
        int chunks = Parallel.chunkCount(rows, grain);
        // Chunk c's sums of dy ⊙ x̂ and of dy at [2cn, 2cn + n) and [2cn + n, 2cn + 2n), zeroed, as
        // new arrays were; added into dw and db in chunk order after the split.
        float[] parts = PARTIAL_SUMS.floats(2 * chunks * n);
        Arrays.fill(parts, 0, 2 * chunks * n, 0f);
        Parallel.forChunks(rows, grain, (c, from, to) -> {
            float[] xhat = NORMALISED_ROW.floats(n); // both rows written by normalisedRow before they are read
            float[] dxhat = ROW_GRADIENT.floats(n);
            for (int r = from; r < to; r++) {
                float rs = rstd[r];
                normalisedRow(dy, dyo + r * n, x, xo + r * n, w, wo, mean[r], rs, n, xhat, dxhat,
                        dw == null ? null : parts, db == null ? null : parts, 2 * c * n);
                if (dx != null) {
                    float m1 = Reductions.sum(dxhat, 0, n) / n;
                    float m2 = Reductions.dot(dxhat, 0, xhat, 0, n) / n;
                    inputGradientRow(xhat, dxhat, rs, m1, m2, n, dx, dxo + r * n);
                }
            }
        });
        for (int c = 0; c < chunks; c++) {
            if (dw != null) Elementwise.addInPlace(parts, 2 * c * n, dw, dwo, n);
            if (db != null) Elementwise.addInPlace(parts, 2 * c * n + n, db, dbo, n);
        }
    }

    /**
     * One row's x̂ = (x − μ)·r and dx̂ = dy ⊙ w (dy when w is null) into {@code xhat} and
     * {@code dxhat}; {@code dwSum[so..] += dy ⊙ x̂} (one fma) and {@code dbSum[so + n..] += dy} when
     * they are not null.
     */
    private static void normalisedRow(float[] dy, int gr, float[] x, int xr, float[] w, int wo, float mu, float rs, int n,
                                      float[] xhat, float[] dxhat, float[] dwSum, float[] dbSum, int so) {
        int bo = so + n;
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vrs = FloatVector.broadcast(S, rs);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, xr + i).sub(vmu).mul(vrs);
            h.intoArray(xhat, i);
            FloatVector g = FloatVector.fromArray(S, dy, gr + i);
            if (w != null) {
                g.mul(FloatVector.fromArray(S, w, wo + i)).intoArray(dxhat, i);
            } else {
                g.intoArray(dxhat, i);
            }
            if (dwSum != null) g.fma(h, FloatVector.fromArray(S, dwSum, so + i)).intoArray(dwSum, so + i);
            if (dbSum != null) FloatVector.fromArray(S, dbSum, bo + i).add(g).intoArray(dbSum, bo + i);
        }
        for (; i < n; i++) {
            float h = (x[xr + i] - mu) * rs;
            float g = dy[gr + i];
            xhat[i] = h;
            dxhat[i] = w != null ? g * w[wo + i] : g;
            if (dwSum != null) dwSum[so + i] = Math.fma(g, h, dwSum[so + i]);
            if (dbSum != null) dbSum[bo + i] += g;
        }
    }

    /** dx += r · ((dx̂ − m1) − x̂·m2) over one row. */
    private static void inputGradientRow(float[] xhat, float[] dxhat, float rs, float m1, float m2, int n, float[] dx, int dr) {
        FloatVector vrs = FloatVector.broadcast(S, rs);
        FloatVector vm1 = FloatVector.broadcast(S, m1);
        FloatVector vm2 = FloatVector.broadcast(S, m2);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector d = FloatVector.fromArray(S, dxhat, i).sub(vm1).sub(FloatVector.fromArray(S, xhat, i).mul(vm2));
            FloatVector.fromArray(S, dx, dr + i).add(d.mul(vrs)).intoArray(dx, dr + i);
        }
        for (; i < n; i++) dx[dr + i] += rs * (dxhat[i] - m1 - xhat[i] * m2);
    }
}
