package dev.descent.spark;

import dev.descent.data.TextDataset;
import dev.descent.tensor.Philox;

/**
 * The data of rank r at step k: rows [r·B/W, (r+1)·B/W) of the global batch k that
 * {@code bin/descent train} draws ({@code TextDataset.batch(tokens, B, T, (seed, "data/train"), k)}).
 * A shard is a pure function of (seed, step, rank, W), so a run is reproducible and a restarted rank
 * reads exactly what it read before; and the W shards of a step together are the single-process
 * batch, row for row.
 */
public final class Shards {
    private final int[] tokens;
    private final int batch;
    private final int block;
    private final int world;
    private final Philox order;

    /**
     * @param batch the global batch B (sequences per step), a multiple of {@code world}
     */
    public Shards(int[] tokens, int batch, int block, long seed, int world) {
        if (batch % world != 0) {
            throw new dev.descent.train.ConfigException("config key 'batch_size' = " + batch + " is not a multiple of cluster.workers = "
                    + world + "; each rank trains on batch_size / workers sequences");
        }
        this.tokens = tokens;
        this.batch = batch;
        this.block = block;
        this.world = world;
        this.order = Philox.stream(seed, "data/train");
    }

    /** B/W, the sequences of one shard. */
    public int rows() { return batch / world; }

    /** B·T, the tokens of the global batch: every shard's loss is divided by it, once. */
    public int globalTokens() { return batch * block; }

    public int block() { return block; }

    /** Rank {@code rank}'s rows of global batch {@code step}. */
    public TextDataset.Batch shard(long step, int rank) {
        if (rank < 0 || rank >= world) throw new IllegalArgumentException("rank " + rank + " outside [0, " + world + ")");
        TextDataset.Batch all = TextDataset.batch(tokens, batch, block, order, step);
        int from = rank * rows() * block;
        int n = rows() * block;
        return new TextDataset.Batch(java.util.Arrays.copyOfRange(all.x(), from, from + n),
                java.util.Arrays.copyOfRange(all.y(), from, from + n), rows(), block);
    }
}
