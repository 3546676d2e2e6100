package dev.descent.optim;

import java.util.function.Predicate;

/**
 * Sophia, "Second-order Clipped Stochastic Optimization" (Liu, Li, Hall, Liang, Ma, "Sophia: A
 * Scalable Stochastic Second-order Optimizer for Language Model Pre-training", ICLR 2024): momentum
 * divided by an EMA of a diagonal curvature estimate refreshed every k steps, clipped element-wise.
 * The curvature comes from a {@link CurvatureEstimator} — extra forward/backward work the optimizer
 * triggers on refresh steps, at the parameters before the step's update.
 *
 * <p>{@link #scaleBySophiaG} follows the reference code {@code Liuhong99/Sophia} @ a7e15722
 * ({@code sophia.py}, {@code SophiaG}; MIT). At step t (t = 1 first), per element,
 * <pre>
 *   if t > 1 and (t − 1) mod k = 0:  h ← β₂ h + (1 − β₂) ĥ      (ĥ from the estimator, at the current θ)
 *   m ← β₁ m + (1 − β₁) g
 *   u = sign(m) · min(|m| / (ρ · bs · h + 1e-15), 1)           (= clip(m / (ρ·bs·h + 1e-15), 1))
 * </pre>
 * The refresh schedule is the training script's: the reference refreshes h after the steps with
 * {@code iter_num % k == k − 1}, i.e. the new h is first used by steps k+1, 2k+1, …; steps 1…k use
 * h = 0, where u = sign(m). No bias correction of m or h. The reference keeps the EMA of ĝ ⊙ ĝ and
 * multiplies by the token count as {@code bs} in its step; a {@link GaussNewtonBartlettEstimator}
 * here already returns B · ĝ ⊙ ĝ, so use {@code bs = 1} with it (the registry default) and a
 * reference-style {@code bs} only with an estimator that returns ĝ ⊙ ĝ. Either way ρ·bs·h is the
 * reference's denominator.
 *
 * <p>{@link #scaleBySophiaH} is the paper's algorithm with the Hutchinson estimate (not in the
 * reference repository; spec {@code 06_sophia.md}, marked there as paper-level):
 * <pre>
 *   if (t − 1) mod k = 0:  h ← β₂ h + (1 − β₂) ĥ       (refresh on steps 1, k+1, 2k+1, …: the paper's "t mod k = 1")
 *   m ← β₁ m + (1 − β₁) g
 *   u = clip(m / max(ρ h, ε), 1),   clip(z, 1) = max(min(z, 1), −1)
 * </pre>
 * The max with ε (not the reference's "+ 1e-15") keeps the denominator positive when the Hutchinson
 * estimate, and so h, is negative; there u = ±1 (a sign step). ρ here is the paper's γ.
 *
 * <p>{@link #sophiag} and {@link #sophiah} add the decoupled weight decay and the learning rate:
 * θ ← θ − η (u + λ θ), i.e. the reference's θ ← θ(1 − ηλ) followed by θ ← θ − η u, both on the
 * pre-update θ. States: buffers {@code exp_avg} (m) and {@code hessian} (h); scalars {@code b1},
 * {@code b2}, {@code rho}, {@code bs} (SophiaG) or {@code eps} (SophiaH), {@code hess_interval} (k),
 * {@code count}; plus a scratch buffer for the estimate (one float per model parameter, not saved).
 */
public final class Sophia {
    private Sophia() {}

    private static final Object SCRATCH = new Object();

    /** The SophiaG direction (reference code), with {@link #sophiag}'s hyperparameters. */
    public static GradientTransformation scaleBySophiaG(double b1, double b2, double rho, double bs, int hessInterval,
                                                         CurvatureEstimator estimator) {
        checkCommon(b1, b2, rho, hessInterval, estimator);
        Hyper.positive("bs", bs);
        return new Direction(false, b1, b2, rho, bs, hessInterval, estimator);
    }

    /** The SophiaH direction (paper, Hutchinson estimate), with {@link #sophiah}'s hyperparameters. */
    public static GradientTransformation scaleBySophiaH(double b1, double b2, double rho, double eps, int hessInterval,
                                                         CurvatureEstimator estimator) {
        checkCommon(b1, b2, rho, hessInterval, estimator);
        Hyper.positive("eps", eps);
        return new Direction(true, b1, b2, rho, eps, hessInterval, estimator);
    }

    /**
     * SophiaG: {@code chain(scaleBySophiaG, addDecayedWeights(λ, decayMask), scaleByLearningRate(η))}.
     * Reference defaults: η = 1e-4, β = (0.965, 0.99), ρ = 0.04, λ = 0.1, k = 10; GPT-2 small used
     * η = 6e-4, ρ = 0.05, λ = 0.2.
     *
     * @param estimator normally a {@link GaussNewtonBartlettEstimator} (then bs = 1)
     */
    public static GradientTransformation sophiag(double lr, double b1, double b2, double rho, double weightDecay, double bs,
                                                 int hessInterval, Predicate<ParamSlot> decayMask, CurvatureEstimator estimator) {
        return Transforms.chain(scaleBySophiaG(b1, b2, rho, bs, hessInterval, estimator),
                Transforms.addDecayedWeights(weightDecay, decayMask), Transforms.scaleByLearningRate(lr));
    }

