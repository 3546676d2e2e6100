package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/**
 * {@code y = x Wᵀ + b}, weight {@code [out, in]} as in {@code torch.nn.Linear}; the bias is optional.
 * The weight's role is {@link ParameterRole#HIDDEN_MATRIX} unless the model says otherwise (an output
 * head passes {@link ParameterRole#HEAD}); the bias is a {@link ParameterRole#BIAS}.
 */
public final class Linear extends Module {
    public final Parameter weight;
    public final Parameter bias;

    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, ParameterRole.HIDDEN_MATRIX);
    }

    /** A layer whose weight has role {@code weightRole} (e.g. {@link ParameterRole#HEAD} for an output head). */
    public Linear(int in, int out, boolean bias, ParameterRole weightRole) {
        this.weight = parameter("weight", weightRole, out, in);
        this.bias = bias ? parameter("bias", ParameterRole.BIAS, out) : null;
    }

    public Variable forward(Variable x) {
        return F.linear(x, weight, bias);
    }
}
