package dev.descent.optim.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Suite settings for {@code zovh} (the battery hands it the problem's loss at every step,
 * {@code step(objective)}; built by name it holds none, so a plain {@code step()} throws
 * IllegalStateException; invalid settings are refused with IllegalArgumentException at construction).
 *
 * <p>With the objective handed at every step (as the battery's {@code Run} loop does), zovh passes
 * all 43 battery tests with these settings; allocation measured 352 bytes per step on both the 1k and
 * the 100k problem.
 *
 * <p>Why these settings: the product of eq. 16 replaces UᵀU by its diagonal (eq. 15), which assumes the
 * n held directions are nearly orthogonal, i.e. n ≪ d. The canonical problems are tiny (d = 10 and
 * d = 2), so history reuse (n = N·K = 12 &gt; d) turns the step uphill and diverges on both (measured);
 * the cases use no reuse ({@code num_histories=0}, n = K = 3).
 * <ul>
 *   <li>quadratic (d = 10): lr 1e-3, μ 0.01, λ 0.1, 1000 steps — worst final loss over seeds 0–3
 *       measured 9.7e-4 (start 27.5); threshold 0.05.</li>
 *   <li>rosenbrock (d = 2 &lt; n = 3: eq. 15 cannot hold at all): only a ridge so large that
 *       λ(n−1) ≫ ν_j‖u_j‖² works, which makes p ≈ ĝ/λ, i.e. ZO-SGD with step lr/λ = 3e-4
 *       (λ = 1e5, lr = 30), 20,000 steps — worst over seeds 0–3 measured 0.0163 (start 24.2); every
 *       smaller λ tried (0.1 … 1e3) diverged. Threshold 0.2.</li>
 * </ul>
 */
public final class ZovhCases {
    private ZovhCases() {}

    public static Map<String, SuiteCase> cases() {
        Map<String, SuiteCase> out = new LinkedHashMap<>();
        out.put("zovh", new SuiteCase(
                Map.of("lr", "0.001", "mu", "0.01", "lambda_hess", "0.1", "num_histories", "0"), 1000, 0.05,
                Map.of("lr", "30", "mu", "0.01", "lambda_hess", "100000", "num_histories", "0"), 20000, 0.2,
                List.of("lr=-1", "mu=0", "mu=-1", "lambda_hess=0", "num_queries=2", "num_histories=-1", "weight_decay=-0.1")));
        return out;
    }
}
