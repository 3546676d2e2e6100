package dev.descent.optim;

/**
 * XGrad — weight prediction around a gradient-based optimizer (Guan, Li, Shi, Meng, "XGrad: Boosting
 * Gradient-Based Optimizers With Weight Prediction", arXiv 2305.18240; seed 001). The gradient of
 * every step is taken at weights predicted {@code s} steps ahead by the base optimizer's own update
 * rule, while the base optimizer keeps updating the true weights.
 *
 * <p>The paper predicts, before each mini-batch, θ̂ = θ_t − s·η·Δ_t, where Δ_t is the base
 * optimizer's step direction computed from its current state (for SGD with momentum the velocity, for
 * Adam/AdamW m̂/(√v̂ + ε) with its decay term) and evaluates forward and backward at θ̂; the update is
 * then applied to the cached true weights θ_t. A gradient transformation cannot evaluate a gradient,
 * so this port moves the prediction to the end of the previous update:
 * <pre>
 *   (the model buffer holds θ̂_t = θ_t + s·u_t, so the gradient g arrives evaluated there)
 *   u_{t+1} = base.update(g)                 (the base sees the true θ_t in the model buffer)
 *   θ_{t+1} = θ_t + u_{t+1}                  (kept exactly in the state buffer {@code weights})
 *   emitted update: (1 + s)·u_{t+1}, so the model buffer becomes θ̂_{t+1} = θ_{t+1} + s·u_{t+1}
 * </pre>
 * Choice where the paper is open for a generic base: the predicted direction is the base's latest
 * update u_{t+1} itself, i.e. the base rule applied once more with its current moments and no new
 * gradient. For SGD with momentum (torch semantics, u = −η·buf) this is exactly the paper's
 * prediction; for Adam(W) it equals −η·m̂/(√v̂+ε) (− ηλθ) with the moments of the latest step, the
 * decay term taken on θ_t rather than θ_{t+1} (a difference of order η²λ). At t = 0 no update exists
 * yet, so the first gradient is taken at θ₀ (as in the paper, where m = v = 0 predicts θ₀).
 *
 * <p>With s = 0 the trajectory is bit-identical to the base optimizer's. Because the model buffer
 * holds the <em>predicted</em> weights between steps, evaluate or save the true weights with
 * {@link #trueWeights} / {@link #copyTrueWeights}. Like {@link Transforms#lookahead}, the true weights
 * are copied from the model at {@link GradientTransformation#init}: load a model before creating the
 * optimizer, or restore the optimizer state with it. Before delegating, {@code update} writes the
 * true weights back into the model buffer (the one place a transformation here writes the
 * parameters), so the base and any later transformation in a chain see θ_t.
 *
 * <p>State: buffer {@code weights} (1 float per parameter) plus the base's state as child
 * {@code base}; scalar {@code prediction_steps}. Defaults in the registry ({@code xgrad}): base
 * AdamW with torch's defaults η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2, and s = 1 (the paper's
 * experiments predict one step ahead).
 */
public final class XGrad {
    private XGrad() {}

    public static GradientTransformation xgrad(GradientTransformation base, double predictionSteps) {
        Hyper.nonNegative("prediction_steps", predictionSteps);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                float[] w = st.newBuffer("weights", params.elements());
                float[] p = params.values();
                for (ParamSlot s : params.slots()) System.arraycopy(p, s.offset(), w, s.stateOffset(), s.size());
                st.define("prediction_steps", predictionSteps);
                st.addChild("base", base.init(params));
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float[] w = state.buffer("weights");
                float[] p = params.values();
                float s = (float) state.get("prediction_steps");
                for (ParamSlot slot : params.slots()) System.arraycopy(w, slot.stateOffset(), p, slot.offset(), slot.size());
                base.update(u, state.child("base"), params);
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float d = u[off + i];
                        w[so + i] = w[so + i] + d;
                        u[off + i] = d + s * d;
                    }
                });
            }
        };
    }

    /** The true (not predicted) weights of an {@link #xgrad} state, in the parameter set's state layout. */
    public static float[] trueWeights(OptState xgradState) {
        return xgradState.buffer("weights");
    }

    /** Writes the true weights into {@code dst}, which has the model buffer's layout (e.g. a copy of the values). */
    public static void copyTrueWeights(OptState xgradState, ParamSet params, float[] dst) {
        float[] w = trueWeights(xgradState);
        for (ParamSlot s : params.slots()) System.arraycopy(w, s.stateOffset(), dst, s.offset(), s.size());
    }
}
