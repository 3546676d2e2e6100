package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/**
 * {@code y = x Wᵀ + b}, weight {@code [out, in]} as in {@code torch.nn.Linear}; the bias is optional.
 * Parameters start at zero: {@link Init#torchDefault} (or the model that owns the layer) initialises them.
 */
public final class Linear extends Layer {
    public final Parameter weight;
    public final Parameter bias;

    /** A layer with a bias (PyTorch's default {@code bias=True}). */
    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Linear(int in, int out, boolean bias) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear sizes must be >= 1, got in=" + in + ", out=" + out);
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
    }

    @Override
    public Variable forward(Variable x) {
        return F.linear(x, weight, bias);
    }
}
