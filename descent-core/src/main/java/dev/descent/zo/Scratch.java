package dev.descent.zo;

import dev.descent.tensor.PhiloxGaussian;

/**
 * The working memory one thread needs to regenerate directions piece by piece: a piece of z, the
 * four Philox words of a block, and a {@link PhiloxGaussian} (its own uniforms). Owned by the
 * optimizer or estimator that runs the passes, one per chunk of a parallel pass ({@link Passes}), so
 * perturbation passes allocate nothing and no state is shared between threads or between optimizers.
 * {@link Direction#fill(float[], int, int, long)} makes a temporary one for one-off uses.
 */
public final class Scratch {
    /** Elements of z generated at a time (small enough to stay in L1 next to the parameters). */
    static final int PIECE = 2048;

    /** A piece of z, {@link #PIECE} long (allocated on first use: a one-value fill never needs it). */
    private float[] z;
    final int[] words = new int[4];
    final PhiloxGaussian gaussian = new PhiloxGaussian();

    public Scratch() {}

    float[] piece() {
        if (z == null) z = new float[PIECE];
        return z;
    }
}
