package dev.descent.zo;

import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Parallel;
import java.util.List;

/**
 * Parallel passes over a parameter set (or a plain index range) that regenerate directions, each
 * chunk of a pass with its own {@link Scratch}. The scratches belong to this object, and an
 * optimizer or estimator keeps one {@code Passes} for its passes: nothing is per-thread or static,
 * so two optimizers run side by side on two threads without sharing anything. Not for concurrent
 * use by two callers (an optimizer's passes run one after the other).
 *
 * <p>Chunks are the contiguous parts {@link Parallel} makes of the range; every body here computes
 * each element alone, so results do not depend on the split.
 */
public final class Passes {
    /** Elements per parallel chunk, at least. */
    static final int GRAIN = 1 << 14;

    /** Scratch of chunk c at index c; grows (in the caller's thread, before a pass) with the chunk count. */
    private Scratch[] scratch = new Scratch[0];

    /** A body over the half-open range [from, to) with the scratch of its chunk. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to, Scratch scratch);
    }

    /**
     * A piece of one slot: {@code length} elements at model offset {@code offset} (index into the
     * parameter and gradient buffers) and set offset {@code stateOffset} (index into the set's own
     * dense layout, which keys the directions), with the scratch of its chunk.
     */
    @FunctionalInterface
    public interface PieceBody {
        void run(ParamSlot slot, int offset, int stateOffset, int length, Scratch scratch);
    }

    /** Runs {@code body} over [0, n) in chunks of at least {@code grain} indices, split over the threads. */
    public void forRange(int n, int grain, RangeBody body) {
        int chunks = Parallel.chunkCount(n, grain);
        if (chunks == 0) return;
        Scratch[] s = scratches(chunks);
        Parallel.split(n, chunks, (c, from, to) -> body.run(from, to, s[c]));
    }

    /**
     * Runs {@code body} over every element of {@code set}: its dense range [0, elements) split into
     * chunks, each chunk cut at slot boundaries.
     */
    public void forEachPiece(ParamSet set, PieceBody body) {
        List<ParamSlot> slots = set.slots();
        forRange(set.elements(), GRAIN, (from, to, sc) -> {
            for (ParamSlot s : slots) {
                int start = Math.max(from, s.stateOffset());
                int end = Math.min(to, s.stateOffset() + s.size());
                if (start < end) body.run(s, s.offset() + (start - s.stateOffset()), start, end - start, sc);
            }
        });
    }

    private Scratch[] scratches(int chunks) {
        if (scratch.length < chunks) {
            Scratch[] grown = java.util.Arrays.copyOf(scratch, chunks);
            for (int c = scratch.length; c < chunks; c++) grown[c] = new Scratch();
            scratch = grown;
        }
        return scratch;
    }
}
