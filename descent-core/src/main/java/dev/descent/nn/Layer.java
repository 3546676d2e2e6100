package dev.descent.nn;

import dev.descent.autograd.Variable;

/**
 * A module with one input and one output ({@code Linear}, {@code LayerNorm}, {@code Dropout}, a
 * transformer block). Parents call their children through this interface, looked up by name at
 * forward time, so a child replaced before flattening ({@link Module#replace}) by another layer (an
 * adapter around it, a quantized version) is the one that runs.
 */
public interface Layer {
    Variable forward(Variable x);
}
