package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** The exact (erf) GELU {@code x·Φ(x)} element-wise, as {@code torch.nn.GELU()} (approximate='none'). */
public final class GELU extends Module implements Layer {
    @Override
    public Variable forward(Variable x) { return F.gelu(x); }
}
