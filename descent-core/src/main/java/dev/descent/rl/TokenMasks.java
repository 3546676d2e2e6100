package dev.descent.rl;

import java.util.Arrays;

/**
 * Token selections of the GRPO loss, as TRL's {@code GRPOTrainer} makes them (huggingface/trl @
 * f2cd57710ae345ea6428ae95363267fcf38a3dc8): dropping truncated completions, and keeping the policy
 * term only on the high-entropy tokens ("Beyond the 80/20 rule", Wang et al. 2025).
 */
public final class TokenMasks {
    private TokenMasks() {}

    /**
     * TRL's {@code mask_truncated_completions}: a copy of {@code mask} ({@code [B, T]}) with every
     * token of a truncated completion (one that did not end with the stop token) set to 0, so it
     * adds nothing to the loss and nothing to the token counts.
     */
    public static float[] maskTruncated(float[] mask, boolean[] truncated, int length) {
        if (length <= 0 || mask.length != truncated.length * length) {
            throw new IllegalArgumentException("mask must have " + truncated.length + " × " + length + " values, got " + mask.length);
        }
        float[] out = mask.clone();
        for (int b = 0; b < truncated.length; b++) {
            if (truncated[b]) Arrays.fill(out, b * length, (b + 1) * length, 0f);
        }
        return out;
    }

    /**
     * TRL's {@code get_high_entropy_mask} for {@code top_entropy_quantile = ρ}: with τ the
     * (1 − ρ)-quantile of the entropies of the unmasked tokens ({@code torch.quantile}, linear
     * interpolation between order statistics: position q·(n − 1)), keep the unmasked tokens whose
     * entropy is ≥ τ. ρ = 1 keeps every unmasked token; no unmasked token gives all zeros.
     */
    public static float[] highEntropy(float[] entropies, float[] mask, double topQuantile) {
        if (!(topQuantile >= 0 && topQuantile <= 1)) throw new IllegalArgumentException("top_entropy_quantile must be in [0, 1], got " + topQuantile);
        if (entropies.length != mask.length) throw new IllegalArgumentException("entropies and mask differ in length: " + entropies.length + " and " + mask.length);
        float[] out = new float[mask.length];
        int n = 0;
        for (float m : mask) if (m != 0f) n++;
        if (n == 0) return out;
        float[] kept = new float[n];
        for (int i = 0, k = 0; i < mask.length; i++) if (mask[i] != 0f) kept[k++] = entropies[i];
        Arrays.sort(kept);
        double threshold = quantile(kept, 1 - topQuantile);
        for (int i = 0; i < mask.length; i++) {
            // TRL compares entropies · mask, so a masked token (value 0) could pass; "& mask" removes it
            if (mask[i] != 0f && entropies[i] >= threshold) out[i] = 1f;
        }
        return out;
    }

    /** {@code torch.quantile(x, q)} of sorted values (interpolation "linear"), in float as torch computes it. */
    static double quantile(float[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return (float) (sorted[lo] + frac * (sorted[hi] - sorted[lo]));
    }

    /**
     * The entropy of each row's softmax, {@code H = −Σ_j p_j log p_j}, for logits {@code [n, V]}
     * (TRL's {@code entropy_from_logits}); computed in double.
     */
    public static float[] entropies(float[] logits, int rows, int vocab) {
        if (logits.length < (long) rows * vocab) throw new IllegalArgumentException("expected " + rows + " × " + vocab + " logits, got " + logits.length);
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = r * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) max = Math.max(max, logits[o + j]);
            double z = 0, s = 0;
            for (int j = 0; j < vocab; j++) {
                double d = logits[o + j] - max;
                double e = Math.exp(d);
                z += e;
                s += e * d;
            }
            out[r] = (float) (Math.log(z) - s / z);
        }
        return out;
    }
}
