package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.Classic;
import dev.descent.optim.GradientTransformation;
import dev.descent.optim.Hyper;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerFamily;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;

/**
 * The zeroth-order optimizers built from SPSA-type estimators: {@code mezo} ({@link Mezo}),
 * {@code zo_sgd} and {@code zo_adam} ({@link ZoOptimizer} = {@link SpsaEstimator} + a gradient
 * transformation). By name they are built without an objective and evaluate the one given to
 * {@code step(objective)}; {@link #create} binds one for the plain {@code step()}. All report
 * {@code needsGradients() == false}.
 *
 * <p>Estimator hyperparameters (all three): {@code mu} (1e-3, the smoothing radius μ), {@code q}
 * (1, directions per step), {@code seed} (0, keys the directions), {@code direction} (gaussian;
 * rademacher, sphere, unit_sphere — see {@link DirectionKind}); {@code zo_sgd} and {@code zo_adam}
 * also take {@code scheme} (central; forward, one_point — see {@link SpsaEstimator}).
 * <ul>
 *   <li>{@code mezo}: {@code lr} (1e-6), {@code weight_decay} (0).</li>
 *   <li>{@code zo_sgd}: ĝ → torch.optim.SGD: {@code lr} (1e-3), {@code momentum} (0),
 *       {@code dampening} (0), {@code nesterov} (false), {@code weight_decay} (0, coupled) — the
 *       semantics of {@link Classic#sgd}. ZO-SGD as in Ghadimi &amp; Lan, SIAM J. Optim. 2013.</li>
 *   <li>{@code zo_adam}: ZO-AdaMM, Chen et al., "ZO-AdaMM: Zeroth-Order Adaptive Momentum Method for
 *       Black-Box Optimization", NeurIPS 2019: ĝ → Adam moments m, v and the AMSGrad maximum
 *       v̂ ← max(v̂, v) that ZO-AdaMM's Algorithm 1 divides by ({@code amsgrad} true by default; false
 *       gives plain Adam). The moments follow torch.optim.Adam ({@link Classic#adam}), including its
 *       bias correction and ε, which ZO-AdaMM's Algorithm 1 does not have (it only rescales the first
 *       steps); the paper's projection onto a constraint set is the identity here (unconstrained).
 *       {@code lr} (1e-3), {@code betas} (0.9,0.999), {@code eps} (1e-8), {@code weight_decay} (0,
 *       coupled), {@code amsgrad} (true).</li>
 * </ul>
 */
public final class ZerothOrderOptimizers implements OptimizerFamily {
    private static final String MEZO_PAPER = "Malladi, Gao, Nichani, Damian, Lee, Chen, Arora, \"Fine-Tuning Language Models with "
            + "Just Forward Passes\", NeurIPS 2023 (arXiv 2305.17333)";

    public ZerothOrderOptimizers() {}

    @Override
    public void register(OptimizerRegistry r) {
        r.add(new OptimizerInfo("mezo",
                "MeZO: in-place seeded two-point SPSA, update by regenerating z from its seed; memory of inference, no gradient buffer",
                MEZO_PAPER, "princeton-nlp/MeZO @ 552cb1b7 large_models/trainer.py (zo_step, zo_update)", "MIT", 0, false,
                (params, grads, h) -> build("mezo", params, grads, h, null)));
        r.add(new OptimizerInfo("zo_sgd",
                "ZO-SGD: SPSA gradient estimate (central/forward/one-point; Gaussian/Rademacher/sphere) into the gradient buffer, then torch SGD",
                "Ghadimi & Lan, Stochastic First- and Zeroth-Order Methods for Nonconvex Stochastic Programming, SIAM J. Optim. 2013; "
                        + "SPSA: Spall, IEEE TAC 1992",
                "torch.optim.SGD semantics on the estimate (pytorch/pytorch)", "BSD-3-Clause", 1, false,
                (params, grads, h) -> build("zo_sgd", params, grads, h, null)));
        r.add(new OptimizerInfo("zo_adam",
                "ZO-AdaMM: SPSA gradient estimate into the gradient buffer, then Adam moments with the AMSGrad maximum (amsgrad=false: plain Adam)",
                "Chen, Liu, Xu, Li, Lin, Hong, Cox, ZO-AdaMM: Zeroth-Order Adaptive Momentum Method for Black-Box Optimization, NeurIPS 2019 (arXiv 1910.06513)",
                "paper Algorithm 1; moments as torch.optim.Adam(amsgrad=True) (pytorch/pytorch)", "BSD-3-Clause", 3, false,
                (params, grads, h) -> build("zo_adam", params, grads, h, null)));
    }

    /** Builds {@code name} bound to {@code objective} (used by {@code step()}); unknown hyperparameters are refused. */
    public static Optimizer create(String name, ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        java.util.Objects.requireNonNull(objective, "objective");
        Optimizer o = build(name, params, grads, hyper, objective);
        hyper.checkAllUsed(name);
        return o;
    }

    private static Optimizer build(String name, ParamSet params, float[] grads, HyperParams h, Objective given) {
        double mu = h.getDouble("mu", 1e-3);
        int q = h.getInt("q", 1);
        long seed = seed(h);
        DirectionKind kind = DirectionKind.parse("direction", h.getString("direction", "gaussian"));
        Hyper.positive("mu", mu);
        Hyper.positiveCount("q", q);
        switch (name) {
            case "mezo" -> {
                double lr = h.getDouble("lr", 1e-6);
                double wd = h.getDouble("weight_decay", 0);
                Hyper.nonNegative("lr", lr);
                Hyper.nonNegative("weight_decay", wd);
                Objective f = given;
                return new Mezo(params, f, lr, mu, wd, q, seed, kind);
            }
            case "zo_sgd", "zo_adam" -> {
                SpsaEstimator.Scheme scheme = SpsaEstimator.Scheme.parse("scheme", h.getString("scheme", "central"));
                GradientTransformation tx = name.equals("zo_sgd") ? sgd(h) : adam(h);
                Objective f = given;
                return new ZoOptimizer(name, params, grads, SpsaEstimator.seeded(scheme, kind, seed, mu, q), tx, f, "lr");
            }
            default -> throw new IllegalArgumentException("unknown zeroth-order optimizer '" + name + "'; valid: mezo, zo_sgd, zo_adam");
        }
    }

    private static GradientTransformation sgd(HyperParams h) {
        return Classic.sgd(h.getDouble("lr", 1e-3), h.getDouble("momentum", 0), h.getDouble("dampening", 0),
                h.getBool("nesterov", false), h.getDouble("weight_decay", 0));
    }

    private static GradientTransformation adam(HyperParams h) {
        double[] b = h.getBetas(0.9, 0.999);
        if (h.asMap().containsKey("betas")) {
            if (!(b[0] >= 0 && b[0] < 1 && b[1] >= 0 && b[1] < 1)) {
                throw new IllegalArgumentException("betas must both be in [0, 1), got " + h.asMap().get("betas"));
            }
        } else {
            Hyper.unitInterval("beta1", b[0]);
            Hyper.unitInterval("beta2", b[1]);
        }
        double eps = h.getDouble("eps", 1e-8);
        Hyper.positive("eps", eps);
        return Classic.adam(h.getDouble("lr", 1e-3), b[0], b[1], eps, h.getDouble("weight_decay", 0), h.getBool("amsgrad", true));
    }

    private static long seed(HyperParams h) {
        String v = h.getString("seed", "0");
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be an integer, got '" + v + "'");
        }
    }
}
