package dev.descent.bench.problems;

import dev.descent.tensor.Philox;

/**
 * Minibatch indices drawn without replacement within each epoch, as a shuffling data loader does,
 * but as a pure function of (seed, step) so that any step's batch can be recomputed on its own.
 *
 * <p>The index sequence is the concatenation π₀ π₁ π₂ … of random permutations of 0..n−1, where
 * π_e is the Fisher–Yates shuffle {@link Philox#permutation} of the Philox stream
 * {@code stream(seed, "data/train").derive(e)} (swap partner of position i is uniform integer i of
 * that stream, in [0, i]). The batch of step t is positions [t·B, t·B + B) of that sequence: every
 * example is seen once per epoch, and a batch that straddles an epoch boundary takes the tail of one
 * permutation and the head of the next (no example is dropped, and n need not be a multiple of B).
 * The latest permutation is cached; since it is a pure function of (seed, epoch), the cache never
 * changes a result.
 */
public final class EpochSampler {
    private final int rows;
    private final int batchSize;
    private final Philox stream;
    private long cachedEpoch = -1;
    private int[] cached;

    /**
     * @param rows      number of training examples n
     * @param batchSize examples per batch B (may exceed n: the batch then spans several epochs)
     * @param seed      keys the shuffles
     */
    public EpochSampler(int rows, int batchSize, long seed) {
        if (rows < 1) throw new IllegalArgumentException("rows must be positive, got " + rows);
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be positive, got " + batchSize);
        this.rows = rows;
        this.batchSize = batchSize;
        this.stream = Philox.stream(seed, "data/train");
    }

    public int batchSize() { return batchSize; }

    /** The example indices of step {@code step} (≥ 0), in order. */
    public int[] batch(long step) {
        int[] out = new int[batchSize];
        batch(step, out);
        return out;
    }

    /**
     * Writes the example indices of step {@code step} (≥ 0) into {@code out} (length {@link #batchSize()}),
     * so that a training loop can reuse one buffer for every step.
     */
    public void batch(long step, int[] out) {
        if (step < 0) throw new IllegalArgumentException("step must be non-negative, got " + step);
        if (out.length != batchSize) throw new IllegalArgumentException("out has length " + out.length + ", batch_size is " + batchSize);
        long position = step * batchSize;
        for (int k = 0; k < batchSize; k++, position++) {
            out[k] = permutation(position / rows)[(int) (position % rows)];
        }
    }

    /** π_e, the shuffle of epoch {@code epoch}. */
    public int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            cached = stream.derive(epoch).permutation(rows);
            cachedEpoch = epoch;
        }
        return cached;
    }
}
