package dev.descent.rl;

/**
 * Group-relative advantages from rewards, as TRL's {@code GRPOTrainer} forms them (huggingface/trl @
 * f2cd57710ae345ea6428ae95363267fcf38a3dc8, {@code sum_then_normalize}). Rewards come in groups of G
 * consecutive completions of one prompt; with μ_g the group's mean and σ the unbiased (Bessel,
 * divisor n − 1) standard deviation of the group (GROUP, NONE) or of the whole batch (BATCH):
 * <pre>
 *   A_i = (r_i − μ_g(i)) / (σ + 1e-4)     GROUP, BATCH     (the centring is always by the group mean)
 *   A_i =  r_i − μ_g(i)                    NONE
 * </pre>
 * TRL logs {@code frac_reward_zero_std}, the fraction of completions whose σ is (close to) 0
 * ({@code torch.isclose(σ, 0)}: σ ≤ 1e-8); with GROUP or NONE this is the fraction of groups
 * whose completions all got the same reward, which give no learning signal.
 */
public final class GroupAdvantages {
    private GroupAdvantages() {}

    /** TRL's constant added to the standard deviation. */
    public static final double STD_EPS = 1e-4;

    /** The advantages (float, as TRL's tensors), the per-completion σ and the zero-σ fraction. */
    public record Result(float[] advantages, double[] std, double fracZeroStd) {}

    public static Result of(double[] rewards, int groupSize, RewardScaling scaling) {
        if (groupSize <= 0) throw new IllegalArgumentException("num_generations must be > 0, got " + groupSize);
        if (scaling == null) throw new IllegalArgumentException("scale_rewards must be one of group, batch, none, got null");
        int n = rewards.length;
        if (n == 0 || n % groupSize != 0) throw new IllegalArgumentException(n + " rewards are not whole groups of " + groupSize);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(rewards[i])) throw new IllegalArgumentException("reward " + i + " must be finite, got " + rewards[i]);
        }
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int g = 0; g < n; g += groupSize) {
            double m = mean(rewards, g, groupSize);
            double s = groupSize > 1 ? unbiasedStd(rewards, g, groupSize, m) : 0;
            for (int i = g; i < g + groupSize; i++) {
                mean[i] = m;
                std[i] = s;
            }
        }
        if (scaling == RewardScaling.BATCH) {
            double s = n > 1 ? unbiasedStd(rewards, 0, n, mean(rewards, 0, n)) : 0;
            java.util.Arrays.fill(std, s);
        }
        float[] adv = new float[n];
        int zero = 0;
        for (int i = 0; i < n; i++) {
            double a = rewards[i] - mean[i];
            if (scaling != RewardScaling.NONE) a /= std[i] + STD_EPS;
            adv[i] = (float) a;
            if (std[i] <= 1e-8) zero++;
        }
        return new Result(adv, std, (double) zero / n);
    }

    static double mean(double[] x, int from, int count) {
        double s = 0;
        for (int i = from; i < from + count; i++) s += x[i];
        return s / count;
    }

    static double unbiasedStd(double[] x, int from, int count, double mean) {
        double s = 0;
        for (int i = from; i < from + count; i++) s += (x[i] - mean) * (x[i] - mean);
        return Math.sqrt(s / (count - 1));
    }
}
