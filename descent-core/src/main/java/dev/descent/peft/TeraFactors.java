package dev.descent.peft;

import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The frozen random tensors that every TeRA layer of a model shares ({@link Tera}): a Tucker core
 * {@code G [r, r, r, r]} and one factor matrix {@code U_d [d, r]} per mode size d. Nothing here trains;
 * a layer's own trainable part is its four scaling vectors λ₁…λ₄ {@code [r]} ({@link TeraLinear}).
 *
 * <p>Tensorization: the update {@code ΔW [out, in]} is read, row-major, as an order-4 tensor
 * {@code [o₁, o₂, i₁, i₂]} with {@code out = o₁·o₂}, {@code in = i₁·i₂} and o₁ (i₁) the largest divisor
 * of out (in) that is at most its square root ({@link #split}: 128 → 8·16, 384 → 16·24, 512 → 16·32),
 * and
 * <pre>
 *   ΔW = (1/√in) · (G ×₁ λ₁ ×₂ λ₂ ×₃ λ₃ ×₄ λ₄) ×₁ U_{o₁} ×₂ U_{o₂} ×₃ U_{i₁} ×₄ U_{i₂}
 *   i.e. ΔW[p,q,s,t] = (1/√in) Σ_{abcd} G[a,b,c,d] λ₁[a]λ₂[b]λ₃[c]λ₄[d] U_{o₁}[p,a] U_{o₂}[q,b] U_{i₁}[s,c] U_{i₂}[t,d]
 * </pre>
 * (a Tucker network whose factor matrices are {@code U_n·diag(λ_n)}: the large random factors frozen and
 * shared, the diagonal ones trained). Entries: G ~ N(0, 1), U_d ~ N(0, 1/r), so with every λ = 1 the
 * entries of ΔW have variance 1/in, that of a Kaiming-initialised weight; drawn from Philox streams
 * {@code (seed, "init/tera/core")} and {@code (seed, "init/tera/factor_<d>")}. The scale 1/√in and
 * these distributions are this implementation's choices (see {@link Tera}).
 *
 * <p>The contraction runs in float64 on the float32 stored values: {@link #update} and its adjoint
 * {@link #lambdaGradients}.
 */
public final class TeraFactors {
    /** The largest rank accepted: the shared core has r⁴ elements. */
    public static final int MAX_RANK = 32;

    private final int rank;
    private final Tensor core;
    private final Map<Integer, Tensor> factors;

    private TeraFactors(int rank, Tensor core, Map<Integer, Tensor> factors) {
        this.rank = rank;
        this.core = core;
        this.factors = factors;
    }

    /** Random factors of rank {@code rank} for the given mode sizes, from {@code seed}. */
    public static TeraFactors random(int rank, Collection<Integer> modeSizes, long seed) {
        checkRank(rank);
        Tensor core = Tensor.zeros(rank, rank, rank, rank);
        Philox.stream(seed, "init/tera/core").fillGaussian(core.data(), core.offset(), core.size(), 0);
        Map<Integer, Tensor> factors = new TreeMap<>();
        for (int d : modeSizes) {
            if (factors.containsKey(d)) continue;
            Tensor u = Tensor.zeros(d, rank);
            Philox.stream(seed, "init/tera/factor_" + d).fillGaussian(u.data(), u.offset(), u.size(), 0);
            float s = (float) (1 / Math.sqrt(rank));
            for (int i = 0; i < u.size(); i++) u.data()[u.offset() + i] *= s;
            factors.put(d, u);
        }
        return new TeraFactors(rank, core, factors);
    }

    /** Factors given as tensors (read back from an adapter file); shapes are checked. */
    public static TeraFactors of(Tensor core, Map<Integer, Tensor> factors) {
        int r = core.rank() == 4 ? core.dim(0) : -1;
        if (r < 1 || core.dim(1) != r || core.dim(2) != r || core.dim(3) != r) {
            throw new PeftException("the TeRA core must have shape [r, r, r, r], got " + java.util.Arrays.toString(core.shape()));
        }
        checkRank(r);
        for (var e : factors.entrySet()) {
            Tensor u = e.getValue();
            if (u.rank() != 2 || u.dim(0) != e.getKey() || u.dim(1) != r) {
                throw new PeftException("the TeRA factor for mode size " + e.getKey() + " must have shape [" + e.getKey() + ", " + r + "], got "
                        + java.util.Arrays.toString(u.shape()));
            }
        }
        return new TeraFactors(r, core, new TreeMap<>(factors));
    }

    static void checkRank(int r) {
        if (r < 1 || r > MAX_RANK) throw new PeftException("r = " + r + " for variant tera must be in [1, " + MAX_RANK + "] (the shared core has r⁴ elements)");
    }

    public int rank() { return rank; }

    /** The core G {@code [r, r, r, r]}. */
    public Tensor core() { return core; }

    /** The factor matrices U_d {@code [d, r]} by mode size d. */
    public Map<Integer, Tensor> factors() { return java.util.Collections.unmodifiableMap(factors); }

    /** {@code {n₁, n₂}} with {@code n = n₁·n₂} and n₁ the largest divisor of n that is at most √n. */
    public static int[] split(int n) {
        int a = (int) Math.floor(Math.sqrt(n));
        while (a > 1 && n % a != 0) a--;
        return new int[] {a, n / a};
    }

    /** The mode sizes {@code {o₁, o₂, i₁, i₂}} of a layer in → out. */
    public static int[] modes(int out, int in) {
        int[] o = split(out);
        int[] i = split(in);
        return new int[] {o[0], o[1], i[0], i[1]};
    }

    private Tensor factor(int d) {
        Tensor u = factors.get(d);
        if (u == null) throw new PeftException("the TeRA factors have no matrix for mode size " + d + "; have " + factors.keySet());
        return u;
    }

    /** The update ΔW {@code [out, in]} row-major (float64) for scaling vectors {@code lambdas[4][r]}. */
    public double[] update(int out, int in, float[][] lambdas) {
        int[] m = modes(out, in);
        double[] t = scaledCore(lambdas, -1);
        int[] dims = {rank, rank, rank, rank};
        for (int n = 0; n < 4; n++) {
            t = modeProduct(t, dims, n, toDouble(factor(m[n])), m[n]);
            dims[n] = m[n];
        }
        double s = 1 / Math.sqrt(in);
        for (int i = 0; i < t.length; i++) t[i] *= s;
        return t;
    }

    /**
     * The gradients of a loss with respect to λ₁…λ₄ given its gradient {@code gradDelta} with respect to ΔW
     * {@code [out, in]}: with {@code H = (1/√in) · Ḡ ×₁ U_{o₁}ᵀ ×₂ U_{o₂}ᵀ ×₃ U_{i₁}ᵀ ×₄ U_{i₂}ᵀ} (the gradient
     * of the scaled core), {@code ∂L/∂λ₁[a] = Σ_{bcd} H[a,b,c,d] G[a,b,c,d] λ₂[b] λ₃[c] λ₄[d]}, and so on.
     */
    public double[][] lambdaGradients(int out, int in, float[][] lambdas, Tensor gradDelta) {
        int[] m = modes(out, in);
        double[] h = new double[out * in];
        double s = 1 / Math.sqrt(in);
        for (int i = 0; i < h.length; i++) h[i] = gradDelta.data()[gradDelta.offset() + i] * s;
        int[] dims = m.clone();
        for (int n = 0; n < 4; n++) {
            h = modeProduct(h, dims, n, transpose(toDouble(factor(m[n])), m[n], rank), rank);
            dims[n] = rank;
        }
        double[][] grads = new double[4][rank];
        for (int n = 0; n < 4; n++) {
            double[] partial = scaledCore(lambdas, n);
            int[] idx = new int[4];
            for (int k = 0; k < partial.length; k++) {
                unravel(k, idx);
                grads[n][idx[n]] += h[k] * partial[k];
            }
        }
        return grads;
    }

    /** {@code G ⊙ (λ₁∘λ₂∘λ₃∘λ₄)} leaving out the vector of mode {@code skip} (none when −1), float64. */
    private double[] scaledCore(float[][] lambdas, int skip) {
        if (lambdas.length != 4) throw new IllegalArgumentException("TeRA needs 4 scaling vectors, got " + lambdas.length);
        double[] t = new double[core.size()];
        int[] idx = new int[4];
        for (int k = 0; k < t.length; k++) {
            unravel(k, idx);
            double v = core.data()[core.offset() + k];
            for (int n = 0; n < 4; n++) if (n != skip) v *= lambdas[n][idx[n]];
            t[k] = v;
        }
        return t;
    }

    private void unravel(int k, int[] idx) {
        for (int n = 3; n >= 0; n--) {
            idx[n] = k % rank;
            k /= rank;
        }
    }

    /** {@code t ×_mode M} for t of shape {@code dims} (row-major) and M {@code [rows, dims[mode]]}: the mode's size becomes rows. */
    static double[] modeProduct(double[] t, int[] dims, int mode, double[] matrix, int rows) {
        int pre = 1;
        for (int i = 0; i < mode; i++) pre *= dims[i];
        int n = dims[mode];
        int post = 1;
        for (int i = mode + 1; i < dims.length; i++) post *= dims[i];
        double[] out = new double[pre * rows * post];
        for (int p = 0; p < pre; p++) {
            for (int i = 0; i < rows; i++) {
                int o = (p * rows + i) * post;
                for (int k = 0; k < n; k++) {
                    double mik = matrix[i * n + k];
                    if (mik == 0) continue;
                    int src = (p * n + k) * post;
                    for (int q = 0; q < post; q++) out[o + q] += mik * t[src + q];
                }
            }
        }
        return out;
    }

    private static double[] toDouble(Tensor t) {
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.data()[t.offset() + i];
        return out;
    }

    private static double[] transpose(double[] m, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j];
        return out;
    }
}
