package dev.descent.autograd;

import dev.descent.tensor.Parallel;
import dev.descent.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The float buffers of a computation graph's activations and gradients, reused from one step to the
 * next, so that a training loop in its steady state allocates no tensor storage per operation.
 *
 * <p>A graph uses an arena when its first operation is given one (for example
 * {@link F#embedding(Variable, int[], ActivationArena)}); every result computed from a value that
 * uses an arena takes its output, its gradient and its saved buffers from the same arena. The
 * owner of the arena (a training objective) calls {@link #reset()} before each new forward pass:
 * every buffer handed out since the previous reset becomes free again, and the tensors of the
 * previous graph must no longer be read. During {@link Variable#backward()} the gradient of each
 * intermediate value goes back to the arena as soon as that value's backward has run, so later
 * gradients of the same size reuse it within the same pass.
 *
 * <p>Buffers are kept in free lists keyed by their exact length (a transformer asks for a handful of
 * distinct sizes). {@link #zeros} and {@link #buffer} zero-fill a reused buffer, as a new array is,
 * so the arithmetic of an operation does not depend on where its memory came from; gradients, which
 * operations add into, must come from these. An operation that writes every element of its output
 * before it reads any (a GEMM with β = 0, an element-wise map, a row-wise normalisation) takes it
 * from {@link #unzeroed} or {@link #unzeroedBuffer} instead: the zeros would all be overwritten, so
 * skipping the fill changes no result, and saves one pass over the output's memory. After the first step
 * the arena holds the activations of one forward pass plus the gradients alive at once during its
 * backward pass, and lends them out again each step. An arena serves one graph at a time on the
 * thread that builds it (the kernels' worker threads only write into buffers they are given).
 */
public final class ActivationArena {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final IdentityHashMap<float[], Boolean> lent = new IdentityHashMap<>();
    private long bytes;

    /** A zero-filled tensor of {@code shape} whose storage comes from this arena. */
    public Tensor zeros(int... shape) {
        return Tensor.of(buffer(Tensor.sizeOf(shape)), shape);
    }

    /**
     * A zero-filled array of exactly {@code length} floats, lent until the next {@link #reset()}.
     * The fill is split over the kernel threads: every gradient of a step is filled here, and on one
     * thread those fills were a single-core pass over most of the arena each step.
     */
    public float[] buffer(int length) {
        float[] b = unzeroedBuffer(length);
        Parallel.forRange(length, FILL_GRAIN, (from, to) -> Arrays.fill(b, from, to, 0f));
        return b;
    }

    /** Floats per chunk below which a fill stays on one thread. */
    private static final int FILL_GRAIN = 1 << 16;

    /**
     * A tensor of {@code shape} from this arena whose contents are left as they are: zeros when the
     * buffer is new, otherwise whatever its previous user wrote. Only for an output that its
     * operation overwrites in full before anything reads it.
     */
    public Tensor unzeroed(int... shape) {
        return Tensor.of(unzeroedBuffer(Tensor.sizeOf(shape)), shape);
    }

    /**
     * An array of exactly {@code length} floats, lent until the next {@link #reset()}, not zero-filled
     * (see {@link #unzeroed}): the caller writes every element before reading any.
     */
    public float[] unzeroedBuffer(int length) {
        ArrayDeque<float[]> list = free.get(length);
        float[] b = list == null ? null : list.pollLast();
        if (b == null) {
            b = new float[length];
            bytes += 4L * length;
        }
        lent.put(b, Boolean.TRUE);
        return b;
    }

    /**
     * Takes back the storage of {@code t} before the next reset, when nothing reads it any more (a
     * consumed gradient). Storage the arena did not lend, or already took back, is ignored.
     */
    void recycle(Tensor t) {
        float[] b = t.data();
        if (lent.remove(b) != null) free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addLast(b);
    }

    /** Makes every lent buffer free again: the tensors of the previous graph must no longer be used. */
    public void reset() {
        for (float[] b : lent.keySet()) free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addLast(b);
        lent.clear();
    }

    /** Bytes of storage the arena owns (lent and free). */
    public long bytes() { return bytes; }

    /** Drops every free buffer (lent ones stay lent), e.g. after a larger batch, so the memory can be collected. */
    public void trim() {
        for (ArrayDeque<float[]> list : free.values()) {
            for (float[] b : list) bytes -= 4L * b.length;
        }
        free.clear();
    }
}
