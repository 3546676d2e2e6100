package dev.descent.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * int8 blocks with a float32 scale per block (symmetric absmax quantization, the layout of
 * llama.cpp's {@code Q8_0} with a float32 instead of a float16 scale).
 *
 * <p>Each block of {@value StorageFormat#BLOCK} consecutive elements stores codes
 * q = rint(x · (127 / absmax)) ∈ [−127, 127] (ties to even; absmax = max |x| over the block, so a
 * block whose largest magnitude is negative still gets a positive scale) and the scale
 * d = absmax / 127; an element decodes to q · d. The error is at most d/2 = absmax/254 per element
 * (plus float32 rounding of the two products). An all-zero block stores d = 0 and codes 0, so it
 * decodes to zeros, never NaN. NaN and infinities are refused.
 *
 * <p>The vector kernel widens L codes to floats ({@code B2F}), multiplies by the block's scale and
 * fuses the product with x, the same arithmetic as decoding and then calling {@link Reductions#dot}.
 */
public final class Int8BlockTensor extends StoredTensor {
    /** L byte lanes, or none when L is below the 8 lanes of the smallest byte vector (then blocks decode through a tile). */
    private static final VectorSpecies<Byte> B = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;

    private final byte[] codes;
    private final float[] scales;

    /** Wraps {@code codes} (one per element) and {@code scales} (one per block), not copied. */
    public Int8BlockTensor(byte[] codes, float[] scales, int... shape) {
        super(shape);
        checkBlockedShape(StorageFormat.Q8, shape);
        if (codes.length != size() || scales.length != size() / BLOCK) {
            throw new IllegalArgumentException("Q8 shape needs " + size() + " codes and " + size() / BLOCK
                    + " scales, got " + codes.length + " and " + scales.length);
        }
        this.codes = codes;
        this.scales = scales;
    }

    /** Quantizes {@code t} block by block (see the class comment). */
    public static Int8BlockTensor encode(Tensor t) {
        int[] shape = t.shape();
        checkBlockedShape(StorageFormat.Q8, shape);
        float[] x = t.data();
        int off = t.offset();
        byte[] q = new byte[t.size()];
        float[] d = new float[t.size() / BLOCK];
        for (int b = 0; b < d.length; b++) {
            int base = b * BLOCK;
            float absmax = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[off + base + j];
                checkFinite(StorageFormat.Q8, v, base + j);
                absmax = Math.max(absmax, Math.abs(v));
            }
            d[b] = absmax / 127f;
            if (absmax == 0) continue; // codes stay 0
            float inverse = 127f / absmax;
            for (int j = 0; j < BLOCK; j++) {
                float code = (float) Math.rint(x[off + base + j] * inverse);
                q[base + j] = (byte) Math.max(-127, Math.min(127, (int) code));
            }
        }
        return new Int8BlockTensor(q, d, shape);
    }

    /** The codes (shared, not copied). */
    public byte[] codes() { return codes; }

    /** The per-block scales d = absmax/127 (shared, not copied). */
    public float[] scales() { return scales; }

    @Override
    public StorageFormat format() { return StorageFormat.Q8; }

    @Override
    public float get(int i) {
        checkRange("get", i, 1);
        return codes[i] * scales[i / BLOCK];
    }

    @Override
    public void dequantize(int from, float[] dst, int at, int n) {
        checkRange("dequantize", from, n);
        checkVector("dst", dst, at, n);
        for (int k = 0; k < n; k++) dst[at + k] = codes[from + k] * scales[(from + k) / BLOCK];
    }

    @Override
    public float dot(int from, float[] x, int xo, int n) {
        checkBlocks("dot", from, n);
        checkVector("x", x, xo, n);
        if (B == null) return dotThroughTiles(from, x, xo, n);
        FloatVector acc = FloatVector.zero(S);
        for (int k = 0; k < n; k += BLOCK) {
            int at = from + k;
            float d = scales[at / BLOCK];
            for (int j = 0; j < BLOCK; j += L) {
                FloatVector w = ((FloatVector) ByteVector.fromArray(B, codes, at + j).convertShape(VectorOperators.B2F, S, 0)).mul(d);
                acc = w.fma(FloatVector.fromArray(S, x, xo + k + j), acc);
            }
        }
        return VectorMath.sumLanes(acc);
    }

    /** The same dot with blocks decoded into a tile first (the path for 4 lanes). */
    float dotThroughTiles(int from, float[] x, int xo, int n) {
        float[] tile = new float[BLOCK];
        FloatVector acc = FloatVector.zero(S);
        for (int k = 0; k < n; k += BLOCK) {
            dequantize(from + k, tile, 0, BLOCK);
            acc = fmaBlock(tile, x, xo + k, acc);
        }
        return VectorMath.sumLanes(acc);
    }
}
