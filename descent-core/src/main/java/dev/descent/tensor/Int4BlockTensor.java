package dev.descent.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

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
 * <p>The kernel multiplies the 16 levels by the block's scale once per block, then decodes L codes
 * at a time by a table lookup in vector registers: the levels sit in one float vector (16 lanes) or
 * two (8 lanes: codes 8..15 are the "exceptional" shuffle indexes that
 * {@code rearrange(shuffle, second)} takes from the second vector), and the decoded lanes are fused
 * with x. With 4 lanes it decodes a block into a 32-float tile with scalar lookups instead. Both
 * compute level · scale exactly as {@link #get} does.
 */
public final class Int4BlockTensor extends StoredTensor {
    /** L byte lanes when the levels fit one or two float vectors (L = 8 or 16), else none (tile path). */
    private static final VectorSpecies<Byte> B = L == 8 || L == 16 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

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

    /**
     * Stores code {@code c} (0..15) for element {@code i}, in place (for optimizers that move the codes
     * themselves, such as the zeroth-order CAQ-ZO); the block scales are unchanged.
     */
    public void setCode(int i, int c) {
        checkRange("setCode", i, 1);
        if (c < 0 || c > 15) throw new IllegalArgumentException("a 4-bit code is 0..15, got " + c);
        int j = i % BLOCK;
        int at = i / BLOCK * (BLOCK / 2) + j % (BLOCK / 2);
        packed[at] = (byte) (j < BLOCK / 2 ? (packed[at] & 0xF0) | c : (packed[at] & 0x0F) | c << 4);
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
        if (from % BLOCK == 0 && n % BLOCK == 0) {
            // whole blocks (the tiles of a quantized GEMM): the dot kernel's vector lookup, or a table per block
            if (B != null) {
                decodeBlocks(from, dst, at, n);
            } else {
                float[] lookup = new float[16];
                for (int k = 0; k < n; k += BLOCK) decodeBlock((from + k) / BLOCK, lookup, dst, at + k);
            }
            return;
        }
        for (int k = 0; k < n; k++) dst[at + k] = codebook.level(code(from + k)) * scales[(from + k) / BLOCK];
    }

    @Override
    public float dot(int from, float[] x, int xo, int n) {
        checkBlocks("dot", from, n);
        checkVector("x", x, xo, n);
        if (B == null) return dotThroughTiles(from, x, xo, n);
        FloatVector acc = FloatVector.zero(S);
        float[] levels = codebook.levelsArray();
        FloatVector lowLevels = FloatVector.fromArray(S, levels, 0);
        FloatVector highLevels = L == 16 ? lowLevels : FloatVector.fromArray(S, levels, 8);
        for (int k = 0; k < n; k += BLOCK) {
            int block = (from + k) / BLOCK;
            float scale = scales[block];
            FloatVector low = lowLevels.mul(scale);
            FloatVector high = highLevels.mul(scale);
            int base = block * (BLOCK / 2);
            // elements in order, as Reductions.dot feeds them: low nibbles (elements 0..15), then high (16..31)
            for (int shift = 0; shift <= 4; shift += 4) {
                for (int j = 0; j < BLOCK / 2; j += L) {
                    ByteVector codes = ByteVector.fromArray(B, packed, base + j).lanewise(VectorOperators.LSHR, shift).and((byte) 0xF);
                    int e = k + (shift == 0 ? 0 : BLOCK / 2) + j;
                    acc = lookup(codes, low, high).fma(FloatVector.fromArray(S, x, xo + e), acc);
                }
            }
        }
        return VectorMath.sumLanes(acc);
    }

    /** Decodes whole blocks by the vector lookup of {@link #dot}: the same level · scale products as {@link #get}. */
    private void decodeBlocks(int from, float[] dst, int at, int n) {
        float[] levels = codebook.levelsArray();
        FloatVector lowLevels = FloatVector.fromArray(S, levels, 0);
        FloatVector highLevels = L == 16 ? lowLevels : FloatVector.fromArray(S, levels, 8);
        for (int k = 0; k < n; k += BLOCK) {
            int block = (from + k) / BLOCK;
            float scale = scales[block];
            FloatVector low = lowLevels.mul(scale);
            FloatVector high = highLevels.mul(scale);
            int base = block * (BLOCK / 2);
            for (int shift = 0; shift <= 4; shift += 4) {
                for (int j = 0; j < BLOCK / 2; j += L) {
                    ByteVector codes = ByteVector.fromArray(B, packed, base + j).lanewise(VectorOperators.LSHR, shift).and((byte) 0xF);
                    lookup(codes, low, high).intoArray(dst, at + k + (shift == 0 ? 0 : BLOCK / 2) + j);
                }
            }
        }
    }

    /** The same dot with blocks decoded into a tile by scalar lookups (the path for 4 lanes). */
    float dotThroughTiles(int from, float[] x, int xo, int n) {
        float[] lookup = new float[16];
        float[] tile = new float[BLOCK];
        FloatVector acc = FloatVector.zero(S);
        for (int k = 0; k < n; k += BLOCK) {
            decodeBlock((from + k) / BLOCK, lookup, tile, 0);
            acc = fmaBlock(tile, x, xo + k, acc);
        }
        return VectorMath.sumLanes(acc);
    }

    /** The scaled level of each code lane: lanes of {@code low} for codes below L, of {@code high} for the rest. */
    private static FloatVector lookup(ByteVector codes, FloatVector low, FloatVector high) {
        VectorShuffle<Float> shuffle = ((IntVector) codes.convertShape(VectorOperators.B2I, I, 0)).toShuffle().cast(S);
        return L == 16 ? low.rearrange(shuffle) : low.rearrange(shuffle, high);
    }

    /** Writes block {@code block}'s 32 decoded values into {@code tile[at..]}, using {@code lookup} for the scaled levels. */
    private void decodeBlock(int block, float[] lookup, float[] tile, int at) {
        codebook.scaledLevels(scales[block], lookup);
        int base = block * (BLOCK / 2);
        for (int j = 0; j < BLOCK / 2; j++) {
            int b = packed[base + j];
            tile[at + j] = lookup[b & 0xF];
            tile[at + j + BLOCK / 2] = lookup[(b >>> 4) & 0xF];
        }
    }
}
