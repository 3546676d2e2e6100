package dev.descent.rl;

/**
 * GTPO's two corrections to GRPO (Simoni et al. 2025, arXiv 2508.03772; code winstonsmith1897/GTPO @
 * 5d33811e8ea1cf76c665db65b247cef9d1e436dd, {@code gtpo/gtpo_training.py}, {@code build_conflict_mask}
 * and the entropy shaping of {@code UnslothEfficientGTPO.forward}); the loss is {@link GtpoLoss}.
 *
 * <p><b>Conflict tokens.</b> In a group, a completion is positive when its GRPO advantage A &gt; 0 and
 * negative when A &lt; 0 (A = 0: inactive, weight 1). Token k of completion b (k counted from the
 * completion's start) is a raw conflict when some positive and some negative completion of the group
 * both have the same token at position k. The forward conflicts of b are its leading run of raw
 * conflicts (positions 0 … k all conflicts); the backward conflicts the same with positions counted
 * from the completion's end (the shared prefix and the shared suffix, e.g. a format). Each direction
 * gives a weight, 1 off its conflicts and, on them, w (amplify, positive completion) or 0 (skip the
 * negative update); the token weight is their product, divided by the completion's number of
 * conflict tokens (forward or backward, at least 1):
 * <pre>
 *   δ^d_bk = 1 if k ∉ C^d_b;  w if A_b &gt; 0;  0 if A_b &lt; 0          d ∈ {fwd, bwd}
 *   ω_bk  = δ^fwd_bk δ^bwd_bk / max(1, |C^fwd_b ∪ C^bwd_b|)
 * </pre>
 * <b>Entropy filter.</b> With H_b the completion's mean token entropy under the current policy:
 * <pre>
 *   Â_b = A_b − s H_b   if H_b ≤ τ,   0 otherwise                     (τ = 0.7, s = 0.1, w = 2: the reference's)
 * </pre>
 * (the filter also gives completions of zero-variance groups the small advantage −s H_b, as the
 * reference does). The paper motivates τ by a bound on the entropy; the released code uses the
 * constant 0.7 nats, kept here as the default. Completions come in consecutive groups of G; the
 * completion's tokens are its unmasked positions.
 */
public final class Gtpo {
    private Gtpo() {}

    /** The reference's defaults: entropy threshold τ (nats), entropy scale s, conflict weight w. */
    public static final double ENTROPY_THRESHOLD = 0.7, ENTROPY_SCALE = 0.1, CONFLICT_WEIGHT = 2.0;

    /** ω, {@code [B, T]}, from the batch's tokens ({@code [B, T]}), mask and GRPO advantages ({@code [B]}). */
    public static float[] tokenWeights(int[] tokens, float[] mask, float[] advantages, int bsz, int t, int groupSize, double conflictWeight) {
        if (groupSize < 2 || bsz % groupSize != 0) throw new IllegalArgumentException("GTPO needs whole groups: num_generations = " + groupSize + " must be >= 2 and divide the batch " + bsz);
        if (!(conflictWeight >= 0) || !Double.isFinite(conflictWeight)) throw new IllegalArgumentException("gtpo_conflict_weight must be a finite number >= 0, got " + conflictWeight);
        // the completion of row b as its unmasked tokens, in order
        int[][] comp = new int[bsz][];
        int[][] at = new int[bsz][];
        for (int b = 0; b < bsz; b++) {
            int n = 0;
            for (int j = 0; j < t; j++) if (mask[b * t + j] != 0f) n++;
            comp[b] = new int[n];
            at[b] = new int[n];
            n = 0;
            for (int j = 0; j < t; j++) {
                if (mask[b * t + j] != 0f) {
                    comp[b][n] = tokens[b * t + j];
                    at[b][n++] = b * t + j;
                }
            }
        }
        float[] out = mask.clone();
        for (int start = 0; start < bsz; start += groupSize) {
            for (int b = start; b < start + groupSize; b++) {
                if (advantages[b] == 0f) continue;
                int n = comp[b].length;
                boolean[] fwd = leadingConflicts(comp, advantages, start, groupSize, b, false);
                boolean[] bwd = leadingConflicts(comp, advantages, start, groupSize, b, true);
                double onConflict = advantages[b] > 0 ? conflictWeight : 0;
                int conflicts = 0;
                for (int k = 0; k < n; k++) if (fwd[k] || bwd[k]) conflicts++;
                for (int k = 0; k < n; k++) {
                    double delta = (fwd[k] ? onConflict : 1) * (bwd[k] ? onConflict : 1);
                    out[at[b][k]] = (float) (delta / Math.max(1, conflicts));
                }
            }
        }
        return out;
    }

    /** The leading run of raw conflicts of completion b, from its start or (fromEnd) from its end; indexed by position from the start. */
    private static boolean[] leadingConflicts(int[][] comp, float[] adv, int start, int g, int b, boolean fromEnd) {
        int n = comp[b].length;
        boolean[] run = new boolean[n];
        for (int s = 0; s < n; s++) {
            int k = fromEnd ? n - 1 - s : s;
            int token = comp[b][k];
            boolean pos = false, neg = false;
            for (int j = start; j < start + g; j++) {
                int kj = fromEnd ? comp[j].length - 1 - s : s;
                if (kj < 0 || kj >= comp[j].length || comp[j][kj] != token) continue;
                if (adv[j] > 0) pos = true;
                if (adv[j] < 0) neg = true;
            }
            if (!(pos && neg)) break;
            run[k] = true;
        }
        return run;
    }

    /** Â: the entropy filter and shaping of the advantages, from each completion's mean token entropy. */
    public static float[] shapeAdvantages(float[] advantages, double[] meanEntropy, double threshold, double scale) {
        if (!(threshold >= 0) || !(scale >= 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("gtpo_entropy_threshold and gtpo_entropy_scale must be >= 0, got " + threshold + " and " + scale);
        }
        float[] out = new float[advantages.length];
        for (int b = 0; b < out.length; b++) out[b] = meanEntropy[b] <= threshold ? (float) (advantages[b] - scale * meanEntropy[b]) : 0f;
        return out;
    }

    /** Each completion's mean token entropy over its unmasked tokens (0 for an empty completion). */
    public static double[] meanEntropies(float[] entropies, float[] mask, int bsz, int t) {
        double[] out = new double[bsz];
        for (int b = 0; b < bsz; b++) {
            double s = 0, n = 0;
            for (int j = 0; j < t; j++) {
                s += mask[b * t + j] * entropies[b * t + j];
                n += mask[b * t + j];
            }
            out[b] = s / Math.max(1, n);
        }
        return out;
    }
}
