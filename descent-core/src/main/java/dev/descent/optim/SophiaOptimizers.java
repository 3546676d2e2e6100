package dev.descent.optim;

/**
 * Registers {@code sophiag} and {@code sophiah} ({@link Sophia}). Both need a
 * {@link CurvatureEstimator}: by name they take it from the {@link Curvature} argument of
 * {@link OptimizerRegistry#create(String, ParamSet, float[], HyperParams, Curvature)} (a training
 * loop passes {@code objective.curvature()}); programmatically, {@link #withEstimator} builds them
 * with an explicit one.
 *
 * <p>Hyperparameters (defaults):
 * <ul>
 *   <li>{@code sophiag}: {@code lr} (1e-4), {@code betas} (0.965,0.99), {@code rho} (0.04),
 *       {@code weight_decay} (0.1), {@code bs} (1), {@code hess_interval} (10) — the reference's
 *       {@code SophiaG} defaults, except bs: the reference's 5120 multiplies an EMA of ĝ⊙ĝ, while the
 *       Gauss–Newton–Bartlett estimator here already includes the batch factor.</li>
 *   <li>{@code sophiah}: {@code lr} (1e-4), {@code betas} (0.965,0.99), {@code rho} (0.01, the
 *       paper's γ), {@code eps} (1e-12), {@code weight_decay} (0.1), {@code hess_interval} (10).</li>
 * </ul>
 * Weight decay applies to parameters of rank ≥ 2 (the reference GPT-2 scripts' grouping: biases,
 * LayerNorm gains and vectors are not decayed). The records {@link SophiaGHyper} and {@link SophiaHHyper}
 * hold these defaults and checks; every value is checked (binding the record) before the estimator is
 * looked up, so a bad setting is reported as such.
 */
public final class SophiaOptimizers implements OptimizerFamily {
    private static final String PAPER = "Liu, Li, Hall, Liang, Ma, \"Sophia: A Scalable Stochastic Second-order Optimizer "
            + "for Language Model Pre-training\", ICLR 2024 (arXiv 2305.14342)";

    @Override
    public void register(OptimizerRegistry registry) {
        // State per parameter: m, h and the estimate scratch; SophiaH's Hutchinson estimator adds its probe.
        registry.add(new OptimizerInfo("sophiag",
                "SophiaG: EMA of gradients over rho*bs*EMA of Gauss-Newton-Bartlett diagonal curvature, clipped to [-1,1]; "
                        + "curvature refreshed every hess_interval steps",
                PAPER, "Liuhong99/Sophia @ a7e15722 sophia.py (SophiaG), train_sophiag.py", "MIT", 3, false,
                OptimizerFactory.withCurvature(SophiaGHyper.SPEC, (params, grads, h, curvature) ->
                        sophiag(params, grads, h, require("sophiag", true, curvature)))));
        registry.add(new OptimizerInfo("sophiah",
                "SophiaH: EMA of gradients over max(rho*EMA of Hutchinson diagonal Hessian, eps), clipped to [-1,1]; "
                        + "curvature refreshed every hess_interval steps",
                PAPER, "paper algorithm (Hutchinson variant; not in Liuhong99/Sophia, whose code is MIT)", "none (no reference code)", 4, false,
                OptimizerFactory.withCurvature(SophiaHHyper.SPEC, (params, grads, h, curvature) ->
                        sophiah(params, grads, h, require("sophiah", false, curvature)))));
    }

    /** SophiaG from its record with an explicit curvature estimator (weight decay on parameters of rank ≥ 2). */
    public static Optimizer sophiag(ParamSet params, float[] grads, SophiaGHyper h, CurvatureEstimator estimator) {
        return new TransformOptimizer("sophiag", params, grads, Sophia.sophiag(h.lr(), h.beta1(), h.beta2(), h.rho(), h.weightDecay(), h.bs(),
                h.hessInterval(), ParamSlot::isMatrix, estimator));
    }

    /** SophiaH from its record with an explicit curvature estimator (weight decay on parameters of rank ≥ 2). */
    public static Optimizer sophiah(ParamSet params, float[] grads, SophiaHHyper h, CurvatureEstimator estimator) {
        return new TransformOptimizer("sophiah", params, grads, Sophia.sophiah(h.lr(), h.beta1(), h.beta2(), h.rho(), h.eps(), h.weightDecay(),
                h.hessInterval(), ParamSlot::isMatrix, estimator));
    }

    /**
     * A factory for {@code "sophiag"} or {@code "sophiah"} that uses {@code estimator} whatever
     * curvature it is given; same hyperparameters as the registered entries.
     */
    public static OptimizerFactory withEstimator(String name, CurvatureEstimator estimator) {
        java.util.Objects.requireNonNull(estimator, "estimator");
        return switch (name) {
            case "sophiag" -> OptimizerFactory.of(SophiaGHyper.SPEC, (params, grads, h) -> sophiag(params, grads, h, estimator));
            case "sophiah" -> OptimizerFactory.of(SophiaHHyper.SPEC, (params, grads, h) -> sophiah(params, grads, h, estimator));
            default -> throw new IllegalArgumentException("unknown Sophia variant '" + name + "'; valid: sophiag, sophiah");
        };
    }

    /** Builds {@code name} with an explicit estimator and refuses unknown hyperparameter names. */
    public static Optimizer create(String name, ParamSet params, float[] grads, HyperParams hyper, CurvatureEstimator estimator) {
        Optimizer o = withEstimator(name, estimator).create(params, grads, hyper);
        hyper.checkAllUsed(name);
        return o;
    }

    private static CurvatureEstimator require(String optimizer, boolean gaussNewton, Curvature curvature) {
        CurvatureEstimator est = gaussNewton ? curvature.gaussNewtonBartlett() : curvature.hutchinson();
        if (est == null) {
            String kind = gaussNewton ? "a Gauss-Newton-Bartlett curvature estimator" : "a Hutchinson (Hessian) curvature estimator";
            throw new IllegalStateException(optimizer + " needs a curvature estimator: " + kind + " passed with OptimizerRegistry.create(name, "
                    + "params, grads, hyper, curvature) (a training loop passes objective.curvature()), or built with "
                    + "SophiaOptimizers.withEstimator(\"" + optimizer + "\", estimator)");
        }
        return est;
    }
}
