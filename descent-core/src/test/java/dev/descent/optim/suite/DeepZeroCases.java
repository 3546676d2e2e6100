package dev.descent.optim.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Suite settings for {@code deepzero} and {@code rise_sgd}.
 *
 * <p>{@code deepzero} is zeroth-order: the battery hands it the problem's loss over the run's buffer at every
 * step ({@code step(objective)}, as {@code OptimizerSuiteTest.Run}'s loop does) and need not compute
 * gradients. Its cases use central differences (exact on a quadratic, O(μ²) bias on Rosenbrock) and
 * {@code coords_per_step=4} so that a step on the ~100k-parameter allocation problem costs 9
 * evaluations, not 200k; {@code sparsity=0.5} with {@code grasp_queries=8} exercises the ZO-GraSP
 * mask on the problems that have matrices (quadratic and Rosenbrock have none, so every coordinate
 * stays eligible there).
 *
 * <p>{@code rise_sgd} reshapes exact gradients; on quadratic (one block of d = 10, q = 4) each step
 * is a random multiple of the gradient's block shape with E[ĝ] = c·g, c = sqrt(4/15).
 *
 * <p>Thresholds: measured final losses with a margin of ≥ 10³ — deepzero 2.5e-14 on quadratic (tol 1e-8)
 * and 4.4e-8 on Rosenbrock (tol 1e-4); rise_sgd 1.6e-51 on quadratic (tol 1e-8) and 5.1e-13 on
 * Rosenbrock (tol 1e-8).
 */
public final class DeepZeroCases {
    private DeepZeroCases() {}

    public static Map<String, SuiteCase> cases() {
        Map<String, SuiteCase> out = new LinkedHashMap<>();
        out.put("deepzero", new SuiteCase(
                Map.of("lr", "0.05", "momentum", "0.9", "mu", "1e-3", "difference", "central", "coords_per_step", "4",
                        "sparsity", "0.5", "grasp_queries", "8"), 1500, 1e-8,
                Map.of("lr", "1e-3", "momentum", "0.9", "mu", "1e-3", "difference", "central", "sparsity", "0"), 6000, 1e-4,
                List.of("lr=-1", "momentum=1", "mu=0", "mu=-1", "sparsity=1", "sparsity=-0.1", "coords_per_step=0",
                        "grasp_queries=0", "mask_interval=0", "difference=backward", "mask=magnitude")));
        out.put("rise_sgd", new SuiteCase(
                Map.of("lr", "0.1", "momentum", "0.5"), 1500, 1e-8,
                Map.of("lr", "1e-3", "momentum", "0.9", "q", "8"), 8000, 1e-8,
                List.of("lr=-1", "momentum=1", "q=0", "block=diagonal", "block=0", "directions=uniform")));
        return out;
    }
}
