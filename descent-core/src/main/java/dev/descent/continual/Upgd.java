package dev.descent.continual;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.OptState;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Philox;

/**
 * Utility-based perturbed gradient descent (Elsayed &amp; Mahmood, "Addressing loss of plasticity and
 * catastrophic forgetting in continual learning", ICLR 2024), the first-order global variant of the
 * authors' code: {@code FirstOrderGlobalUPGD} in {@code core/optim/weight_upgd/first_order.py} of
 * mohmdelsayed/upgd at commit 998f48b616ab7126324c2c3ccd6531ee83bbd81f.
 *
 * <p>Per step t (1-based), for every weight with gradient g and value θ:
 * <pre>
 *   U ← β_u·U + (1 − β_u)·(−g·θ)                       (first-order utility trace)
 *   m = max U over every weight of the set              (global, before bias correction)
 *   ū = sigmoid((U / (1 − β_u^t)) / m)                  (scaled utility in (0, 1))
 *   θ ← (1 − ηλ)·θ − η·(g + σ·ξ)·(1 − ū),  ξ ~ N(0, 1)
 * </pre>
 * Useful weights (ū near 1) are protected from both the gradient and the noise; useless ones (ū
 * near 0) get the full gradient and are perturbed, which restores their plasticity. As a
 * transformation this writes u = (g + σξ)(1 − ū) + λθ, and the learning rate follows
 * ({@code chain(upgd(...), scaleByLearningRate(η))} gives the update above exactly).
 *
 * <p>Noise: ξ for the set's element at state offset k is element k of Philox stream
 * (seed, "continual/upgd") derived by t, so it does not depend on threads or the slot layout.
 * Hyperparameter defaults of the reference class: β_u = 0, σ = 1, λ = 0; {@link Strategies} chooses
 * its own for the small models here (see there). State: buffer {@code utility}; scalars
 * {@code beta_utility}, {@code sigma}, {@code weight_decay}, {@code count}.
 */
public final class Upgd {
    private Upgd() {}

    public static GradientTransformation transformation(double betaUtility, double sigma, double weightDecay, long seed) {
        if (!(betaUtility >= 0 && betaUtility < 1)) throw new IllegalArgumentException("beta_utility must be in [0, 1), got " + betaUtility);
        if (!(sigma >= 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("sigma must be >= 0, got " + sigma);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        Philox noise = Philox.stream(seed, "continual/upgd");
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("utility", params.elements());
                st.define("beta_utility", betaUtility);
                st.define("sigma", sigma);
                st.define("weight_decay", weightDecay);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                double beta = state.get("beta_utility");
                float s = (float) state.get("sigma");
                float wd = (float) state.get("weight_decay");
                long t = state.increment("count");
                float[] util = state.buffer("utility");
                float[] xi = state.cached("noise", () -> new float[params.elements()]);
                float[] theta = params.values();
                float b = (float) beta;
                float max = Float.NEGATIVE_INFINITY;
                for (ParamSlot slot : params.slots()) {
                    for (int i = 0; i < slot.size(); i++) {
                        int k = slot.stateOffset() + i;
                        util[k] = b * util[k] + (1 - b) * (-u[slot.offset() + i] * theta[slot.offset() + i]);
                        max = Math.max(max, util[k]);
                    }
                }
                noise.derive(t).fillGaussian(xi, 0, xi.length, 0);
                float correction = (float) (1 - Math.pow(beta, t));
                for (ParamSlot slot : params.slots()) {
                    for (int i = 0; i < slot.size(); i++) {
                        int k = slot.stateOffset() + i;
                        int o = slot.offset() + i;
                        double scaled = 1 / (1 + Math.exp(-((util[k] / correction) / max)));
                        u[o] = (float) ((u[o] + s * xi[k]) * (1 - scaled)) + wd * theta[o];
                    }
                }
            }
        };
    }
}
