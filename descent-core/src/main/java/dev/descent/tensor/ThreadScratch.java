package dev.descent.tensor;

/**
 * A float array per thread that a kernel reuses from one call to the next, for scratch that lives
 * only inside one call or one chunk of its work (the GEMM's packed block of op(B), a block of Φ(x),
 * a row of x̂, a T x T attention block). New arrays there were about half of what a training step
 * still allocated once its activations came from an {@link dev.descent.autograd.ActivationArena}
 * (0.4 MB per step at the nanoGPT recipe's size), which filled the young generation every few
 * thousand steps and cost a 100+ ms collection.
 *
 * <p>Each kernel keeps its own instance per scratch role, so two roles used at once never share an
 * array. An array grows to the largest length asked for on its thread and stays that size; its
 * contents are whatever the thread's previous call left, so the kernel writes every element it
 * reads. The threads are the caller and the fixed pool of {@link Parallel}, so the memory is a few
 * arrays per role.
 */
public final class ThreadScratch {
    private final ThreadLocal<float[]> arrays = ThreadLocal.withInitial(() -> new float[0]);

    /** This thread's array of at least {@code length} floats; its contents are not cleared. */
    public float[] floats(int length) {
        float[] a = arrays.get();
        if (a.length < length) {
            a = new float[length];
            arrays.set(a);
        }
        return a;
    }
}
