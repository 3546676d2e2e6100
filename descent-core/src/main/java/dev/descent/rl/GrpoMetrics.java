package dev.descent.rl;

/**
 * What one GRPO step logs (TRL's names in parentheses).
 *
 * @param loss             the policy loss
 * @param rewardMean       mean reward of the round's completions ({@code reward}; with dynamic sampling, of
 *                         every completion sampled in the round, the dropped groups' included)
 * @param rewardStd        their unbiased standard deviation ({@code reward_std})
 * @param fracZeroStd      completions whose reward σ is 0 ({@code frac_reward_zero_std})
 * @param clip             the clip fractions ({@code clip_ratio/*})
 * @param kl               masked mean of k3 to the reference ({@code kl}; NaN without a reference)
 * @param entropy          masked mean of the policy's token entropy ({@code entropy})
 * @param gradNorm         global L2 norm of the gradient before clipping ({@code grad_norm})
 * @param completionLength mean completion length in tokens, stop token included ({@code completions/mean_length})
 * @param truncatedRate    completions that did not end with the stop token ({@code completions/clipped_ratio})
 */
public record GrpoMetrics(double loss, double rewardMean, double rewardStd, double fracZeroStd, ClipFractions clip, double kl,
                          double entropy, double gradNorm, double completionLength, double truncatedRate) {}
