package dev.descent.optim;

/**
 * The Adam family as gradient transformations.
 *
 * <p>{@link #scaleByAdam}: at step t (t = 1 first), per element,
 * <pre>
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   u = m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
 * </pre>
 * as optax.scale_by_adam (eps_root = 0). With {@code amsgrad}, v̂ uses the running maximum of v
 * (torch.optim.Adam(amsgrad=True): the maximum of the raw second moments, bias-corrected after).
 * State: buffers {@code mu}, {@code nu} (and {@code nu_max}), scalars {@code b1}, {@code b2},
 * {@code eps}, {@code count}.
 */
public final class Adam {
    private Adam() {}

    public static GradientTransformation scaleByAdam(double b1, double b2, double eps, boolean amsgrad) {
        Hyper.unitInterval("beta1", b1);
        Hyper.unitInterval("beta2", b2);
        Hyper.nonNegative("eps", eps);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("mu", params.elements());
                st.newBuffer("nu", params.elements());
                if (amsgrad) st.newBuffer("nu_max", params.elements());
                st.define("b1", b1);
                st.define("b2", b2);
                st.define("eps", eps);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                long t = state.increment("count");
                float beta1 = (float) state.get("b1");
                float beta2 = (float) state.get("b2");
                // 1 − β in double: in float, 1 − (float) 0.999 is off by 1.3e-5 relative
                float c1 = (float) (1 - state.get("b1"));
                float c2 = (float) (1 - state.get("b2"));
                float e = (float) state.get("eps");
                float bc1 = (float) (1 - Math.pow(state.get("b1"), t));
                float bc2 = (float) (1 - Math.pow(state.get("b2"), t));
                float[] m = state.buffer("mu");
                float[] v = state.buffer("nu");
                float[] vmax = amsgrad ? state.buffer("nu_max") : null;
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float g = u[off + i];
                        float mi = beta1 * m[so + i] + c1 * g;
                        float vi = beta2 * v[so + i] + c2 * g * g;
                        m[so + i] = mi;
                        v[so + i] = vi;
                        if (vmax != null) {
                            vi = Math.max(vmax[so + i], vi);
                            vmax[so + i] = vi;
                        }
                        u[off + i] = (mi / bc1) / ((float) Math.sqrt(vi / bc2) + e);
                    }
                });
            }
        };
    }

    /**
     * AdamW composed: {@code chain(scaleByAdam, addDecayedWeights(λ, mask), scaleByLearningRate(η))}
     * — optax.adamw. The same mathematics as the fused {@link AdamW} (torch.optim.AdamW), with
     * rounding in a different order.
     */
    public static GradientTransformation adamw(double lr, double b1, double b2, double eps, double weightDecay,
                                               java.util.function.Predicate<ParamSlot> decayMask) {
        return Transforms.chain(scaleByAdam(b1, b2, eps, false), Transforms.addDecayedWeights(weightDecay, decayMask),
                Transforms.scaleByLearningRate(lr));
    }
}
