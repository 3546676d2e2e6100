package dev.descent.optim.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Battery settings for the matrix optimizers ({@code dev.descent.optim.MatrixOptimizers}). Quadratic and Rosenbrock have
 * only a vector parameter, so the hybrids ({@code muon}, {@code auon}, {@code hybrid_auon},
 * {@code reg}) route everything to their aux AdamW (tuned through {@code adamw_lr}); sign descent acts
 * element-wise; spectral descent on a vector (a 1×n matrix, whose spectral norm is the ℓ2 norm) is
 * plain gradient descent. Thresholds come from float32 runs of these exact settings (measured values
 * quoted), with at least 10× headroom.
 */
public final class MatrixCases {
    private MatrixCases() {}

    public static Map<String, SuiteCase> cases() {
        Map<String, SuiteCase> out = new LinkedHashMap<>();
        // Aux AdamW at lr 0.02, betas (0.9, 0.95), eps 1e-10: measured 9.3e-6 after 2000 quadratic steps
        // (AdamW at a constant rate hovers at a noise floor ~lr², so 1e-3 rather than ~0) and 1.3e-4 after
        // 5000 Rosenbrock steps (start 24.2; 1e-2 is well inside the valley floor near (1, 1)).
        Map<String, String> aux = Map.of("adamw_lr", "0.02");
        out.put("muon", new SuiteCase(aux, 2000, 1e-3, aux, 5000, 1e-2,
                List.of("lr=-1", "momentum=1.5", "ns_steps=0", "weight_decay=-1", "adamw_lr=-1", "adamw_betas=0.9", "adamw_beta2=1")));
        out.put("auon", new SuiteCase(aux, 2000, 1e-3, aux, 5000, 1e-2,
                List.of("lr=-1", "momentum=1.5", "variant=foo", "gamma=0", "adamw_eps=-1")));
        out.put("hybrid_auon", new SuiteCase(aux, 2000, 1e-3, aux, 5000, 1e-2,
                List.of("lr=-1", "momentum=1.5", "ns_steps=0", "variant=foo", "r_form=cube", "gamma=-1")));
        out.put("reg", new SuiteCase(aux, 2000, 1e-3, aux, 5000, 1e-2,
                List.of("lr=-1", "momentum=1.5", "racs=foo", "racs_iters=0", "racs_eps=-1", "weight_decay=-1")));
        // Sign descent moves every coordinate by exactly lr, so it cannot settle closer than about lr per
        // coordinate: the floor on the quadratic is ½ Σ (i+1) lr² = 2.75e-5 at lr 1e-3 (measured 2.4e-9,
        // it happens to land on 0 in float32); tol 1e-4 is that floor with margin. Rosenbrock with
        // signum momentum 0.9: measured 7.2e-4 after 5000 steps (the start is 2.2 away in x, ≥ 2200 steps).
        out.put("sign_descent", new SuiteCase(Map.of("lr", "0.001"), 2000, 1e-4,
                Map.of("lr", "0.001", "momentum", "0.9"), 5000, 1e-2,
                List.of("lr=-1", "momentum=1.5", "momentum=-0.1", "weight_decay=-1")));
        // Spectral descent on a vector = gradient descent: quadratic (curvatures 1..10) at lr 0.1 contracts
        // every coordinate by ≤ 0.9 per step, measured ~0 (float underflow) after 1000 steps; Rosenbrock
        // at lr 0.002 (stable for the valley's curvature ≈ 1000 near the path) measured 5.5e-5 after 5000 steps.
        out.put("spectral_descent", new SuiteCase(Map.of("lr", "0.1"), 1000, 1e-6,
                Map.of("lr", "0.002"), 5000, 1e-3,
                List.of("lr=-1", "momentum=1.5", "scale=foo", "weight_decay=-1")));
        return out;
    }
}
