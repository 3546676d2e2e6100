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
 * LayerNorm gains and vectors are not decayed).
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
                byName("sophiag")));
        registry.add(new OptimizerInfo("sophiah",
                "SophiaH: EMA of gradients over max(rho*EMA of Hutchinson diagonal Hessian, eps), clipped to [-1,1]; "
                        + "curvature refreshed every hess_interval steps",
                PAPER, "paper algorithm (Hutchinson variant; not in Liuhong99/Sophia, whose code is MIT)", "none (no reference code)", 4, false,
                byName("sophiah")));
    }

    /** The registered factory: the estimator comes from the {@link Curvature} argument. */
    private static OptimizerFactory byName(String name) {
        return new OptimizerFactory() {
            @Override
            public Optimizer create(ParamSet params, float[] grads, HyperParams hyper) {
                return create(params, grads, hyper, Curvature.NONE);
            }

            @Override
            public Optimizer create(ParamSet params, float[] grads, HyperParams hyper, Curvature curvature) {
                return build(name, params, grads, hyper, null, curvature);
            }
        };
    }

    /**
     * A factory for {@code "sophiag"} or {@code "sophiah"} that uses {@code estimator} whatever
     * curvature it is given; same hyperparameters as the registered entries.
     */
    public static OptimizerFactory withEstimator(String name, CurvatureEstimator estimator) {
        java.util.Objects.requireNonNull(estimator, "estimator");
        if (!name.equals("sophiag") && !name.equals("sophiah")) {
            throw new IllegalArgumentException("unknown Sophia variant '" + name + "'; valid: sophiag, sophiah");
        }
        return (params, grads, hyper) -> build(name, params, grads, hyper, estimator, Curvature.NONE);
    }

    /** Builds {@code name} with an explicit estimator and refuses unknown hyperparameter names. */
    public static Optimizer create(String name, ParamSet params, float[] grads, HyperParams hyper, CurvatureEstimator estimator) {
        Optimizer o = withEstimator(name, estimator).create(params, grads, hyper);
        hyper.checkAllUsed(name);
        return o;
    }

    private static Optimizer build(String name, ParamSet params, float[] grads, HyperParams hyper, CurvatureEstimator given,
                                   Curvature curvature) {
        boolean g = name.equals("sophiag");
        double lr = hyper.getDouble("lr", 1e-4);
        double[] betas = hyper.getBetas(0.965, 0.99);
        double rho = hyper.getDouble("rho", g ? 0.04 : 0.01);
        double wd = hyper.getDouble("weight_decay", 0.1);
        double bsOrEps = g ? hyper.getDouble("bs", 1) : hyper.getDouble("eps", 1e-12);
        int k = hyper.getInt("hess_interval", 10);
        // Every value is checked before the estimator is looked up, so a bad setting is reported as such.
        Hyper.nonNegative("lr", lr);
        betaInRange("beta1", 0, betas[0]);
        betaInRange("beta2", 1, betas[1]);
        Hyper.nonNegative("rho", rho);
        Hyper.nonNegative("weight_decay", wd);
        Hyper.positive(g ? "bs" : "eps", bsOrEps);
        Hyper.positiveCount("hess_interval", k);
        CurvatureEstimator est = given != null ? given : require(name, g, curvature);
        GradientTransformation tx = g
                ? Sophia.sophiag(lr, betas[0], betas[1], rho, wd, bsOrEps, k, ParamSlot::isMatrix, est)
                : Sophia.sophiah(lr, betas[0], betas[1], rho, bsOrEps, wd, k, ParamSlot::isMatrix, est);
        return new TransformOptimizer(name, params, grads, tx, "lr");
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

    private static void betaInRange(String name, int index, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " (betas[" + index + "]) must be in [0, 1), got " + v);
        }
    }
}
