package dev.descent.optim;

import dev.descent.tensor.Reductions;

/**
 * MARS — Make vAriance Reduction Shine (Yuan, Liu, Wu, Zhou, Gu, "MARS: Unleashing the Power of
 * Variance Reduction for Training Large Models", arXiv 2411.10438), approximate mode, in its AdamW
 * and Lion instances, with the semantics of the reference {@code MARS} optimizer (AGI-Arena/MARS
 * @ 4831e28e, {@code MARS/optimizers/mars.py}, Apache-2.0).
 *
 * <p>Parameters with exactly two dimensions (all parameters with {@code optimize_1d}) take the MARS
 * path; at step t (t = 1 first), per parameter tensor:
 * <pre>
 *   c = g + γ · β₁/(1 − β₁) · (g − g_prev)          (g_prev = previous step's gradient, 0 at t = 1)
 *   c ← c / ‖c‖₂  if ‖c‖₂ > 1                       (norm over the whole tensor)
 *   m ← β₁ m + (1 − β₁) c
 *   MARS-AdamW: v ← β₂ v + (1 − β₂) c²;  D = (√v / √(1 − β₂ᵗ) + ε)(1 − β₁ᵗ)   (AMSGrad: max of v)
 *               θ ← θ − η (λ θ + m / D)
 *   MARS-Lion:  θ ← θ − η (λ θ + sign(m))          (sign(0) = 0; β₂ unused)
 * </pre>
 * Every other parameter (vectors, and 3-D/4-D tensors, as in the reference) takes plain AdamW with
 * {@code betas_1d}, decay {@code weight_decay_1d} and learning rate η·(lr_1d/lr₀), where lr₀ is the
 * learning rate at construction (so a schedule on η rescales it proportionally, as the reference's
 * fixed {@code lr_1d_factor} does):
 * <pre>
 *   m ← β₁′ m + (1 − β₁′) g;  v ← β₂′ v + (1 − β₂′) g²
 *   θ ← θ − η (lr_1d/lr₀) (λ₁ θ + m / ((√v / √(1 − β₂′ᵗ) + ε)(1 − β₁′ᵗ)))
 * </pre>
 * The reference keeps a <em>reference</em> to the caller's gradient as g_prev (zeroed in place by the
 * next {@code zero_grad}); this port keeps a copy in the state buffer {@code last_grad}, which is what
 * the method describes. Only the approximate mode exists: the exact mode needs the gradient of the
 * previous iterate on the current batch (a second backward), which a gradient transformation cannot
 * obtain, so {@code is_approx=false} is refused. MARS-Shampoo is not part of this class.
 *
 * <p>Defaults (reference constructor): η = 3e-3, β = (0.95, 0.99), ε = 1e-8, λ = 0, γ = 0.025,
 * amsgrad = false, optimize_1d = false, lr_1d = 3e-3, betas_1d = (0.9, 0.95), weight_decay_1d = 0.1.
 * η must be > 0 (the reference divides lr_1d by it). State: buffers {@code exp_avg},
 * {@code exp_avg_sq}, {@code last_grad} (and {@code max_exp_avg_sq}); scalars {@code lr}, {@code b1},
 * {@code b2}, {@code eps}, {@code weight_decay}, {@code gamma}, {@code optimize_1d},
 * {@code lr_1d_factor}, {@code b1_1d}, {@code b2_1d}, {@code weight_decay_1d}, {@code count}.
 */
public final class Mars {
    private Mars() {}

    /** Which update the MARS path uses. */
    public enum Type { ADAMW, LION }

    /** Settings of the non-MARS (AdamW) path. */
    public record OneD(boolean optimize1d, double lr1d, double beta1, double beta2, double weightDecay) {
        public static OneD defaults() { return new OneD(false, 3e-3, 0.9, 0.95, 0.1); }
    }

