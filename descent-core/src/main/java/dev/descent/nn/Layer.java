package dev.descent.nn;

import dev.descent.autograd.Variable;

/**
 * A module with one input and one output, {@code y = forward(x)}: what {@link Sequential} chains.
 * Linear, LayerNorm, Dropout and the activations are layers; a module with another signature
 * (an {@link Embedding}, which takes token ids) is called directly.
 */
public abstract class Layer extends Module {
    protected Layer() {}

    public abstract Variable forward(Variable x);
}
