package dev.descent.tensor;

/**
 * How the elements of a {@link StoredTensor} are laid out in memory.
 *
 * <ul>
 *   <li>{@link #F32}: IEEE binary32, 4 bytes per element (the format of {@link Tensor}).</li>
 *   <li>{@link #BF16}: bfloat16, the top half of a binary32 (8 exponent bits, 7 fraction bits), 2 bytes.</li>
 *   <li>{@link #F16}: IEEE binary16 (5 exponent bits, 10 fraction bits), 2 bytes.</li>
 *   <li>{@link #Q8}: blocks of {@value #BLOCK} signed bytes sharing one float32 scale
 *       (symmetric absmax, as llama.cpp's {@code Q8_0}): 34 bits per element.</li>
 *   <li>{@link #Q4}: blocks of {@value #BLOCK} 4-bit indices into a 16-level {@link Codebook}
 *       sharing one float32 scale (the block's absmax): 5 bits per element.</li>
 * </ul>
 */
public enum StorageFormat {
    F32(false),
    BF16(false),
    F16(false),
    Q8(true),
    Q4(true);

    /** Elements per block of the blocked formats ({@link #Q8}, {@link #Q4}), as in llama.cpp's Q8_0/Q4_0. */
    public static final int BLOCK = 32;

    private final boolean blocked;

    StorageFormat(boolean blocked) {
        this.blocked = blocked;
    }

    /** True for the formats that store blocks of {@value #BLOCK} elements with a shared scale. */
    public boolean blocked() {
        return blocked;
    }

    /** Bytes that {@code elements} values occupy in this format, scales included. */
    public long bytesFor(long elements) {
        long blocks = (elements + BLOCK - 1) / BLOCK;
        return switch (this) {
            case F32 -> 4 * elements;
            case BF16, F16 -> 2 * elements;
            case Q8 -> elements + 4 * blocks;
            case Q4 -> (elements + 1) / 2 + 4 * blocks;
        };
    }
}
