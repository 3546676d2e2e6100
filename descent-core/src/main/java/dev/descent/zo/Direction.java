package dev.descent.zo;

/**
 * One random direction z ∈ ℝᵈ that is never stored: element i is regenerated on demand from the
 * counter-based generator, so perturbing, undoing and updating can each walk the parameters again
 * and see exactly the same numbers. Implementations are pure functions of the index; filling a
 * range in pieces gives the same values as filling it at once, whatever the split.
 */
public interface Direction {
    /**
     * Writes z[start], …, z[start + n − 1] into {@code out[off, off + n)} using {@code scratch} (the
     * calling thread's; see {@link Passes}); allocates nothing.
     */
    void fill(float[] out, int off, int n, long start, Scratch scratch);

    /** {@link #fill(float[], int, int, long, Scratch)} with a scratch of its own (allocates it: for tests and one-off uses). */
    default void fill(float[] out, int off, int n, long start) {
        fill(out, off, n, start, new Scratch());
    }

    /** Element {@code i} (for tests and examples; allocates). */
    default float value(long i) {
        float[] one = new float[1];
        fill(one, 0, 1, i);
        return one[0];
    }
}
