package dev.descent.tensor;

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

    /**
     * Backward: adds into {@code dx} (may be null to skip), {@code dw} and {@code db} (each may be null).
     */
    public static void backward(float[] dy, int dyo, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                int rows, int n, float[] dx, int dxo, float[] dw, int dwo, float[] db, int dbo) {
        int grain = Math.max(1, 4096 / Math.max(1, n));
        int chunks = Parallel.chunkCount(rows, grain);
        float[][] dwPart = new float[Math.max(chunks, 1)][dw == null ? 0 : n];
        float[][] dbPart = new float[Math.max(chunks, 1)][db == null ? 0 : n];
        Parallel.forChunks(rows, grain, (c, from, to) -> {
            float[] xhat = new float[n];
            float[] dxhat = new float[n];
            for (int r = from; r < to; r++) {
                int xr = xo + r * n;
                int gr = dyo + r * n;
                float mu = mean[r];
                float rs = rstd[r];
                for (int i = 0; i < n; i++) xhat[i] = (x[xr + i] - mu) * rs;
                if (w != null) Elementwise.apply(Elementwise.Op.MUL, dy, gr, w, wo, dxhat, 0, n);
                else System.arraycopy(dy, gr, dxhat, 0, n);
                if (dw != null) Elementwise.fma(dy, gr, xhat, 0, dwPart[c], 0, dwPart[c], 0, n);
                if (db != null) Elementwise.addInPlace(dy, gr, dbPart[c], 0, n);
                if (dx != null) {
                    float m1 = Reductions.sum(dxhat, 0, n) / n;
                    float m2 = Reductions.dot(dxhat, 0, xhat, 0, n) / n;
                    int dr = dxo + r * n;
                    for (int i = 0; i < n; i++) dx[dr + i] += rs * (dxhat[i] - m1 - xhat[i] * m2);
                }
            }
        });
        for (int c = 0; c < chunks; c++) {
            if (dw != null) Elementwise.addInPlace(dwPart[c], 0, dw, dwo, n);
            if (db != null) Elementwise.addInPlace(dbPart[c], 0, db, dbo, n);
        }
    }
}
