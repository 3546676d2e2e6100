package dev.descent.nn;

import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** A lookup table {@code weight [rows, dim]} as {@code torch.nn.Embedding}. */
public final class Embedding extends Module {
    public final Parameter weight;

    public Embedding(int rows, int dim) {
        this.weight = parameter("weight", ParameterRole.EMBEDDING, rows, dim);
    }

    /** Rows for {@code idx}, shape {@code [idx.length, dim]}. */
    public Variable forward(int[] idx) {
        return F.embedding(weight, idx);
    }

    /** Rows for {@code idx} as the first value of a graph whose storage comes from {@code arena} (see {@link ActivationArena}). */
    public Variable forward(int[] idx, ActivationArena arena) {
        return F.embedding(weight, idx, arena);
    }
}
