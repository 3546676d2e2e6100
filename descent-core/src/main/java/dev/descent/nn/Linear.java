package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/**
 * {@code y = x Wᵀ + b}, weight {@code [out, in]} as in {@code torch.nn.Linear}; the bias is optional.
 * The weight's role is {@link ParameterRole#HIDDEN_MATRIX} unless the model says otherwise (an output
 * head passes {@link ParameterRole#HEAD}); the bias is a {@link ParameterRole#BIAS}. Parameters start at
 * zero: {@link Init#torchDefault} (or the model that owns the layer) initialises them.
 */
public final class Linear extends Module implements LinearLayer {
    public final Parameter weight;
    public final Parameter bias;

    /** A layer with a bias (PyTorch's default {@code bias=True}). */
    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, ParameterRole.HIDDEN_MATRIX);
    }

    /** A layer whose weight has role {@code weightRole} (e.g. {@link ParameterRole#HEAD} for an output head). */
    public Linear(int in, int out, boolean bias, ParameterRole weightRole) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear sizes must be >= 1, got in=" + in + ", out=" + out);
        this.weight = parameter("weight", weightRole, out, in);
        this.bias = bias ? parameter("bias", ParameterRole.BIAS, out) : null;
    }

    @Override
    public Variable forward(Variable x) {
        return F.linear(x, weight, bias);
    }

    /** The weight's second dimension. */
    @Override
    public int inFeatures() { return weight.shape()[1]; }

    /** The weight's first dimension. */
    @Override
    public int outFeatures() { return weight.shape()[0]; }
}
