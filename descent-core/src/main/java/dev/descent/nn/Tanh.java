package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** {@code tanh(x)} element-wise, as {@code torch.nn.Tanh}. */
public final class Tanh extends Module implements Layer {
    @Override
    public Variable forward(Variable x) { return F.tanh(x); }
}
