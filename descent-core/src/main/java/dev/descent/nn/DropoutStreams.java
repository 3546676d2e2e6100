package dev.descent.nn;

import dev.descent.tensor.Philox;

/**
 * Where dropout masks come from: a counter-based stream keyed by (seed, "dropout"), derived per
 * training step and per dropout call within the step. A step's masks therefore depend only on the
 * seed and the step number, so a resumed run draws exactly the masks the uninterrupted one would.
 */
public final class DropoutStreams {
    private final Philox root;
    private Philox step;
    private long call;

    public DropoutStreams(long seed) {
        this.root = Philox.stream(seed, "dropout");
        this.step = root.derive(0);
    }

    /** Starts the masks of training step {@code n}. */
    public void beginStep(long n) {
        step = root.derive(n);
        call = 0;
    }

    /** The stream for the next dropout call of this step. */
    public Philox next() {
        return step.derive(call++);
    }
}
