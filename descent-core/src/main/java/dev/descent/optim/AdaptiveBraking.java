package dev.descent.optim;

import dev.descent.tensor.Reductions;

/**
 * Adaptive Braking on SGD with momentum (Venigalla, Kosson, Chiley, Köster, "Adaptive Braking for
 * Mitigating Gradient Delay", arXiv 2007.01397; seed 001): the gradient is scaled by a factor that
 * depends on its alignment with the velocity, so a gradient that opposes the motion (the overshoot of
 * an oscillation along a high-curvature direction, made worse by gradient delay) pushes harder and a
 * gradient that agrees with the accumulated velocity pushes less.
 *
 * <p>At every step, per parameter tensor (torch.optim.SGD conventions: coupled decay, dampening 0):
 * <pre>
 *   g ← g + λ θ                                   (coupled weight decay, when λ ≠ 0)
 *   cos = ⟨g, b⟩ / (‖g‖ ‖b‖)                       (b = the momentum buffer before this step; cos = 0 if either is 0)
 *   g ← (1 − ρ · cos) · g                         (the braking factor, in [1 − ρ, 1 + ρ])
 *   b ← μ b + g
 *   θ ← θ − η b
 * </pre>
 * Choices where the abstract leaves the method open (no reference code was available): the factor
 * is 1 − ρ·cos(g, b) with the velocity taken as the momentum buffer b (the direction the parameters
 * move against), computed over each whole parameter tensor (one factor per tensor, as a layer-wise
 * optimizer would); weight decay enters the gradient before braking (it is part of the gradient of
 * the regularised loss); the first step, with b = 0, is plain SGD. Defaults: ρ = 1 (the factor stays
 * in [0, 2], so braking never reverses a gradient; larger ρ is allowed), μ = 0.9, η = 0.1 (the usual
 * ResNet/CIFAR SGD rate), λ = 0.
 *
 * <p>State: buffer {@code momentum_buffer}; scalars {@code lr}, {@code momentum}, {@code rho},
 * {@code weight_decay}, {@code count}.
 */
public final class AdaptiveBraking {
    private AdaptiveBraking() {}

    public static GradientTransformation sgdm(double lr, double momentum, double rho, double weightDecay) {
        Hyper.nonNegative("lr", lr);
        Hyper.unitInterval("momentum", momentum);
        Hyper.nonNegative("rho", rho);
        Hyper.nonNegative("weight_decay", weightDecay);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("momentum_buffer", params.elements());
                st.defineLearningRate(lr);
                st.define("momentum", momentum);
                st.define("rho", rho);
                st.define("weight_decay", weightDecay);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                state.increment("count");
                float eta = (float) state.get("lr");
                float mu = (float) state.get("momentum");
                double r = state.get("rho");
                float wd = (float) state.get("weight_decay");
                float[] b = state.buffer("momentum_buffer");
                float[] p = params.values();
                float[] factor = state.cached("braking.factor", () -> {
                    int max = 0;
                    for (ParamSlot s : params.slots()) max = Math.max(max, s.index());
                    return new float[max + 1];
                });
                if (wd != 0) {
                    params.forEachPiece((slot, off, so, n) -> {
                        for (int i = 0; i < n; i++) u[off + i] = u[off + i] + wd * p[off + i];
                    });
                }
                for (ParamSlot s : params.slots()) {
                    double gb = dot(u, s.offset(), b, s.stateOffset(), s.size());
                    double gg = Reductions.sumOfSquares(u, s.offset(), s.size());
                    double bb = Reductions.sumOfSquares(b, s.stateOffset(), s.size());
                    double cos = gg > 0 && bb > 0 ? gb / (Math.sqrt(gg) * Math.sqrt(bb)) : 0;
                    factor[s.index()] = (float) (1 - r * cos);
                }
                params.forEachPiece((slot, off, so, n) -> {
                    float a = factor[slot.index()];
                    for (int i = 0; i < n; i++) {
                        float bi = mu * b[so + i] + a * u[off + i];
                        b[so + i] = bi;
                        u[off + i] = -eta * bi;
                    }
                });
            }
        };
    }

    /** ⟨x, y⟩ with float lanes inside blocks of 4096 and the blocks summed in double. */
    static double dot(float[] x, int xo, float[] y, int yo, int n) {
        double total = 0;
        for (int start = 0; start < n; start += 4096) {
            total += Reductions.dot(x, xo + start, y, yo + start, Math.min(4096, n - start));
        }
        return total;
    }
}
