package dev.descent.zo;

/**
 * Per-thread scratch for regenerating directions in pieces: a piece of z and the four Philox words
 * of a block. One per thread, created on first use, so perturbation passes allocate nothing.
 */
final class Scratch {
    /** Elements of z generated at a time (small enough to stay in L1 next to the parameters). */
    static final int PIECE = 2048;

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    final float[] z = new float[PIECE];
    final int[] words = new int[4];

    private Scratch() {}

    static Scratch get() { return CURRENT.get(); }
}
