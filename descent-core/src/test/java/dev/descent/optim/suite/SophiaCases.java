package dev.descent.optim.suite;

import dev.descent.optim.Curvature;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.problems.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Suite settings for {@code sophiag} and {@code sophiah}.
 *
 * <p><b>The battery must pass the curvature estimators</b> to the registry call, from the problem
 * it is about to run and over the same parameter buffer it evaluates (see {@link #run}):
 * <pre>
 *   float[] x = problem.start();
 *   opt = registry.create(name, ParamSet.of(x, problem.names(), problem.shapes()), grads, hyper,
 *           Curvature.forProblem(problem, seed));
 * </pre>
 * Passing them to every optimizer is harmless (only Sophia reads them). Any seed works; the thresholds
 * below hold for every one of 60 seeds tried. Without them the Sophia factories throw
 * IllegalStateException("sophiag needs a curvature estimator: …"); invalid settings throw
 * IllegalArgumentException with or without them.
 *
 * <p>Settings: the default β = (0.965, 0.99) and curvature refresh every k = 10 steps (the reference
 * setting, with the canonical problems' estimators: Gauss–Newton–Bartlett Jᵀε for sophiag,
 * Rademacher Hutchinson for sophiah); weight_decay 0 (these problems have their minima away from 0
 * on Rosenbrock, and decay would bias the limit); η and ρ from a grid lr ∈ {0.01, 0.03, 0.1} ×
 * ρ ∈ {0.01, 0.04, 0.1, 0.3} × k ∈ {1, 10}, choosing robust points near the defaults' ρ.
 *
 * <p>Thresholds (float32): measured worst final loss over 60 seeds, then a margin of ≥ 10⁴ so that a
 * different rounding order or a different seed cannot fail the battery, while still far below the
 * start losses (27.5, 24.2) and below what a non-converging run reaches:
 * <ul>
 *   <li>sophiag quadratic, lr 0.03, ρ 0.04, 1000 steps: worst 3.1e-14 → threshold 1e-8.</li>
 *   <li>sophiag rosenbrock, lr 0.1, ρ 0.04, 2000 steps: worst 3.6e-11 → threshold 1e-6 (with lr 0.03
 *       it needs 3000 steps and ends near 3e-7 for the worst seed).</li>
 *   <li>sophiah quadratic, lr 0.03, ρ 0.01, 1000 steps: 5.8e-14 for every seed (Rademacher probes are
 *       exact for a diagonal Hessian) → threshold 1e-8.</li>
 *   <li>sophiah rosenbrock, lr 0.03, ρ 0.01, 2000 steps: worst 5.0e-11 → threshold 1e-6.</li>
 * </ul>
 */
public final class SophiaCases {
    private SophiaCases() {}

    public static Map<String, SuiteCase> cases() {
        Map<String, SuiteCase> out = new LinkedHashMap<>();
        out.put("sophiag", new SuiteCase(
                Map.of("lr", "0.03", "rho", "0.04", "weight_decay", "0"), 1000, 1e-8,
                Map.of("lr", "0.1", "rho", "0.04", "weight_decay", "0"), 2000, 1e-6,
                List.of("lr=-1", "rho=-1", "betas=1.1,0.9", "betas=0.9,1.0", "weight_decay=-0.1", "bs=0", "hess_interval=0")));
        out.put("sophiah", new SuiteCase(
                Map.of("lr", "0.03", "rho", "0.01", "weight_decay", "0"), 1000, 1e-8,
                Map.of("lr", "0.03", "rho", "0.01", "weight_decay", "0"), 2000, 1e-6,
                List.of("lr=-1", "rho=-1", "betas=1.1,0.9", "betas=0.9,1.0", "weight_decay=-0.1", "eps=0", "hess_interval=0")));
        return out;
    }

    /** One suite run as the battery does it: the final loss after {@code steps} steps from the start point. */
    public static double run(String name, Problem problem, Map<String, String> hyper, int steps, long seed) {
        float[] x = problem.start();
        float[] grads = new float[x.length];
        Optimizer opt = OptimizerRegistry.defaults().create(name, ParamSet.of(x, problem.names(), problem.shapes()), grads,
                new HyperParams(hyper), Curvature.forProblem(problem, seed));
        for (int i = 0; i < steps; i++) {
            problem.lossAndGradient(x, grads);
            opt.step();
        }
        return problem.loss(x);
    }
}
