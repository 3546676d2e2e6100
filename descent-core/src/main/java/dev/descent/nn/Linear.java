package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** {@code y = x Wᵀ + b}, weight {@code [out, in]} as in {@code torch.nn.Linear}; the bias is optional. */
public final class Linear extends Module {
    public final Parameter weight;
    public final Parameter bias;

    public Linear(int in, int out, boolean bias) {
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
    }

    public Variable forward(Variable x) {
        return F.linear(x, weight, bias);
    }
}
