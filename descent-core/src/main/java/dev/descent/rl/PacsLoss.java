package dev.descent.rl;

import java.util.HashMap;
import java.util.Map;

/**
 * PACS, RLVR as supervised learning (Li et al. 2025, "Implicit Actor Critic Coupling via a Supervised
 * Learning Framework for RLVR", arXiv 2509.02522; code ritzz-ai/PACS @
 * bbe1dc6afd8ec8b9a65f6e0e0a5857183c944a36, {@code src/pacs/pacs_core_algos.py},
 * {@code compute_pacs_loss} with the released scripts' settings {@code reward_method 1},
 * {@code adv_estimator rloo}, {@code use_weight True}, {@code weight_mode question}). The verifier
 * reward r_i ∈ [0, 1] is a label, predicted from a score that the policy itself parameterises (the
 * "implicit critic"), and the policy is trained by binary cross-entropy. For completion i of a group of
 * G completions of one prompt, with mask m:
 * <pre>
 *   ψ_i = β Σ_t m_it (lp_it − old_it)                         (β-scaled log-ratio of the sequence)
 *   ψ̂_i = ψ_i − (1/(G−1)) Σ_{j≠i} ψ_j                         (RLOO: leave-one-out baseline within the group)
 *   w_i = G / (K · #{j : r_j = r_i})   if the group has K ≥ 2 distinct rewards, else 1
 *                                                                (sklearn's "balanced" class weights per group)
 *   L   = (1/B) Σ_i w_i [softplus(ψ̂_i) − r_i ψ̂_i]               (torch's BCEWithLogitsLoss(weight), mean)
 * </pre>
 * Gradient, with g_i = w_i (σ(ψ̂_i) − r_i) / B:
 * <pre>
 *   ∂L/∂lp_jt = β m_jt [ g_j − (1/(G−1)) Σ_{i≠j in j's group} g_i ]
 * </pre>
 * which is a policy gradient whose advantage σ(ψ̂) − r is the critic's error, the paper's
 * actor–critic coupling. With μ = 1 the old log-probabilities are the step's own (detached), so ψ = 0
 * and every label is pulled from σ(0) = 1/2. Default β = 1 (the released scripts use 1 and 2). No
 * ratio clip and no KL term (the recipe runs with {@code use_kl_loss False}; β_KL ≠ 0 is refused).
 * Completions come in whole consecutive groups of {@link PolicyLossConfig#groupSize}.
 */
public final class PacsLoss {
    private PacsLoss() {}

    static PolicyLoss.Result evaluate(PolicyLossConfig cfg, PolicyBatch in, float[] logprobs) {
        int bsz = in.batch(), t = in.length(), g = cfg.groupSize();
        PolicyBatch.requireLength("logprobs", logprobs, bsz * t);
        PolicyBatch.requireFinite("logprobs", logprobs);
        if (in.rewards() == null) throw new IllegalArgumentException("loss type pacs needs the rewards (its labels)");
        if (g < 2 || bsz % g != 0) throw new IllegalArgumentException("loss type pacs needs whole groups: num_generations = " + g + " must be >= 2 and divide the batch " + bsz);
        if (cfg.beta() != 0) throw new IllegalArgumentException("loss type pacs has no KL term; beta must be 0, got " + cfg.beta());
        double beta = cfg.pacsBeta();
        double[] psi = new double[bsz];
        for (int b = 0; b < bsz; b++) {
            double s = 0;
            for (int j = 0; j < t; j++) {
                int i = b * t + j;
                if (in.mask()[i] != 0f) s += (double) logprobs[i] - in.oldLogprobs()[i];
            }
            psi[b] = beta * s;
        }
        double[] weight = classWeights(in.rewards(), g);
        double loss = 0;
        double[] dHat = new double[bsz];
        for (int start = 0; start < bsz; start += g) {
            double sum = 0;
            for (int b = start; b < start + g; b++) sum += psi[b];
            for (int b = start; b < start + g; b++) {
                double hat = psi[b] - (sum - psi[b]) / (g - 1);
                double label = in.rewards()[b];
                // softplus(x) − r x, written stably
                loss += weight[b] * (Math.max(hat, 0) + Math.log1p(Math.exp(-Math.abs(hat))) - label * hat) / bsz;
                dHat[b] = weight[b] * (1 / (1 + Math.exp(-hat)) - label) / bsz;
            }
        }
        double[] grad = new double[bsz * t];
        for (int start = 0; start < bsz; start += g) {
            double sum = 0;
            for (int b = start; b < start + g; b++) sum += dHat[b];
            for (int b = start; b < start + g; b++) {
                double dPsi = dHat[b] - (sum - dHat[b]) / (g - 1);
                for (int j = 0; j < t; j++) {
                    int i = b * t + j;
                    if (in.mask()[i] != 0f) grad[i] = beta * dPsi;
                }
            }
        }
        return new PolicyLoss.Result(loss, grad, new ClipFractions(0, 0, 0, 0, 0), Double.NaN);
    }

    /** sklearn's {@code compute_class_weight("balanced")} within each group that has two or more distinct rewards; 1 elsewhere. */
    static double[] classWeights(float[] rewards, int g) {
        double[] w = new double[rewards.length];
        for (int start = 0; start < rewards.length; start += g) {
            Map<Float, Integer> counts = new HashMap<>();
            for (int b = start; b < start + g; b++) counts.merge(rewards[b], 1, Integer::sum);
            for (int b = start; b < start + g; b++) {
                w[b] = counts.size() > 1 ? (double) g / (counts.size() * counts.get(rewards[b])) : 1.0;
            }
        }
        return w;
    }
}
