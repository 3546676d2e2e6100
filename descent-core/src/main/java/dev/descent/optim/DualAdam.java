package dev.descent.optim;

/**
 * InvAdam and DualAdam ("DualAdam: Combining Adam and its Echo Update Mechanism to Enhance
 * Generalization"), with the semantics of the reference {@code DualAdam} class (LongJin-lab/DualAdam
 * @ e40133b6, {@code DualAdam.py}; the repository states no license).
 *
 * <p>One <em>global</em> step counter t (t = 1 first, incremented once per update for all parameters)
 * drives both the bias corrections and the hand-over weight r_t, computed in double exactly as the
 * reference does:
 * <pre>
 *   r_t = max(0, 1 − t·s)                          (s = switch_rate)
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   m̂ = m / (1 − β₁ᵗ),  D = √(v / (1 − β₂ᵗ)) + ε   (ε after bias correction)
 *   A = m̂ / D   (Adam),   I = m̂ ⊙ D   (InvAdam, the "echo" update)
 *   θ ← θ − η λ θ                                   (decoupled, on the pre-update θ, when λ ≠ 0)
 *   θ ← θ − η [(1 − r_t) A + r_t I]    if r_t ≥ s
 *   θ ← θ − η A                        otherwise (exactly Adam(W) from t > (1 − s)/s on)
 * </pre>
 * {@link #invAdam} is the r ≡ 1 case: θ ← θ − η m̂ ⊙ D. Defaults (reference constructor): η = 1e-3,
 * β = (0.9, 0.999), ε = 1e-8, λ = 0, s = 0.01 (the paper's experiments use s = 8e-5 and η = 1e-2).
 * State: buffers {@code exp_avg}, {@code exp_avg_sq}; scalars {@code lr}, {@code b1}, {@code b2},
 * {@code eps}, {@code weight_decay}, {@code switch_rate} (DualAdam only), {@code count}.
 */
public final class DualAdam {
    private DualAdam() {}

    /** DualAdam: InvAdam handing over linearly to Adam over ≈ 1/s steps. */
    public static GradientTransformation dualAdam(double lr, double b1, double b2, double eps, double weightDecay, double switchRate) {
        Hyper.nonNegative("switch_rate", switchRate);
        return make(lr, b1, b2, eps, weightDecay, switchRate, false);
    }

    /** InvAdam alone: θ ← θ − η m̂ ⊙ (√v̂ + ε) (plus decoupled decay). */
    public static GradientTransformation invAdam(double lr, double b1, double b2, double eps, double weightDecay) {
        return make(lr, b1, b2, eps, weightDecay, 0, true);
    }

    private static GradientTransformation make(double lr, double b1, double b2, double eps, double weightDecay,
                                               double switchRate, boolean invOnly) {
        Hyper.nonNegative("lr", lr);
        AdamMoments.checkHypers(b1, b2, eps, weightDecay);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = AdamMoments.init(params, lr, b1, b2, eps, weightDecay);
                if (!invOnly) st.define("switch_rate", switchRate);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                long t = state.increment("count");
                double eta = state.get("lr");
                double beta1 = state.get("b1");
                double beta2 = state.get("b2");
                double r;
                if (invOnly) {
                    r = 1;
                } else {
                    double s = state.get("switch_rate");
                    r = Math.max(0.0, 1.0 - t * s);
                    if (!(r >= s)) r = 0; // pure Adam once r_t < s (compared in double, as the reference)
                }
                float wInv = (float) r;
                float wAdam = (float) (1 - r);
                float bc1 = (float) (1 - Math.pow(beta1, t));
                float bc2 = (float) (1 - Math.pow(beta2, t));
                float fb1 = (float) beta1;
                float fb2 = (float) beta2;
                float c1 = (float) (1 - beta1);
                float c2 = (float) (1 - beta2);
                float e = (float) state.get("eps");
                float lrF = (float) eta;
                float decay = (float) (eta * state.get("weight_decay"));
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
                        float mh = mi / bc1;
                        float d = (float) Math.sqrt(vi / bc2) + e;
                        float dir = (wAdam != 0 ? wAdam * (mh / d) : 0f) + (wInv != 0 ? wInv * (mh * d) : 0f);
                        u[off + i] = -decay * p[off + i] - lrF * dir;
                    }
                });
            }
        };
    }
}
