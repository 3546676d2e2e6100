package dev.descent.optim.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Suite settings for {@code ZerothOrderOptimizers} ({@code mezo}, {@code zo_sgd}, {@code zo_adam}).
 * The battery steps them with {@code step(objective)} over {@code problem.loss(values)} and skips the
 * gradient for them ({@code needsGradients() == false}); every step costs two loss evaluations.
 *
 * <p>Why these thresholds. A two-point estimate on these problems is a random rank-one projection
 * ĝ = zzᵀ∇f (+ O(μ²) on Rosenbrock), unbiased with variance ~‖∇f‖² per coordinate: ZO-SGD behaves like
 * SGD with multiplicative noise, which still converges linearly on the quadratic (the noise vanishes
 * with ∇f) but only with a step about d + 2 = 12 times smaller than the first-order limit, and on
 * Rosenbrock (valley wall curvature ≈ 1000, Gaussian tails) it needs lr ≤ 3e-4 and many steps. Each
 * value below is the worst final loss over the 20 direction seeds 0..19 (the battery runs seed 0),
 * measured in float32; the thresholds leave a margin of ≥ 40× over that worst value and stay ≥ 200×
 * below the start losses (27.5, 24.2), so a broken estimator (wrong sign, wrong scale, directions
 * not regenerated identically, restore drift) fails them:
 * <ul>
 *   <li>mezo (Gaussian, μ 1e-3): quadratic lr 0.01, 2000 steps, worst 7.5e-18 → 1e-10; Rosenbrock
 *       lr 3e-4, 30000 steps, worst 1.6e-4 → 1e-2 (lr 1e-3 diverges for some seeds; 2e-4 reaches 1.8e-3).</li>
 *   <li>zo_sgd (Rademacher, momentum 0.9, μ 1e-3): quadratic lr 3e-3, 1000 steps, worst 7.2e-11 →
 *       1e-8; Rosenbrock lr 2e-4, 20000 steps, worst 1.2e-10 → 1e-6 (lr 5e-4 diverges).</li>
 *   <li>zo_adam (Gaussian, AMSGrad maximum, μ 1e-3): quadratic lr 0.03, 2000 steps, worst 1.6e-8 → 1e-6;
 *       Rosenbrock lr 0.02, 10000 steps, worst 2.1e-3 → 0.1 (lr 0.01: 6.9e-2, lr 0.05: 0.61 — the
 *       max-normalised steps rattle across the valley).</li>
 * </ul>
 */
public final class ZerothOrderCases {
    private ZerothOrderCases() {}

    public static Map<String, SuiteCase> cases() {
        Map<String, SuiteCase> c = new LinkedHashMap<>();
        c.put("mezo", new SuiteCase(
                Map.of("lr", "0.01", "mu", "1e-3"), 2000, 1e-10,
                Map.of("lr", "3e-4", "mu", "1e-3"), 30000, 1e-2,
                List.of("lr=-1", "mu=0", "mu=-1", "q=0", "weight_decay=-1", "direction=bogus", "seed=x")));
        c.put("zo_sgd", new SuiteCase(
                Map.of("lr", "3e-3", "momentum", "0.9", "direction", "rademacher"), 1000, 1e-8,
                Map.of("lr", "2e-4", "momentum", "0.9", "direction", "rademacher"), 20000, 1e-6,
                List.of("lr=-1", "mu=0", "q=0", "momentum=1", "scheme=bogus", "direction=bogus", "nesterov=true")));
        c.put("zo_adam", new SuiteCase(
                Map.of("lr", "0.03"), 2000, 1e-6,
                Map.of("lr", "0.02"), 10000, 0.1,
                List.of("lr=-1", "mu=0", "mu=-1e-3", "q=0", "betas=1.5,0.9", "eps=0", "scheme=bogus")));
        return c;
    }
}
