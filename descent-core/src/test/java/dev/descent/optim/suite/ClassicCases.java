package dev.descent.optim.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Suite settings for {@code ClassicOptimizers}. Every value below was measured by running the
 * registered optimizer on the problem in float32 (losses quoted as "measured"); each threshold
 * leaves at least a 10× margin over the measurement and stays far below the start losses (27.5 on
 * quadratic, 24.2 on rosenbrock). Near a minimum in float32, Rosenbrock's floor is ~1e-13 (x has
 * ~6e-8 resolution near 1, squared through the ~1000 curvature of the valley wall).
 */
public final class ClassicCases {
    private ClassicCases() {}

    public static Map<String, SuiteCase> cases() {
        Map<String, SuiteCase> c = new LinkedHashMap<>();
        // sgd: heavy ball with lr·λmax = 1 < 2(1 + μ) converges linearly on the κ = 10 quadratic (measured 5e-13
        // after 300); on Rosenbrock lr 1e-3 is the largest stable rate for the valley wall (λ ≈ 1000), measured 6e-13.
        c.put("sgd", new SuiteCase(Map.of("lr", "0.1", "momentum", "0.9"), 300, 1e-8,
                Map.of("lr", "1e-3", "momentum", "0.9"), 5000, 1e-6,
                List.of("lr=-1", "momentum=-0.1", "momentum=1", "dampening=2", "weight_decay=-1", "nesterov=true")));
        // adam: measured 5e-22 (quadratic) and 9e-14 (Rosenbrock, at the float32 floor).
        c.put("adam", new SuiteCase(Map.of("lr", "0.1"), 500, 1e-10,
                Map.of("lr", "0.02"), 5000, 1e-6,
                List.of("lr=-1", "betas=1.5,0.9", "beta2=1", "eps=-1", "weight_decay=-1")));
        // adamw: default decay 0.01 pulls toward 0, the quadratic's minimum (measured 3e-22); on Rosenbrock the
        // decay would move the minimum away from (1, 1), so weight_decay=0 there (measured 9e-14).
        c.put("adamw", new SuiteCase(Map.of("lr", "0.1"), 500, 1e-10,
                Map.of("lr", "0.02", "weight_decay", "0"), 5000, 1e-6,
                List.of("lr=-1", "betas=0.9,1.0", "eps=-1", "weight_decay=-1")));
        // amsgrad: the running maximum of v slows the late steps; measured 8e-24 and 2e-12 (lr 0.05 on Rosenbrock).
        c.put("amsgrad", new SuiteCase(Map.of("lr", "0.1"), 500, 1e-10,
                Map.of("lr", "0.05"), 5000, 1e-6,
                List.of("lr=-1", "betas=1.5,0.9", "eps=-1")));
        // adagrad: on the quadratic the accumulated scale converges fast (measured 5e-89); on Rosenbrock the
        // 1/√t effective rate makes progress along the valley slow: measured 1e-4 after 5000 (5e-4 after 4000).
        c.put("adagrad", new SuiteCase(Map.of("lr", "0.5"), 500, 1e-10,
                Map.of("lr", "0.5"), 5000, 1e-3,
                List.of("lr=-1", "lr_decay=-1", "weight_decay=-1", "initial_accumulator_value=-1", "eps=-1")));
        // rmsprop: measured 0 (underflow) on the quadratic; on Rosenbrock its steps stay ~lr near the minimum,
        // so a small lr with momentum: measured 3e-7.
        c.put("rmsprop", new SuiteCase(Map.of("lr", "0.01"), 1000, 1e-8,
                Map.of("lr", "1e-4", "momentum", "0.9"), 5000, 1e-5,
                List.of("lr=-1", "alpha=1.5", "eps=-1", "weight_decay=-1", "momentum=-0.1")));
        // lion: every step moves each coordinate by ±lr, so it ends oscillating at amplitude ~lr; measured 9e-10
        // (quadratic, lr 2e-3, 1000 steps) and 1.6e-5 (Rosenbrock, lr 2e-3, same after 4000 and 5000 steps).
        c.put("lion", new SuiteCase(Map.of("lr", "0.002"), 1000, 1e-7,
                Map.of("lr", "0.002"), 5000, 1e-3,
                List.of("lr=-1", "betas=1.5,0.9", "beta2=1", "weight_decay=-1")));
        // lamb: the step length is lr·‖θ‖ whatever the gradient (trust ratio × unit-size Adam direction). On the
        // quadratic ‖θ‖ → 0 with the minimum, so it converges (measured 2e-28). On Rosenbrock ‖θ‖ → √2 and it
        // ends in a limit cycle across the valley: measured between 1.6e-2 and 0.18 at steps 4600..5000 with
        // lr 0.01 (smaller rates stall where the valley passes near the origin, ‖θ‖ ≈ 0). Threshold 0.5: 50×
        // below the start, above the cycle's maximum.
        c.put("lamb", new SuiteCase(Map.of("lr", "0.1"), 500, 1e-10,
                Map.of("lr", "0.01"), 5000, 0.5,
                List.of("lr=-1", "betas=1.5,0.9", "eps=-1", "weight_decay=-1")));
        return c;
    }
}
