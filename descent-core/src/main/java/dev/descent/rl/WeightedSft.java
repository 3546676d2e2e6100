package dev.descent.rl;

import dev.descent.autograd.F;
import dev.descent.autograd.TokenReduction;
import dev.descent.autograd.Variable;

/**
 * Supervised fine-tuning with one weight per sequence (BOLT's Boltzmann weights, DRIFT's return
 * weights): for B sequences with weights w_b, token losses ℓ_bt = −log π(y_bt | y_b,&lt;t) and mask m,
 * <pre>
 *   TOKEN_SUM:     L = (1/B) Σ_b w_b Σ_t m_bt ℓ_bt                       (BOLT's default: the response's log-likelihood)
 *   SEQUENCE_MEAN: L = (1/B) Σ_b w_b Σ_t m_bt ℓ_bt / max(1, Σ_t m_bt)   (DRIFT's default; BOLT length-normalised)
 * </pre>
 * With the B sequences being N responses for each of the prompts, (1/B) Σ_b is BOLT's
 * mean_x (1/N) Σ_i. Both are {@link F#weightedCrossEntropy} with the sequence weight on every token.
 */
public final class WeightedSft {
    private WeightedSft() {}

    /** How a sequence's token losses are combined. */
    public enum Normalisation { TOKEN_SUM, SEQUENCE_MEAN }

    /** The loss of logits {@code [B·T, V]} against targets and a 0/1 mask {@code [B, T]} (null: all ones). */
    public static Variable loss(Variable logits, int[] targets, float[] mask, double[] sequenceWeights, int batch, Normalisation normalisation) {
        if (batch <= 0 || targets.length % batch != 0) throw new IllegalArgumentException("batch " + batch + " must divide the " + targets.length + " tokens");
        if (sequenceWeights.length != batch) throw new IllegalArgumentException("expected " + batch + " sequence weights, got " + sequenceWeights.length);
        if (normalisation == null) throw new IllegalArgumentException("normalisation must be TOKEN_SUM or SEQUENCE_MEAN, got null");
        int t = targets.length / batch;
        float[] w = new float[targets.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) sequenceWeights[i / t];
        return switch (normalisation) {
            case SEQUENCE_MEAN -> F.weightedCrossEntropy(logits, targets, w, mask, batch, TokenReduction.SEQUENCE_MEAN);
            case TOKEN_SUM -> F.scale(F.weightedCrossEntropy(logits, targets, w, mask, batch, TokenReduction.SUM), 1f / batch);
        };
    }
}
