package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.Classic;
import dev.descent.optim.GradientTransformation;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerFactory;
import dev.descent.optim.OptimizerFamily;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.SgdHyper;

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
 * The records {@link MezoHyper}, {@link ZoSgdHyper} and {@link ZoAdamHyper} hold these defaults and checks.
 *
 * <p>{@code ar1_zo} ({@link Ar1Zo}, {@link Ar1ZoHyper}) is built by {@link #create} and by the trainer
 * but is not in the optimizer registry: it needs the LoRA atom structure (and, for its default
 * topology scaling, the adapter modules), which a registry factory — given only a parameter set, and
 * exercised by the shared battery on problems without adapters — does not have.
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
                OptimizerFactory.of(MezoHyper.SPEC, (params, grads, h) -> mezo(params, h, null))));
        r.add(new OptimizerInfo("zo_sgd",
                "ZO-SGD: SPSA gradient estimate (central/forward/one-point; Gaussian/Rademacher/sphere) into the gradient buffer, then torch SGD",
                "Ghadimi & Lan, Stochastic First- and Zeroth-Order Methods for Nonconvex Stochastic Programming, SIAM J. Optim. 2013; "
                        + "SPSA: Spall, IEEE TAC 1992",
                "torch.optim.SGD semantics on the estimate (pytorch/pytorch)", "BSD-3-Clause", 1, false,
                OptimizerFactory.of(ZoSgdHyper.SPEC, (params, grads, h) -> zoSgd(params, grads, h, null))));
        r.add(new OptimizerInfo("zo_adam",
                "ZO-AdaMM: SPSA gradient estimate into the gradient buffer, then Adam moments with the AMSGrad maximum (amsgrad=false: plain Adam)",
                "Chen, Liu, Xu, Li, Lin, Hong, Cox, ZO-AdaMM: Zeroth-Order Adaptive Momentum Method for Black-Box Optimization, NeurIPS 2019 (arXiv 1910.06513)",
                "paper Algorithm 1; moments as torch.optim.Adam(amsgrad=True) (pytorch/pytorch)", "BSD-3-Clause", 3, false,
                OptimizerFactory.of(ZoAdamHyper.SPEC, (params, grads, h) -> zoAdam(params, grads, h, null))));
    }

    /** Builds {@code name} bound to {@code objective} (used by {@code step()}); unknown hyperparameters are refused. */
    public static Optimizer create(String name, ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        java.util.Objects.requireNonNull(objective, "objective");
        Optimizer o = switch (name) {
            case "mezo" -> mezo(params, MezoHyper.SPEC.bind(hyper), objective);
            case "zo_sgd" -> zoSgd(params, grads, ZoSgdHyper.SPEC.bind(hyper), objective);
            case "zo_adam" -> zoAdam(params, grads, ZoAdamHyper.SPEC.bind(hyper), objective);
            case "ar1_zo" -> ar1Zo(params, LoraAtoms.fromSlots(params), Ar1ZoHyper.SPEC.bind(hyper), objective);
            default -> throw new IllegalArgumentException("unknown zeroth-order optimizer '" + name + "'; valid: mezo, zo_sgd, zo_adam, ar1_zo");
        };
        hyper.checkAllUsed(name);
        return o;
    }

    /** MeZO from its record; {@code objective} is used by {@code step()} (null: {@code step(objective)} only). */
    public static Mezo mezo(ParamSet params, MezoHyper h, Objective objective) {
        return new Mezo(params, objective, h.lr(), h.mu(), h.weightDecay(), h.q(), h.seed(), h.direction());
    }

    /**
     * AR1-ZO from its record over the LoRA atoms {@code atoms} of {@code params}; {@code objective} is used by
     * {@code step()} (null: {@code step(objective)} only). Built by name, the atoms come from the slot names
     * ({@link LoraAtoms#fromSlots}), which lack the modules' scale handles: scaling=topology then needs
     * {@link LoraAtoms#of} (the trainer passes it).
     */
    public static Ar1Zo ar1Zo(ParamSet params, LoraAtoms atoms, Ar1ZoHyper h, Objective objective) {
        return new Ar1Zo(atoms, params.values(), objective, h.lr(), h.mu(), h.seed(), h.atomOrder(), h.scaling());
    }

    /** ZO-SGD from its record; {@code objective} is used by {@code step()} (null: {@code step(objective)} only). */
    public static ZoOptimizer zoSgd(ParamSet params, float[] grads, ZoSgdHyper h, Objective objective) {
        SgdHyper s = h.sgd();
        return zo("zo_sgd", params, grads, h.spsa(), Classic.sgd(s.lr(), s.momentum(), s.dampening(), s.nesterov(), s.weightDecay()), objective);
    }

    /** ZO-AdaMM from its record; {@code objective} is used by {@code step()} (null: {@code step(objective)} only). */
    public static ZoOptimizer zoAdam(ParamSet params, float[] grads, ZoAdamHyper h, Objective objective) {
        return zo("zo_adam", params, grads, h.spsa(), Classic.adam(h.adam()), objective);
    }

    private static ZoOptimizer zo(String name, ParamSet params, float[] grads, SpsaHyper e, GradientTransformation tx, Objective objective) {
        // the last argument is ZoOptimizer's learning-rate path, which TransformOptimizer no longer looks up
        return new ZoOptimizer(name, params, grads, SpsaEstimator.seeded(e.scheme(), e.direction(), e.seed(), e.mu(), e.q()), tx, objective, "lr");
    }
}
