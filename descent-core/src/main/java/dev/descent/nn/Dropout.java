package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/**
 * Inverted dropout with probability {@code p} (as {@code torch.nn.Dropout}): in training mode each element
 * is zeroed with probability p and the others scaled by 1/(1 − p); in evaluation mode
 * ({@code train(false)}) it is the identity.
 */
public final class Dropout extends Module implements Layer {
    private final float p;
    private final DropoutStreams streams;

    /**
     * Dropout with masks of its own, drawn from {@code DropoutStreams(seed)}: each call draws a new mask, and
     * the sequence of masks depends only on the seed.
     */
    public Dropout(float p, long seed) {
        this(p, new DropoutStreams(seed));
    }

    /** Dropout whose masks come from {@code streams}, shared with the model's other dropouts and advanced per training step. */
    public Dropout(float p, DropoutStreams streams) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        this.p = p;
        this.streams = streams;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) return x;
        return F.dropout(x, p, streams.next());
    }
}
