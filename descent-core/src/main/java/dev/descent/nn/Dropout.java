package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** Inverted dropout with probability {@code p}, active only in training mode. */
public final class Dropout extends Module implements Layer {
    private final float p;
    private final DropoutStreams streams;

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
