package dev.descent.nn;

/**
 * The keys and values a {@link Gpt} has computed for the tokens of {@code batch} sequences, so that
 * the next token costs one row per layer instead of a forward pass over the whole context.
 *
 * <p>Layer l keeps {@code values[l]} laid out as {@code [B, nHead, capacity, headDim]} (PyTorch's
 * {@code v.view(B, T, nh, hs).transpose(1, 2)}, with room for {@code capacity} positions) and
 * {@code keys[l]} as its transpose per head, {@code [B, nHead, headDim, capacity]}: a decode step's
 * scores {@code q Kᵀ} are then vector FMAs over contiguous keys, each score accumulated over the head
 * dimension in the order the GEMM kernel uses (so the cached and the full forward agree bit for bit
 * where the GEMM does), and {@code P V} is a vector FMA over contiguous value rows. Sequence b holds
 * {@link #length(int)} positions, {@code 0 … length − 1}; sequences have their own lengths, so prompts
 * of different lengths need no padding.
 */
public final class KvCache {
    private final int layers;
    private final int batch;
    private final int heads;
    private final int headDim;
    private final int capacity;
    private final float[][] keys;
    private final float[][] values;
    private final int[] length;

    /** An empty cache for {@code batch} sequences of up to {@code capacity} positions (at most block_size). */
    public KvCache(GptConfig config, int batch, int capacity) {
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
        if (capacity <= 0 || capacity > config.blockSize()) {
            throw new IllegalArgumentException("capacity must be in [1, block_size=" + config.blockSize() + "], got " + capacity);
        }
        this.layers = config.nLayer();
        this.batch = batch;
        this.heads = config.nHead();
        this.headDim = config.nEmbd() / config.nHead();
        this.capacity = capacity;
        long perLayer = (long) batch * heads * capacity * headDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a KV cache of " + batch + " sequences x " + capacity + " positions is too large for one array per layer");
        }
        this.keys = new float[layers][(int) perLayer];
        this.values = new float[layers][(int) perLayer];
        this.length = new int[batch];
    }

    public int batch() { return batch; }

    public int capacity() { return capacity; }

    /** Positions held for sequence {@code b}. */
    public int length(int b) { return length[b]; }

    /** Forgets sequence {@code b} (its next token goes to position 0). */
    public void reset(int b) { length[b] = 0; }

    /**
     * Keeps only the first {@code n} positions of sequence {@code b} (e.g. to sample several
     * continuations of one cached prompt, or to time a step at a fixed length).
     */
    public void truncate(int b, int n) {
        if (n < 0 || n > length[b]) throw new IllegalArgumentException("sequence " + b + " holds " + length[b] + " positions; cannot truncate to " + n);
        length[b] = n;
    }

    float[] keys(int layer) { return keys[layer]; }

    float[] values(int layer) { return values[layer]; }

    /** Offset of position {@code pos} of (sequence b, head h) in a layer's value array (a row of headDim). */
    int valueOffset(int b, int h, int pos) {
        return ((b * heads + h) * capacity + pos) * headDim;
    }

    /** Offset of the {@code [headDim, capacity]} key matrix of (sequence b, head h) in a layer's key array. */
    int keyOffset(int b, int h) {
        return (b * heads + h) * headDim * capacity;
    }

    void advance(int b, int n) {
        if (length[b] + n > capacity) {
            throw new IllegalStateException("sequence " + b + " would hold " + (length[b] + n) + " positions; the cache holds " + capacity);
        }
        length[b] += n;
    }

    int layers() { return layers; }
}
