package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Philox;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * ZO-GraSP: DeepZero's pruning-at-initialization score computed from loss values only (DeepZero
 * §4, "sparsity-induced ZO training"; reference {@code algorithm/prune/importance_scores.py::
 * zoo_grasp_importance_score} and {@code global_prune} in OPTML-Group/DeepZero). GraSP (Wang et
 * al., ICLR 2020) scores a weight by S = −θ ⊙ (H g); here both g and H g come from finite
 * differences:
 * <pre>
 *   ĝ(θ)  = (1/q) Σ_{i=1..q} [ (f(θ + μ u_i) − f(θ)) / μ ] u_i        u_i ~ N(0, I) over the prunable coordinates
 *   θ'    = θ + μ ĝ(θ)
 *   Ĥg    = ( ĝ(θ') − ĝ(θ) ) / μ
 *   S     = −θ ⊙ Ĥg
 * </pre>
 * and the mask keeps the largest |S| (the reference prunes with {@code prune.L1Unstructured} on
 * the scores, i.e. by |S|) <b>globally</b> over all prunable tensors, dropping round(s·n) of the n
 * prunable coordinates (torch's rounding of {@code amount}); ties are broken by buffer index, lower
 * first dropped. Prunable tensors are those of rank ≥ 2 (the reference scores only Conv2d/Linear
 * weights; biases and other vectors stay dense and are always estimated).
 *
 * <p>Choices where this differs from the reference, and why:
 * <ul>
 *   <li>Directions are standard Gaussian over all prunable coordinates together, and ĝ(θ') reuses the
 *       same q directions as ĝ(θ) (common random numbers: direction i is values i·n … i·n + n − 1 of the Philox stream
 *       (seed, "zograsp/dirs"), n the number of prunable coordinates). The reference draws fresh directions normalized per tensor, which scales each
 *       tensor's estimate by μ/d_tensor and so mixes a layer-size factor into the global ranking;
 *       with a common Gaussian set, Ĥg = P·(∇f(θ') − ∇f(θ))/μ + O(μ) with P = (1/q)Σ u_i u_iᵀ, an
 *       unbiased (E P = I) sketch of H ĝ, and on a quadratic f exactly P·A·ĝ(θ) (the μ² terms cancel).</li>
 *   <li>The loss is that of the objective's current minibatch (the reference fetches a class-balanced
 *       batch of 25 samples per class).</li>
 * </ul>
 * Cost: 2(q + 1) evaluations. The reference's default is q = 192, μ = 5·10⁻³.
 */
public final class ZoGrasp {
    private ZoGrasp() {}

    /** The rule DeepZero uses: tensors of rank ≥ 2 (linear and convolution weights) are prunable. */
    public static final Predicate<ParamSlot> MATRICES = ParamSlot::isMatrix;

    /** Evaluations {@link #scores} makes. */
    public static long queries(int q) { return 2L * (q + 1); }

    /**
     * S = −θ ⊙ Ĥg on the prunable coordinates of {@code set} (0 elsewhere), evaluating
     * {@code objective} on {@code params} perturbed in place; {@code params} is restored exactly.
     */
    public static float[] scores(float[] params, Objective objective, ParamSet set, Predicate<ParamSlot> prunable,
                                 int q, double mu, long seed) {
        if (q < 1) throw new IllegalArgumentException("grasp_queries must be a positive integer, got " + q);
        if (!(mu > 0) || Double.isInfinite(mu)) throw new IllegalArgumentException("mu must be a finite number > 0, got " + mu);
        int[] idx = prunableIndices(set, prunable);
        int n = idx.length;
        float[] score = new float[params.length];
        if (n == 0) return score;
        float[] saved = new float[n];
        for (int j = 0; j < n; j++) saved[j] = params[idx[j]];
        Philox dirs = Philox.stream(seed, "zograsp/dirs");
        float[] u = new float[n];
        double[] g0 = rge(params, objective, idx, saved, dirs, u, q, mu);
        // θ' = θ + μ ĝ(θ), stored in the buffer while ĝ(θ') is estimated.
        float[] shifted = new float[n];
        for (int j = 0; j < n; j++) shifted[j] = (float) (saved[j] + mu * g0[j]);
        double[] g1 = rge(params, objective, idx, shifted, dirs, u, q, mu);
        for (int j = 0; j < n; j++) {
            params[idx[j]] = saved[j];
            double hg = (g1[j] - g0[j]) / mu;
            score[idx[j]] = (float) (-saved[j] * hg);
        }
        return score;
    }

    /** ĝ at the point {@code base} (prunable values), restoring the buffer to {@code base} after each query. */
    private static double[] rge(float[] params, Objective f, int[] idx, float[] base, Philox dirs, float[] u, int q, double mu) {
        int n = idx.length;
        for (int j = 0; j < n; j++) params[idx[j]] = base[j];
        double f0 = f.loss();
        double[] g = new double[n];
        for (int i = 0; i < q; i++) {
            dirs.fillGaussian(u, 0, n, (long) i * n);
            for (int j = 0; j < n; j++) params[idx[j]] = (float) (base[j] + mu * u[j]);
            double d = (f.loss() - f0) / mu;
            for (int j = 0; j < n; j++) {
                params[idx[j]] = base[j];
                g[j] += d * u[j] / q;
            }
        }
        return g;
    }

    /**
     * The mask (1 = kept, 0 = dropped, over the whole buffer; non-prunable coordinates are 1) that
     * drops the round(s·n) prunable coordinates of smallest |score|.
     */
    public static float[] mask(float[] score, ParamSet set, Predicate<ParamSlot> prunable, double sparsity) {
        checkSparsity(sparsity);
        float[] mask = new float[score.length];
        for (ParamSlot s : set.slots()) Arrays.fill(mask, s.offset(), s.offset() + s.size(), 1f);
        int[] idx = prunableIndices(set, prunable);
        int drop = (int) Math.round(sparsity * idx.length);
        long[] keys = new long[idx.length];
        for (int j = 0; j < idx.length; j++) {
            float a = Math.abs(score[idx[j]]);
            int bits = Float.isNaN(a) ? 0 : Float.floatToIntBits(a); // non-negative floats order as their bits
            keys[j] = ((long) bits << 32) | idx[j];
        }
        Arrays.sort(keys);
        for (int j = 0; j < drop; j++) mask[(int) keys[j]] = 0f;
        return mask;
    }

    /**
     * A random mask with the same number of kept coordinates in each prunable tensor as
     * {@code reference} (the reference's training protocol: ZO-GraSP fixes the layer-wise ratios,
     * {@code prune.random_unstructured} draws the mask, re-drawn every few epochs). Draw
     * {@code draw} uses the Philox stream (seed, "zograsp/layer_random") derived by draw and by the
     * tensor's index: a partial Fisher–Yates shuffle of the tensor's coordinates.
     */
    public static void layerRandomMask(float[] reference, ParamSet set, Predicate<ParamSlot> prunable, long seed, long draw, float[] out) {
        Philox base = Philox.stream(seed, "zograsp/layer_random").derive(draw);
        for (ParamSlot s : set.slots()) {
            int off = s.offset();
            int n = s.size();
            Arrays.fill(out, off, off + n, 1f);
            if (!prunable.test(s)) continue;
            int kept = 0;
            for (int i = 0; i < n; i++) if (reference[off + i] != 0f) kept++;
            if (kept == n) continue;
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            CoordinateGradientEstimator.partialShuffle(order, n, kept, base.derive(s.index()), new int[4]);
            Arrays.fill(out, off, off + n, 0f);
            for (int j = 0; j < kept; j++) out[off + order[j]] = 1f;
        }
    }

    /** Buffer indices of the prunable coordinates of {@code set}, ascending within each slot, slots in order. */
    static int[] prunableIndices(ParamSet set, Predicate<ParamSlot> prunable) {
        int n = 0;
        for (ParamSlot s : set.slots()) if (prunable.test(s)) n += s.size();
        int[] idx = new int[n];
        int k = 0;
        for (ParamSlot s : set.slots()) {
            if (!prunable.test(s)) continue;
            for (int i = 0; i < s.size(); i++) idx[k++] = s.offset() + i;
        }
        return idx;
    }

    static void checkSparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
    }
}
