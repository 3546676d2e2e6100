package dev.descent.nn;

import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;

/**
 * The logistic function {@code σ(x) = 1 / (1 + e^(−x))} element-wise, as {@code torch.nn.Sigmoid}, with
 * {@code dσ/dx = σ(x)(1 − σ(x))}.
 *
 * <p>{@code e^(−|x|)} is the only exponential taken ({@code σ(x) = 1/(1 + e^(−x))} for x ≥ 0 and
 * {@code e^x/(1 + e^x)} below), so a large |x| saturates to 0 or 1 instead of overflowing. The
 * exponential is {@link StrictMath#exp}, computed in double: the same bits before and after the JIT
 * compiles this loop. {@code F} has no sigmoid; the operation lives here because only this layer uses it.
 */
public final class Sigmoid extends Module implements Layer {
    @Override
    public Variable forward(Variable x) {
        Tensor xv = x.value();
        Tensor out = Tensor.zeros(xv.shape());
        float[] y = out.data();
        for (int i = 0; i < y.length; i++) {
            double v = xv.data()[xv.offset() + i];
            double e = StrictMath.exp(-Math.abs(v));
            y[i] = (float) (v >= 0 ? 1 / (1 + e) : e / (1 + e));
        }
        return Variable.result(out, g -> {
            Tensor xg = x.gradForUpdate();
            for (int i = 0; i < y.length; i++) xg.data()[xg.offset() + i] += g.data()[g.offset() + i] * y[i] * (1 - y[i]);
        }, x);
    }
}