    public static GradientTransformation mars(Type type, double lr, double b1, double b2, double eps, double weightDecay,
                                              double gamma, boolean amsgrad, OneD oneD) {
        Hyper.positive("lr", lr);
        AdamMoments.checkHypers(b1, b2, eps, weightDecay);
        Hyper.nonNegative("gamma", gamma);
        Hyper.nonNegative("lr_1d", oneD.lr1d());
        Hyper.unitInterval("beta1_1d", oneD.beta1());
        Hyper.unitInterval("beta2_1d", oneD.beta2());
        Hyper.nonNegative("weight_decay_1d", oneD.weightDecay());
        boolean lion = type == Type.LION;
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = AdamMoments.init(params, lr, b1, b2, eps, weightDecay);
                st.newBuffer("last_grad", params.elements());
                if (amsgrad) st.newBuffer("max_exp_avg_sq", params.elements());
                st.define("gamma", gamma);
                st.define("optimize_1d", oneD.optimize1d() ? 1 : 0);
                st.define("lr_1d_factor", oneD.lr1d() / lr);
                st.define("b1_1d", oneD.beta1());
                st.define("b2_1d", oneD.beta2());
                st.define("weight_decay_1d", oneD.weightDecay());
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                long t = state.increment("count");
                double eta = state.get("lr");
                double beta1 = state.get("b1");
                double beta2 = state.get("b2");
                boolean all = state.get("optimize_1d") != 0;
                float fb1 = (float) beta1;
                float fb2 = (float) beta2;
                // 1 − β in double, rounded once (as Adam): in float, 1 − (float) 0.99 is off by 1e-6 relative
                // and 1 − (float) 0.999 by 1.3e-5
                float c1 = (float) (1 - beta1);
                float c2 = (float) (1 - beta2);
                float k = (float) (state.get("gamma") * (beta1 / (1 - beta1)));
                float e = (float) state.get("eps");
                float lrF = (float) eta;
                float wd = (float) state.get("weight_decay");
                float bc1 = (float) (1 - Math.pow(beta1, t));
                float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
                double b11d = state.get("b1_1d");
                double b21d = state.get("b2_1d");
                float fb11 = (float) b11d;
                float fb21 = (float) b21d;
                float c11 = (float) (1 - b11d);
                float c21 = (float) (1 - b21d);
                float lr1 = (float) (eta * state.get("lr_1d_factor"));
                float wd1 = (float) state.get("weight_decay_1d");
                float bc11 = (float) (1 - Math.pow(b11d, t));
                float bc21Sqrt = (float) Math.sqrt(1 - Math.pow(b21d, t));
                float[] m = state.buffer("exp_avg");
                float[] v = state.buffer("exp_avg_sq");
                float[] last = state.buffer("last_grad");
                float[] vmax = amsgrad ? state.buffer("max_exp_avg_sq") : null;
                float[] p = params.values();
                // Per-slot divisor for the clipped c (1 when ‖c‖ ≤ 1), indexed by the slot's model index.
                float[] divisor = state.cached("mars.divisor", () -> {
                    int max = 0;
                    for (ParamSlot s : params.slots()) max = Math.max(max, s.index());
                    return new float[max + 1];
                });

                // Pass 1: c into the update buffer on MARS slots; every slot's gradient copied into last_grad.
                params.forEachPiece((slot, off, so, n) -> {
                    boolean marsPath = all || slot.rank() == 2;
                    for (int i = 0; i < n; i++) {
                        float g = u[off + i];
                        if (marsPath) u[off + i] = (g - last[so + i]) * k + g;
                        last[so + i] = g;
                    }
                });
                for (ParamSlot s : params.slots()) {
                    if (!(all || s.rank() == 2)) continue;
                    float norm = (float) Math.sqrt(Reductions.sumOfSquares(u, s.offset(), s.size()));
                    divisor[s.index()] = norm > 1f ? norm : 1f;
                }

                // Pass 2: moments and the update.
                params.forEachPiece((slot, off, so, n) -> {
                    if (all || slot.rank() == 2) {
                        float div = divisor[slot.index()];
                        for (int i = 0; i < n; i++) {
                            float c = div == 1f ? u[off + i] : u[off + i] / div;
                            float mi = fb1 * m[so + i] + c1 * c;
                            m[so + i] = mi;
                            float dir;
                            if (lion) {
                                dir = Math.signum(mi);
                            } else {
                                float vi = fb2 * v[so + i] + c2 * c * c;
                                v[so + i] = vi;
                                if (vmax != null) {
                                    vi = Math.max(vmax[so + i], vi);
                                    vmax[so + i] = vi;
                                }
                                dir = mi / (((float) Math.sqrt(vi) / bc2Sqrt + e) * bc1);
                            }
                            u[off + i] = -lrF * (wd * p[off + i] + dir);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            float g = u[off + i];
                            float mi = fb11 * m[so + i] + c11 * g;
                            float vi = fb21 * v[so + i] + c21 * g * g;
                            m[so + i] = mi;
                            v[so + i] = vi;
                            if (vmax != null) {
                                vi = Math.max(vmax[so + i], vi);
                                vmax[so + i] = vi;
                            }
                            float dir = mi / (((float) Math.sqrt(vi) / bc21Sqrt + e) * bc11);
                            u[off + i] = -lr1 * (wd1 * p[off + i] + dir);
                        }
                    }
                });
            }
        };
    }
}
