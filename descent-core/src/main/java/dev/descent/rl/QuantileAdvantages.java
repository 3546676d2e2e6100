package dev.descent.rl;

import java.util.Arrays;

/**
 * Quantile Advantage Estimation (QAE; Wu et al. 2025, "Quantile Advantage Estimation for
 * Entropy-Safe Reasoning", arXiv 2509.22611): GRPO's group mean baseline is replaced by the group's
 * K-quantile of the rewards, the rest as {@link GroupAdvantages}:
 * <pre>
 *   A_i = (r_i − Q_K(group(i))) / (σ + 1e-4)     scale_rewards group / batch (σ as in GroupAdvantages)
 *   A_i =  r_i − Q_K(group(i))                    none
 *   Q_K = min { r_j of the group : #{r ≤ r_j} / G ≥ K }     (the inverted-CDF quantile)
 * </pre>
 * The inverted-CDF quantile (numpy's {@code method="inverted_cdf"}) is chosen because it gives the
 * paper's two regimes exactly for 0/1 rewards with success rate p: on a hard group (p ≤ 1 − K) the
 * baseline is 0, so only the successes get a (positive) advantage; on an easy group (p &gt; 1 − K) it
 * is 1, so only the failures get a (negative) one. No code of the authors was found; K (the paper
 * tunes it) has no default here beyond the median, 0.5.
 */
public final class QuantileAdvantages {
    private QuantileAdvantages() {}

    /** The inverted-CDF K-quantile of {@code x[from … from + count)}. */
    public static double quantile(double[] x, int from, int count, double k) {
        if (!(k > 0 && k <= 1)) throw new IllegalArgumentException("baseline_quantile must be in (0, 1], got " + k);
        double[] s = Arrays.copyOfRange(x, from, from + count);
        Arrays.sort(s);
        int idx = (int) Math.ceil(k * count - 1e-12) - 1;
        return s[Math.max(0, Math.min(count - 1, idx))];
    }

    public static GroupAdvantages.Result of(double[] rewards, int groupSize, double k, RewardScaling scaling) {
        // the σ and zero-σ fraction are GRPO's; only the baseline changes
        GroupAdvantages.Result grpo = GroupAdvantages.of(rewards, groupSize, scaling);
        float[] adv = new float[rewards.length];
        for (int g = 0; g < rewards.length; g += groupSize) {
            double q = quantile(rewards, g, groupSize, k);
            for (int i = g; i < g + groupSize; i++) {
                double a = rewards[i] - q;
                if (scaling != RewardScaling.NONE) a /= grpo.std()[i] + GroupAdvantages.STD_EPS;
                adv[i] = (float) a;
            }
        }
        return new GroupAdvantages.Result(adv, grpo.std(), grpo.fracZeroStd());
    }
}
