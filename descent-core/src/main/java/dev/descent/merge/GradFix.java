package dev.descent.merge;

/**
 * GradFix (Rinaldi et al., "Gradient-Sign Masking for Task Vector Transport Across Pre-Trained Models",
 * ICLR 2026, arXiv 2510.09658), as the authors' code has it: {@code fillo-rinaldi/GradFix},
 * {@code grad_sign/gradient_sign_common.py} ({@code compute_real_gradient_signs},
 * {@code taskvector_from_gradient_signs} with {@code mask_mode="normal"}) at
 * {@code ad13ce46ee760b0667de6b06b2e5b2fdba729f47}.
 *
 * <p>A task vector {@code τ = θ_ft − θ_source} learnt on one pre-trained model is moved to another,
 * {@code θ_target}: with the descent direction's sign at the target, {@code d = sign(−∇L(θ_target))}
 * from a few labelled examples, the transported vector keeps the entries whose sign agrees,
 * <pre>
 *   τ̂[j] = τ[j]  if sign(τ[j]) = d[j],  else 0
 * </pre>
 * and the result is {@code θ_target + α·τ̂}. The reference's two votes for d: {@code mean}, the sign of
 * the negated mean gradient, and {@code max} (its default), the sign of the sum of the per-example signs
 * {@code Σ_i sign(−∇L_i)}. A gradient file stores, per tensor, a statistic g whose negated sign is d:
 * the mean gradient (vote mean), or {@code Σ_i sign(∇L_i)} (vote max); {@link GradientSigns} computes
 * both. An entry with d = 0 (a zero gradient or a tied vote) keeps τ only where τ is 0, as the code's
 * {@code sign(g) == sign(t)}. A tensor absent from the gradient file gets no task vector (the code builds
 * the transported vector from the keys with a gradient only).
 */
public final class GradFix {
    private GradFix() {}

    /** {@code delta[j] = 0} where {@code sign(delta[j]) ≠ −sign(g[j])}, for j &lt; n. */
    public static void mask(float[] delta, float[] g, int n) {
        for (int j = 0; j < n; j++) {
            if (Math.signum(delta[j]) != -Math.signum(g[j])) delta[j] = 0f;
        }
    }
}
