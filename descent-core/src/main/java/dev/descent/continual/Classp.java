package dev.descent.continual;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.OptState;
import dev.descent.optim.ParamSet;

/**
 * CLASSP, continual learning through adjustment suppression and sparsity promotion (Ludwig, 2024),
 * after the author's {@code CLASSP_optimizer} (oswaldoludwig/CLASSP, {@code CLASSP.py} at commit
 * eebd00d0df9602d5ea39cc7282f750e3640a1c6e):
 * <pre>
 *   if g_i² &gt; τ:   S_i ← S_i + |g_i|,   u_i = g_i / (S_i + ε)^(1/p)
 *   else:         u_i = 0
 * </pre>
 * followed by the learning rate (θ ← θ − η·u). Weights that have moved often get smaller steps
 * (adjustment suppression, a generalised AdaGrad on the L1 sum of past gradients); weights whose
 * gradient is below the threshold are not touched (sparsity promotion).
 *
 * <p>Open choice: the reference tests {@code (grad ** 2).any() > threshold}, which compares a boolean
 * with τ and so updates every weight of a tensor whenever any of its gradients is non-zero; the
 * abstract describes a per-weight threshold ("updating a weight only if the loss gradient with respect
 * to that weight is above a certain threshold"), which is what this implements. The reference also
 * raises S to the power p and discards the result, so S is the plain sum of |g| as here. Reference
 * defaults: η = 0.2, τ = 0.5, ε = 1e-5, p = 1. State: buffer {@code grad_sum}; scalars
 * {@code threshold}, {@code epsilon}, {@code power}.
 */
public final class Classp {
    private Classp() {}

    public static GradientTransformation transformation(double threshold, double epsilon, double power) {
        if (!(threshold >= 0) || !Double.isFinite(threshold)) throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        if (!(power > 0) || !Double.isFinite(power)) throw new IllegalArgumentException("power must be > 0, got " + power);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("grad_sum", params.elements());
                st.define("threshold", threshold);
                st.define("epsilon", epsilon);
                st.define("power", power);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                double tau = state.get("threshold");
                double eps = state.get("epsilon");
                double inv = 1 / state.get("power");
                float[] sum = state.buffer("grad_sum");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float g = u[off + i];
                        if ((double) g * g > tau) {
                            sum[so + i] += Math.abs(g);
                            u[off + i] = (float) (g / Math.pow(sum[so + i] + eps, inv));
                        } else {
                            u[off + i] = 0f;
                        }
                    }
                });
            }
        };
    }
}
