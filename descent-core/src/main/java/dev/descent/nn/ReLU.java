package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** {@code max(0, x)} element-wise, as {@code torch.nn.ReLU}; the gradient at 0 is 0 (PyTorch's choice). */
public final class ReLU extends Module implements Layer {
    @Override
    public Variable forward(Variable x) { return F.relu(x); }
}
