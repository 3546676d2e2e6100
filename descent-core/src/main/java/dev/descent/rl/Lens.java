package dev.descent.rl;

/**
 * LENS, Likelihood Estimation with Negative Samples (Feng et al. 2025, "Don't Waste Mistakes:
 * Leveraging Negative RL-Groups via Confidence Reweighting", arXiv 2510.08696). GRPO gives a group in
 * which every completion is wrong zero advantage, hence no gradient; LENS derives, from a
 * maximum-likelihood view of reward modelling, a modified reward that penalises each incorrect
 * completion by the policy's confidence in it, so confident mistakes are pushed down harder and
 * all-wrong groups carry signal. Before the group advantages:
 * <pre>
 *   c_i  = exp( mean over completion tokens of log π_old(y_it) )      (confidence: the length-normalised likelihood, in (0, 1])
 *   r_i ← r_i − λ c_i     when r_i ≤ 0 (an incorrect completion);   r_i unchanged otherwise
 * </pre>
 * λ = {@code lens_penalty} (0: off). The authors' code could not be reached, and what could be read
 * of the paper is its abstract; the choices made here are: the confidence is the sampler's
 * length-normalised sequence probability (the quantity {@link UnlikelinessReward} also ranks by),
 * the penalty is linear in it (bounded, so one very confident mistake cannot dominate a group, where
 * the MLE odds c/(1 − c) would be unbounded), "incorrect" is a verifier reward ≤ 0, and the modified
 * rewards then go through the usual group normalisation ({@link GroupAdvantages}): in an all-wrong
 * group the advantages are then −(c_i − mean c)/σ_c, independent of λ; in a mixed group λ sets how far
 * below the correct completions the confident mistakes sit. Suggested λ: 0.2–0.5.
 */
public final class Lens {
    private Lens() {}

    public static double[] apply(double[] rewards, double[] meanLogprobs, double penalty) {
        if (rewards.length != meanLogprobs.length) throw new IllegalArgumentException("rewards and log-likelihoods differ in length");
        if (!(penalty >= 0) || !Double.isFinite(penalty)) throw new IllegalArgumentException("lens_penalty must be a finite number >= 0, got " + penalty);
        double[] out = rewards.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(meanLogprobs[i]) || meanLogprobs[i] > 0) {
                throw new IllegalArgumentException("mean log-probability " + i + " must be finite and <= 0, got " + meanLogprobs[i]);
            }
            if (out[i] <= 0) out[i] -= penalty * Math.exp(meanLogprobs[i]);
        }
        return out;
    }
}
