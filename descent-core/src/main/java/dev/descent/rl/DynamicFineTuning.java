package dev.descent.rl;

import dev.descent.autograd.F;
import dev.descent.autograd.TokenReduction;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;

/**
 * Dynamic fine-tuning (DFT; Wu et al. 2025, "On the generalization of SFT: a reinforcement learning
 * perspective with reward rectification"): the token cross-entropy scaled by the token's own
 * probability, detached from the graph,
 * <pre>
 *   L = Σ_t m_t · sg(p_t) · (−log p_t) / Σ_t m_t,     p_t = softmax(z_t)[y_t]
 *   ∂L/∂z_t = m_t p_t (softmax(z_t) − e_{y_t}) / Σ m     (the weight is a constant: no gradient through sg)
 * </pre>
 * The token-mean over the mask is our choice of reduction (the paper's SFT baseline is the token
 * mean); it is {@link F#weightedCrossEntropy} with weights p_t and {@link TokenReduction#MEAN}.
 */
public final class DynamicFineTuning {
    private DynamicFineTuning() {}

    /** The detached weights p_t = softmax(z_t)[y_t] of logits {@code [n, V]} (0 where the target is −1). */
    public static float[] weights(Tensor logits, int[] targets) {
        int v = logits.dim(1);
        float[] probs = new float[v];
        float[] w = new float[targets.length];
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0) continue;
            float logZ = Softmax.row(logits.data(), logits.offset() + i * v, probs, 0, v);
            w[i] = (float) Math.exp(logits.data()[logits.offset() + i * v + targets[i]] - logZ);
        }
        return w;
    }

    /** The DFT loss of logits {@code [B·T, V]} against targets and a 0/1 mask {@code [B, T]} (null: all ones). */
    public static Variable loss(Variable logits, int[] targets, float[] mask, int batch) {
        float[] w = weights(logits.value(), targets);
        return F.weightedCrossEntropy(logits, targets, w, mask, batch, TokenReduction.MEAN);
    }
}