    /**
     * SophiaH: {@code chain(scaleBySophiaH, addDecayedWeights(λ, decayMask), scaleByLearningRate(η))}.
     * Paper-level defaults (secondary sources): ρ (γ) = 0.01, ε = 1e-12, β = (0.965, 0.99), k = 10.
     *
     * @param estimator normally a {@link HutchinsonEstimator}
     */
    public static GradientTransformation sophiah(double lr, double b1, double b2, double rho, double eps, double weightDecay,
                                                 int hessInterval, Predicate<ParamSlot> decayMask, CurvatureEstimator estimator) {
        return Transforms.chain(scaleBySophiaH(b1, b2, rho, eps, hessInterval, estimator),
                Transforms.addDecayedWeights(weightDecay, decayMask), Transforms.scaleByLearningRate(lr));
    }

    private static void checkCommon(double b1, double b2, double rho, int hessInterval, CurvatureEstimator estimator) {
        Hyper.unitInterval("beta1", b1);
        Hyper.unitInterval("beta2", b2);
        Hyper.nonNegative("rho", rho);
        Hyper.positiveCount("hess_interval", hessInterval);
        java.util.Objects.requireNonNull(estimator, "estimator");
    }

    /** One transformation for both variants; they differ in the refresh schedule and the denominator. */
    private static final class Direction implements GradientTransformation {
        private final boolean hutchinson;
        private final double b1;
        private final double b2;
        private final double rho;
        private final double scaleOrEps;
        private final int hessInterval;
        private final CurvatureEstimator estimator;

        Direction(boolean hutchinson, double b1, double b2, double rho, double scaleOrEps, int hessInterval,
                  CurvatureEstimator estimator) {
            this.hutchinson = hutchinson;
            this.b1 = b1;
            this.b2 = b2;
            this.rho = rho;
            this.scaleOrEps = scaleOrEps;
            this.hessInterval = hessInterval;
            this.estimator = estimator;
        }

        @Override
        public OptState init(ParamSet params) {
            OptState st = new OptState();
            st.newBuffer("exp_avg", params.elements());
            st.newBuffer("hessian", params.elements());
            st.define("b1", b1);
            st.define("b2", b2);
            st.define("rho", rho);
            st.define(hutchinson ? "eps" : "bs", scaleOrEps);
            st.define("hess_interval", hessInterval);
            st.define("count", 0);
            // The estimate is written in the model's layout, so the scratch spans the whole buffer.
            st.cached(SCRATCH, () -> new float[params.values().length]);
            return st;
        }

        @Override
        public void update(float[] u, OptState state, ParamSet params) {
            long t = state.increment("count");
            long k = (long) state.get("hess_interval");
            boolean refresh = hutchinson ? (t - 1) % k == 0 : t > 1 && (t - 1) % k == 0;
            if (refresh) refreshHessian(state, params, t);
            float beta1 = (float) state.get("b1");
            // 1 − β in double, then rounded (as torch's alpha = 1 − beta): 1 − 0.99f would be off by 1e-6 relative.
            float c1 = (float) (1 - state.get("b1"));
            float[] m = state.buffer("exp_avg");
            float[] h = state.buffer("hessian");
            if (hutchinson) {
                float gamma = (float) state.get("rho");
                float eps = (float) state.get("eps");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float mi = beta1 * m[so + i] + c1 * u[off + i];
                        m[so + i] = mi;
                        float z = mi / Math.max(gamma * h[so + i], eps);
                        u[off + i] = Math.max(-1f, Math.min(1f, z));
                    }
                });
            } else {
                float rhoBs = (float) (state.get("rho") * state.get("bs"));
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float mi = beta1 * m[so + i] + c1 * u[off + i];
                        m[so + i] = mi;
                        float ratio = Math.min(Math.abs(mi) / (rhoBs * h[so + i] + 1e-15f), 1f);
                        u[off + i] = Math.signum(mi) * ratio;
                    }
                });
            }
        }

        private void refreshHessian(OptState state, ParamSet params, long t) {
            float[] est = state.cached(SCRATCH, () -> new float[params.values().length]);
            estimator.estimate(params.values(), est, t);
            float beta2 = (float) state.get("b2");
            float c2 = (float) (1 - state.get("b2"));
            float[] h = state.buffer("hessian");
            params.forEachPiece((slot, off, so, n) -> {
                for (int i = 0; i < n; i++) h[so + i] = beta2 * h[so + i] + c2 * est[off + i];
            });
        }
    }
}
