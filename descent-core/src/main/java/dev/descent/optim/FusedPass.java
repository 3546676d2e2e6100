package dev.descent.optim;

import dev.descent.tensor.Parallel;
import java.util.Arrays;

/**
 * One pass of an element-wise fused optimizer over a {@link ParamSet}: the set's state range is
 * split across threads by element count ({@link Parallel#forChunks}, fixed bounds), and each chunk
 * runs the body on its pieces of the slots it covers. Unlike {@link ParamSet#forEachPiece} with a
 * fresh lambda per step, the chunk body is made once here, so a pass on one thread allocates
 * nothing; the optimizer passes its per-step scalars through its own fields.
 */
final class FusedPass {
    /** A piece of slot {@code slot} (its index in the set): {@code n} elements at model offset {@code off}, state offset {@code so}. */
    @FunctionalInterface
    interface Piece {
        void run(int slot, int off, int so, int n);
    }

    private final ParamSlot[] slots;
    private final int elements;
    private final Parallel.ChunkBody chunk;

    FusedPass(ParamSet params, Piece body) {
        this.slots = params.slots().toArray(new ParamSlot[0]);
        this.elements = params.elements();
        this.chunk = (c, from, to) -> {
            for (int i = 0; i < slots.length; i++) {
                ParamSlot s = slots[i];
                int start = Math.max(from, s.stateOffset());
                int end = Math.min(to, s.stateOffset() + s.size());
                if (start < end) body.run(i, s.offset() + (start - s.stateOffset()), start, end - start);
            }
        };
    }

    void run() {
        Parallel.forChunks(elements, 1 << 15, chunk);
    }

    ParamSlot[] slots() { return slots; }

    /** Zeroes the gradients of the set's parameters. */
    void zero(float[] grads) {
        for (ParamSlot s : slots) Arrays.fill(grads, s.offset(), s.offset() + s.size(), 0f);
    }

    static void checkGrads(ParamSet params, float[] grads) {
        if (grads.length != params.values().length) {
            throw new IllegalArgumentException("grads has " + grads.length + " values, the parameter buffer " + params.values().length);
        }
    }

    /** Copies saved tensors into an optimizer's state views; names and shapes must match. */
    static void restore(java.util.Map<String, dev.descent.tensor.Tensor> into, java.util.Map<String, dev.descent.tensor.Tensor> saved) {
        for (var e : into.entrySet()) {
            dev.descent.tensor.Tensor src = saved.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("optimizer state is missing '" + e.getKey() + "'");
            if (!src.sameShape(e.getValue())) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' has shape "
                        + Arrays.toString(src.shape()) + ", expected " + Arrays.toString(e.getValue().shape()));
            }
            e.getValue().copyFrom(src);
        }
    }
}
