package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/**
 * Layer normalisation over the last dimension with a gain and an optional bias (nanoGPT's
 * {@code LayerNorm(ndim, bias)}; PyTorch's own has no "gain only" switch), eps 1e-5.
 */
public final class LayerNorm extends Module {
    public static final float EPS = 1e-5f;
    public final Parameter weight;
    public final Parameter bias;

    public LayerNorm(int dim, boolean bias) {
        this.weight = parameter("weight", ParameterRole.NORM_GAIN, dim);
        this.bias = bias ? parameter("bias", ParameterRole.BIAS, dim) : null;
        weight.value().fill(1f);
    }

    public Variable forward(Variable x) {
        return F.layerNorm(x, weight, bias, EPS);
    }
}
