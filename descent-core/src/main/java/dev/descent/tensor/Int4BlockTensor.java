package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * 4-bit codes in blocks with a float32 scale per block: code c of an element decodes to
 * {@code codebook.level(c) · scale}, where scale is the block's absmax (max |x|, so a block whose
 * largest magnitude is negative still gets a positive scale). With {@link Codebook#INT4} this is
 * signed 4-bit symmetric quantization (step absmax/7, error at most step/2); with
 * {@link Codebook#NF4}, QLoRA's NormalFloat storage (QLoRA uses blocks of 64 rather than 32).
 *
 * <p>Layout (llama.cpp's {@code Q4_0}): a block of {@value StorageFormat#BLOCK} elements occupies 16
 * bytes; element j &lt; 16 sits in the low nibble of byte j, element j + 16 in its high nibble. An
 * all-zero block stores scale 0 and decodes to zeros, never NaN. NaN and infinities are refused.
 *
 * <p>The kernel decodes a block into a 32-float tile by table lookup (the 16 levels pre-multiplied by
 * the block's scale, so each element costs one load) and fuses the tile with x in vector lanes; a
 * 16-entry lookup has no portable Vector API form for 4 or 8 lanes, and decoding is cheap next to
 * the 16 bytes read per block.
 */
public final class Int4BlockTensor extends StoredTensor {
    private final byte[] packed;
    private final float[] scales;
    private final Codebook codebook;

    /** Wraps {@code packed} (two codes per byte) and {@code scales} (one per block), not copied. */
    public Int4BlockTensor(byte[] packed, float[] scales, Codebook codebook, int... shape) {
        super(shape);
        checkBlockedShape(StorageFormat.Q4, shape);
        if (packed.length != size() / 2 || scales.length != size() / BLOCK) {
            throw new IllegalArgumentException("Q4 shape needs " + size() / 2 + " bytes and " + size() / BLOCK
                    + " scales, got " + packed.length + " and " + scales.length);
        }
        this.packed = packed;
        this.scales = scales;
        this.codebook = codebook;
    }

    /** Quantizes {@code t} block by block with {@code codebook} (see the class comment). */
    public static Int4BlockTensor encode(Tensor t, Codebook codebook) {
        int[] shape = t.shape();
        checkBlockedShape(StorageFormat.Q4, shape);
        float[] x = t.data();
        int off = t.offset();
        byte[] packed = new byte[t.size() / 2];
        float[] scales = new float[t.size() / BLOCK];
        int zero = codebook.encode(0f);
        for (int b = 0; b < scales.length; b++) {
            int base = b * BLOCK;
            float absmax = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[off + base + j];
                checkFinite(StorageFormat.Q4, v, base + j);
                absmax = Math.max(absmax, Math.abs(v));
            }
            scales[b] = absmax;
            for (int j = 0; j < BLOCK / 2; j++) {
                int low = absmax == 0 ? zero : codebook.encode(x[off + base + j] / absmax);
                int high = absmax == 0 ? zero : codebook.encode(x[off + base + j + BLOCK / 2] / absmax);
                packed[b * (BLOCK / 2) + j] = (byte) (low | high << 4);
            }
        }
        return new Int4BlockTensor(packed, scales, codebook, shape);
    }

    /** The packed codes (shared, not copied). */
    public byte[] packed() { return packed; }

    /** The per-block scales, each block's absmax (shared, not copied). */
    public float[] scales() { return scales; }

    public Codebook codebook() { return codebook; }

    /** The 4-bit code of element {@code i}. */
    public int code(int i) {
        int j = i % BLOCK;
        int b = packed[i / BLOCK * (BLOCK / 2) + j % (BLOCK / 2)];
        return j < BLOCK / 2 ? b & 0xF : (b >>> 4) & 0xF;
    }

    @Override
    public StorageFormat format() { return StorageFormat.Q4; }

    @Override
    public float get(int i) {
        checkRange("get", i, 1);
        return codebook.level(code(i)) * scales[i / BLOCK];
    }

    @Override
    public void dequantize(int from, float[] dst, int at, int n) {
        checkRange("dequantize", from, n);
        checkVector("dst", dst, at, n);
        for (int k = 0; k < n; k++) dst[at + k] = codebook.level(code(from + k)) * scales[(from + k) / BLOCK];
    }

    @Override
    public float dot(int from, float[] x, int xo, int n) {
        checkBlocks("dot", from, n);
        checkVector("x", x, xo, n);
        float[] lookup = new float[16];
        float[] tile = new float[BLOCK];
        FloatVector acc = FloatVector.zero(S);
        for (int k = 0; k < n; k += BLOCK) {
            int block = (from + k) / BLOCK;
            decodeBlock(block, lookup, tile);
            acc = fmaBlock(tile, x, xo + k, acc);
        }
        return VectorMath.sumLanes(acc);
    }

    /** Writes block {@code block}'s 32 decoded values into {@code tile}, using {@code lookup} for the scaled levels. */
    private void decodeBlock(int block, float[] lookup, float[] tile) {
        codebook.scaledLevels(scales[block], lookup);
        int base = block * (BLOCK / 2);
        for (int j = 0; j < BLOCK / 2; j++) {
            int b = packed[base + j];
            tile[j] = lookup[b & 0xF];
            tile[j + BLOCK / 2] = lookup[(b >>> 4) & 0xF];
        }
    }
}
