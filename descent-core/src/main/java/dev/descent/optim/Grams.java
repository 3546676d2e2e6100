package dev.descent.optim;

/**
 * Grams — Gradient Descent with Adaptive Momentum Scaling (Cao, Li, Song, arXiv 2412.17107), with the
 * semantics of the reference {@code Grams} class (Gunale0926/Grams @ f91a375d, {@code grams/src/grams.py},
 * Apache-2.0). The direction of each coordinate comes from the current gradient, the magnitude from
 * Adam's |update|.
 *
 * <p>At step t (t = 1 first), per element:
 * <pre>
 *   θ ← θ − η λ θ                                  (decoupled decay on the pre-update θ; skipped when λ = 0)
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   α = η · √(1 − β₂ᵗ) / (1 − β₁ᵗ)                  (α = η without bias correction)
 *   θ ← θ − α · sign(g) · |m| / (√v + ε)           (ε on the uncorrected √v; sign(0) = 0)
 * </pre>
 * Defaults (the reference constructor's): η = 1e-3, β = (0.9, 0.999), ε = 1e-6, λ = 0,
 * correct_bias = true. The reference overwrites the caller's gradient with sign(g)|m|; here the
 * gradient buffer becomes the update, as for every transformation, and nothing else is touched.
 *
 * <p>Emitted update: {@code u = −ηλθ − α sign(g)|m|/(√v+ε)}. State: buffers {@code exp_avg},
 * {@code exp_avg_sq}; scalars {@code lr}, {@code b1}, {@code b2}, {@code eps}, {@code weight_decay},
 * {@code correct_bias} (0/1), {@code count}.
 */
public final class Grams {
    private Grams() {}

    public static GradientTransformation grams(double lr, double b1, double b2, double eps, double weightDecay, boolean correctBias) {
        Hyper.nonNegative("lr", lr);
        AdamMoments.checkHypers(b1, b2, eps, weightDecay);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = AdamMoments.init(params, lr, b1, b2, eps, weightDecay);
                st.define("correct_bias", correctBias ? 1 : 0);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                long t = state.increment("count");
                double eta = state.get("lr");
                double beta1 = state.get("b1");
                double beta2 = state.get("b2");
                double step = state.get("correct_bias") != 0
                        ? eta * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)) : eta;
                float fb1 = (float) beta1;
                float fb2 = (float) beta2;
                // 1 − β in double, rounded once (as Adam): in float, 1 − (float) 0.999 is off by 1.3e-5 relative
                float c1 = (float) (1 - beta1);
                float c2 = (float) (1 - beta2);
                float e = (float) state.get("eps");
                float decay = (float) (eta * state.get("weight_decay"));
                float alpha = (float) step;
                float[] m = state.buffer("exp_avg");
                float[] v = state.buffer("exp_avg_sq");
                float[] p = params.values();
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float g = u[off + i];
                        float mi = fb1 * m[so + i] + c1 * g;
                        float vi = fb2 * v[so + i] + c2 * g * g;
                        m[so + i] = mi;
                        v[so + i] = vi;
                        float dir = Math.signum(g) * Math.abs(mi) / ((float) Math.sqrt(vi) + e);
                        u[off + i] = -decay * p[off + i] - alpha * dir;
                    }
                });
            }
        };
    }
}
