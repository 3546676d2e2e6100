package dev.descent.rl;

/**
 * DCPO's dynamic adaptive clipping bounds (Yang et al. 2025, "DCPO: Dynamic Clipping Policy
 * Optimization", arXiv 2509.02333; code lime-RL/DCPO @ 01787b0f61580961162faeb492defeb39f1eba53,
 * {@code verl/trainer/ppo/core_algos.py}, {@code get_clip_low_high} and {@code compute_policy_loss_dcpo}
 * with {@code clip_type: dynamic}). A token whose probability under the sampling policy is
 * q = exp(old) gets its own ratio bounds, wider for unlikely tokens (which fixed bounds clip most):
 * <pre>
 *   lo(q) = (1 + √max(0, 1 − 4 ε_low / q)) / 2
 *   hi(q) = min((1 + √(1 + 4 ε_high / q)) / 2, max(c, 10))
 * </pre>
 * and the per-token term of {@link PolicyLoss} becomes, with r the ratio and A the advantage,
 * <pre>
 *   ℓ = max(−A r, −A clip(r, lo, hi))                   A ≥ 0
 *   ℓ = min(−A c, max(−A r, −A clip(r, lo, hi)))        A &lt; 0   (dual clip: the ratio's weight is at most c)
 * </pre>
 * so ∂ℓ/∂lp = −A r when A ≥ 0 and r ≤ hi, or A &lt; 0 and lo ≤ r ≤ c, and 0 otherwise. The recipe's
 * settings ({@code recipe/dcpo/run_dcpo.sh}): ε_low = 0.2, ε_high = 0.28, c = 10, and the
 * {@code only-token-mean} reduction, which is a token mean over the batch (this library's dapo/bnpo
 * reduction). At q = 1 the bounds are [0.724, 1.171]; at q ≤ 4 ε_low the lower bound is 1/2.
 */
public final class DcpoClip {
    private DcpoClip() {}

    /** The lower ratio bound for a token of sampling probability {@code q}. */
    public static double low(double q, double epsilonLow) {
        return (1 + Math.sqrt(Math.max(0, 1 - 4 * epsilonLow / q))) / 2;
    }

    /** The upper ratio bound for a token of sampling probability {@code q}, capped at max(c, 10) as the reference does. */
    public static double high(double q, double epsilonHigh, double c) {
        return Math.min((1 + Math.sqrt(1 + 4 * epsilonHigh / q)) / 2, Math.max(c, 10));
    }
}
