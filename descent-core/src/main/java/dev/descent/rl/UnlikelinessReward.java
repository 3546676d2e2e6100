package dev.descent.rl;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The unlikeliness reward (He et al. 2025, "Rewarding the Unlikely: Lifting GRPO Beyond Distribution
 * Sharpening", arXiv 2506.02355; code AndreHe02/rewarding-unlikely-release @
 * ca1cff05ebdf2cfe9737fd416897da838a93e11a, {@code verl/trainer/ppo/ray_lean_trainer.py},
 * {@code _compute_advantages}): before the group normalisation each reward is scaled down by the
 * rank of its completion's likelihood within the group, so correct but unlikely completions keep
 * more of their reward than likely ones:
 * <pre>
 *   ℓ_i    = mean over completion tokens of log π_old(y_it)      (the length-normalised log-likelihood)
 *   rank_i = position of ℓ_i in the group sorted ascending (0: least likely … G − 1: most likely)
 *   r_i   ← r_i · (1 − β_rank · rank_i / G)
 * </pre>
 * β_rank = {@code rank_penalty} (the authors' example script uses 0.25). Ties in ℓ take the earlier
 * completion first (the reference's {@code torch.argsort} leaves them unspecified). The reference
 * normalises with σ + 1e-6; here the modified rewards go through {@link GroupAdvantages} (TRL's 1e-4).
 */
public final class UnlikelinessReward {
    private UnlikelinessReward() {}

    public static double[] apply(double[] rewards, double[] meanLogprobs, int groupSize, double rankPenalty) {
        if (rewards.length != meanLogprobs.length) throw new IllegalArgumentException("rewards and log-likelihoods differ in length");
        if (!(rankPenalty >= 0 && rankPenalty <= 1)) throw new IllegalArgumentException("rank_penalty must be in [0, 1], got " + rankPenalty);
        if (groupSize <= 0 || rewards.length % groupSize != 0) throw new IllegalArgumentException(rewards.length + " rewards are not whole groups of " + groupSize);
        double[] out = rewards.clone();
        for (int g = 0; g < rewards.length; g += groupSize) {
            Integer[] order = new Integer[groupSize];
            for (int j = 0; j < groupSize; j++) order[j] = g + j;
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> meanLogprobs[i]).thenComparingInt(i -> i));
            for (int rank = 0; rank < groupSize; rank++) out[order[rank]] *= 1 - rankPenalty * rank / (double) groupSize;
        }
        return out;
    }
}
