package dev.descent.rl;

/**
 * The fixed inputs of one policy-loss evaluation, row-major {@code [B, T]} unless said otherwise
 * (the current policy's log-probabilities are the variable and are passed separately).
 *
 * @param batch        B, the number of completions
 * @param length       T, the padded completion length
 * @param oldLogprobs  log π_old(y_t) of the policy that sampled the batch (TRL's {@code old_per_token_logps})
 * @param refLogprobs  log π_ref(y_t) of the frozen reference policy; may be null when β = 0
 * @param mask         1 for completion tokens in the loss, 0 for padding (and masked truncated completions)
 * @param advantages   one advantage per completion, {@code [B]} (GRPO), or one per token, {@code [B, T]}
 *                     (PPO's GAE advantages); T = 1 makes the two the same
 * @param policyMask   optional 0/1 mask applied to the clipped policy term only, not to the KL term
 *                     (TRL's {@code entropy_mask} from {@code top_entropy_quantile}); null: all ones
 * @param rewards      the verifier rewards, {@code [B]}, in [0, 1]: PACS's labels ({@link PacsLoss}); null otherwise
 * @param tokenWeights GTPO's per-token weights δ_bt / max(1, n_conflict_b), {@code [B, T]}
 *                     ({@link Gtpo#tokenWeights}); null: all ones
 */
public record PolicyBatch(int batch, int length, float[] oldLogprobs, float[] refLogprobs, float[] mask,
                          float[] advantages, float[] policyMask, float[] rewards, float[] tokenWeights) {

    /** A batch of the clipped losses (no PACS labels, no GTPO weights). */
    public PolicyBatch(int batch, int length, float[] oldLogprobs, float[] refLogprobs, float[] mask, float[] advantages, float[] policyMask) {
        this(batch, length, oldLogprobs, refLogprobs, mask, advantages, policyMask, null, null);
    }

    /** The same batch with PACS's labels. */
    public PolicyBatch withRewards(float[] r) {
        return new PolicyBatch(batch, length, oldLogprobs, refLogprobs, mask, advantages, policyMask, r, tokenWeights);
    }

    /** The same batch with GTPO's advantages and token weights. */
    public PolicyBatch withGtpo(float[] shapedAdvantages, float[] weights) {
        return new PolicyBatch(batch, length, oldLogprobs, refLogprobs, mask, shapedAdvantages, policyMask, rewards, weights);
    }

    public PolicyBatch {
        if (batch <= 0 || length <= 0) throw new IllegalArgumentException("batch and length must be positive, got " + batch + " and " + length);
        int n = batch * length;
        requireLength("old_logprobs", oldLogprobs, n);
        if (refLogprobs != null) requireLength("ref_logprobs", refLogprobs, n);
        requireLength("mask", mask, n);
        if (advantages == null) throw new IllegalArgumentException("advantages is missing");
        if (advantages.length != batch && advantages.length != n) {
            throw new IllegalArgumentException("advantages must have " + batch + " values (one per completion) or " + n + " (one per token), got " + advantages.length);
        }
        if (policyMask != null) requireLength("policy mask", policyMask, n);
        requireBinary("mask", mask);
        if (policyMask != null) requireBinary("policy mask", policyMask);
        requireFinite("old_logprobs", oldLogprobs);
        if (refLogprobs != null) requireFinite("ref_logprobs", refLogprobs);
        requireFinite("advantages", advantages);
        if (rewards != null) {
            if (rewards.length != batch) throw new IllegalArgumentException("rewards must have " + batch + " values (one per completion), got " + rewards.length);
            for (int i = 0; i < batch; i++) {
                if (!(rewards[i] >= 0 && rewards[i] <= 1)) throw new IllegalArgumentException("rewards must be in [0, 1] (PACS's labels), got " + rewards[i] + " at index " + i);
            }
        }
        if (tokenWeights != null) {
            requireLength("token_weights", tokenWeights, n);
            requireFinite("token_weights", tokenWeights);
        }
    }

    /** The advantage of token t of completion b. */
    public double advantage(int b, int t) {
        return advantages.length == batch ? advantages[b] : advantages[b * length + t];
    }

    /** The number of unmasked tokens. */
    public double maskSum() {
        double s = 0;
        for (float m : mask) s += m;
        return s;
    }

    static void requireLength(String name, float[] a, int n) {
        if (a == null) throw new IllegalArgumentException(name + " is missing");
        if (a.length != n) throw new IllegalArgumentException(name + " must have " + n + " values, got " + a.length);
    }

    static void requireBinary(String name, float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0f && a[i] != 1f) throw new IllegalArgumentException(name + " values must be 0 or 1, got " + a[i] + " at index " + i);
        }
    }

    static void requireFinite(String name, float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) throw new IllegalArgumentException(name + " must be finite, got " + a[i] + " at index " + i);
        }
    }
}
