package dev.descent.optim;

import static dev.descent.optim.MatrixMomentum.momentumThen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Steepest descent under a norm (J. Bernstein, L. Newhouse, "Old Optimizer, New Norm: An Anthology",
 * arXiv 2409.20325): under ℓ∞ ({@code sign_descent}, {@link #scaleBySign}) and under the spectral norm
 * ({@code spectral_descent}, {@link #scaleBySpectral}), each with the optional momentum of
 * {@link MatrixMomentum}, on every parameter it is given.
 */
public final class SteepestDescent {
    private SteepestDescent() {}

    /**
     * ℓ∞ steepest descent (Bernstein &amp; Newhouse: with EMAs off, Adam is sign descent): u = sign(M),
     * sign(0) = 0, where M is the momentum of {@link MatrixMomentum#momentumThen} (β = 0 gives u = sign(g)).
     * The dual-norm factor ‖g‖₁ of exact steepest descent is deliberately dropped (it would make the
     * step scale with the parameter count); every coordinate with a nonzero direction moves by exactly η.
     */
    public static GradientTransformation scaleBySign(double momentum, boolean nesterov) {
        return momentumThen(momentum, nesterov, Map.of(), (slot, u, off, st, sc) -> {
            for (int i = off; i < off + slot.size(); i++) u[i] = Math.signum(u[i]);
        });
    }

    /**
     * Spectral-norm steepest descent (Bernstein &amp; Newhouse, §"Shampoo" — Shampoo with EMAs off):
     * for a matrix G = U Σ Vᵀ the steepest-descent direction under ‖·‖_op is U Vᵀ, and the step of
     * steepest descent with sharpness 1/η is −η ‖G‖_* U Vᵀ (the dual of the spectral norm is the
     * nuclear norm). {@code nuclear = true} (default) takes that exact step — it shrinks with the
     * gradient, so the method converges at a fixed η like gradient descent; {@code nuclear = false}
     * takes −η U Vᵀ (Muon without momentum and with the exact polar factor: every singular direction
     * moves by η). U Vᵀ is exact (float64 SVD, {@link dev.descent.linalg.PolarFactor}), not NS. Vectors are
     * treated as 1×n matrices, whose spectral norm is the ℓ2 norm: their step is then plain gradient
     * descent −η g (nuclear) or −η g/‖g‖ (none). Optional momentum M (lerp form) is applied to G first.
     * State scalars: {@code momentum}, {@code nesterov}, {@code nuclear} (0/1), {@code last_nuclear_norm}.
     */
    public static GradientTransformation scaleBySpectral(double momentum, boolean nesterov, boolean nuclear) {
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("nuclear", nuclear ? 1.0 : 0.0);
        extra.put("last_nuclear_norm", 0.0);
        return momentumThen(momentum, nesterov, extra, (slot, u, off, st, sc) -> {
            int n = slot.size();
            sc.load(u, off, n);
            double nuc = sc.polar().polar(sc.d, slot.rows(), slot.cols());
            st.set("last_nuclear_norm", nuc);
            if (st.get("nuclear") != 0) for (int i = 0; i < n; i++) sc.d[i] *= nuc;
            sc.store(u, off, n);
        });
    }
}
