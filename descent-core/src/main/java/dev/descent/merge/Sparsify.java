package dev.descent.merge;

import dev.descent.tensor.Philox;

/**
 * The sparsifications of mergekit's {@code mergekit/sparsify.py} (arcee-ai/mergekit at
 * {@code a6e402884ba9bc30da7f23e8304a35f19485de95}), applied in place to one task vector
 * {@code δ = θ_expert − θ_base} of one tensor, with mergekit's L1 rescale when {@code rescale} is set.
 *
 * <ul>
 *   <li>{@link #magnitude}: keeps the {@code k = int(density·n)} entries of largest |δ|, zeroes the rest
 *       (TIES). {@code density ≥ 1} keeps everything.
 *   <li>{@link #magnitudeOutliers}: sorts |δ| ascending, drops the {@code n_top = int(γ·n)} largest and
 *       the {@code n_bot = n − int(density·n) − n_top} smallest (when {@code n_bot < 0}, fewer large ones
 *       are dropped: {@code n_top += n_bot}, {@code n_bot = 0}) (Model Breadcrumbs).
 *   <li>{@link #bernoulli}: keeps each entry independently with probability {@code density} (DARE).
 * </ul>
 *
 * <p><b>Rescale</b> (mergekit's {@code rescaled_masked_tensor} with {@code RescaleNorm.l1}, which its
 * {@code rescale: true} selects): the kept entries are multiplied by {@code ‖δ‖₁ / ‖mask·δ‖₁} unless either
 * norm is below 1e-7. For DARE this is the 1/density of the paper in expectation, but measured on the
 * actual mask, so the L1 norm of the task vector is preserved exactly.
 *
 * <p><b>Choices where mergekit leaves the outcome open.</b> Entries of equal magnitude are ranked by
 * index (mergekit's {@code argsort} leaves their order unspecified): in the ascending order of
 * {@code (|δ|, index)}, {@code magnitude} keeps the top k ranks. mergekit's breadcrumbs slice
 * {@code indices[n_bot:-n_top]} keeps nothing when {@code n_top = 0} (γ·n &lt; 1, e.g. any tensor of
 * fewer than 100 entries at the default γ = 0.01); we keep ranks {@code [n_bot, n − n_top)}, the evident
 * intent, so a small tensor keeps its {@code int(density·n)} largest entries. The Bernoulli mask comes
 * from our counter-based {@link Philox} stream, not torch's generator: the same seed gives the same mask
 * here on every run, but never torch's mask.
 *
 * <p>The selection needs no sort and no index array: the rank boundaries are found by bisection on the
 * bit patterns of |δ| (ordered like the values for non-negative floats), 31 counting passes.
 */
public final class Sparsify {
    private static final double RESCALE_EPS = 1e-7;

    private Sparsify() {}

    /** Keeps the {@code int(density·n)} entries of largest magnitude. */
    public static void magnitude(float[] d, int n, double density, boolean rescale) {
        if (density >= 1) return;
        int k = (int) (density * n);
        if (k <= 0) throw new IllegalArgumentException("density " + density + " keeps no entry of a tensor of " + n + " elements");
        keepRanks(d, n, n - k, n, rescale);
    }

    /** Drops the {@code int(gamma·n)} largest magnitudes and keeps the next {@code int(density·n)}. */
    public static void magnitudeOutliers(float[] d, int n, double density, double gamma, boolean rescale) {
        if (density >= 1) return;
        int target = (int) (density * n);
        int nTop = (int) (gamma * n);
        int nBot = n - target - nTop;
        if (nBot < 0) {
            nTop += nBot;
            nBot = 0;
        }
        keepRanks(d, n, nBot, n - nTop, rescale);
    }

    /** Keeps each entry with probability {@code density}: entry i survives iff {@code mask.uniform(i) < density}. */
    public static void bernoulli(float[] d, int n, double density, Philox mask, boolean rescale) {
        if (density >= 1) return;
        double before = rescale ? l1(d, n) : 0;
        for (int i = 0; i < n; i++) if (!(mask.uniform(i) < density)) d[i] = 0f;
        if (rescale) rescale(d, n, before);
    }

    /** Zeroes every entry whose rank in the ascending order of (|d|, index) is outside [lo, hi). */
    static void keepRanks(float[] d, int n, int lo, int hi, boolean rescale) {
        double before = rescale ? l1(d, n) : 0;
        int keyLo = lo > 0 ? keyAtRank(d, n, lo) : -1;
        int belowLo = lo > 0 ? countBelow(d, n, keyLo) : 0;
        int keyHi = hi < n ? keyAtRank(d, n, hi) : Integer.MAX_VALUE;
        int belowHi = hi < n ? countBelow(d, n, keyHi) : 0;
        int eqLo = 0, eqHi = 0;
        for (int i = 0; i < n; i++) {
            int key = key(d[i]);
            boolean atLeastLo = key > keyLo || (key == keyLo && eqLo++ >= lo - belowLo);
            boolean belowHiRank = hi >= n || key < keyHi || (key == keyHi && eqHi++ < hi - belowHi);
            if (!(atLeastLo && belowHiRank)) d[i] = 0f;
        }
        if (rescale) rescale(d, n, before);
    }

    /** The key of the entry of rank {@code r} (0-based) in ascending order: the least key with more than r keys ≤ it. */
    private static int keyAtRank(float[] d, int n, int r) {
        int lo = 0, hi = Integer.MAX_VALUE; // invariant: count(key ≤ hi) > r
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (countAtMost(d, n, mid) > r) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    private static int countAtMost(float[] d, int n, int key) {
        int c = 0;
        for (int i = 0; i < n; i++) if (key(d[i]) <= key) c++;
        return c;
    }

    private static int countBelow(float[] d, int n, int key) {
        int c = 0;
        for (int i = 0; i < n; i++) if (key(d[i]) < key) c++;
        return c;
    }

    /** |x| as its bit pattern: non-negative, and ordered as the magnitudes are (NaN above ∞). */
    private static int key(float x) {
        return Float.floatToRawIntBits(x) & 0x7FFFFFFF;
    }

    private static double l1(float[] d, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.abs(d[i]);
        return s;
    }

    private static void rescale(float[] d, int n, double before) {
        double after = l1(d, n);
        if (before < RESCALE_EPS || after < RESCALE_EPS) return;
        float scale = (float) (before / after);
        for (int i = 0; i < n; i++) d[i] *= scale;
    }
}
