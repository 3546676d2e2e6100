package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * IEEE binary16 storage (1 sign, 5 exponent, 10 fraction bits), kept as {@code short}s.
 *
 * <p>Encoding ({@link #fromFloat}) is {@link Float#floatToFloat16} (round to nearest even, overflow
 * to ±∞) for every number. Decoding ({@link #toFloat}) is exact and equals
 * {@link Float#float16ToFloat} for every number. NaNs are handled here rather than by those two
 * methods, whose NaN payloads may differ between their interpreted form and the compiled
 * (F16C instruction) form: a NaN always comes out quiet, with its sign and the top payload bits
 * (encoding: {@code sign | 0x7E00 | payload >> 13}; decoding: the payload shifted back with the quiet
 * bit set, as x86's {@code vcvtph2ps} does).
 *
 * <p>The vector kernel decodes without a table or a branch: the 15 magnitude bits shifted left by
 * 13 land in a float32's exponent and fraction fields with the exponent bias of binary16 (15)
 * instead of binary32's (127), so one exact multiplication by 2¹¹² rebiases normals and turns
 * subnormals (exponent 0) into the right normal float32; the all-ones exponent (∞, NaN) is patched
 * to float32's all-ones exponent (and the quiet bit for a NaN); the sign bit is then copied over.
 */
public final class Float16Tensor extends StoredTensor {
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final float REBIAS = 0x1p112f; // 2^(127 - 15)

    private final short[] bits;

    /** Wraps {@code bits} (not copied), one binary16 per element of {@code shape}. */
    public Float16Tensor(short[] bits, int... shape) {
        super(shape);
        if (bits.length != size()) {
            throw new IllegalArgumentException("F16 shape needs " + size() + " values, got " + bits.length);
        }
        this.bits = bits;
    }

    /** Rounds every element of {@code t} to binary16 ({@link #fromFloat}). */
    public static Float16Tensor encode(Tensor t) {
        short[] b = new short[t.size()];
        float[] d = t.data();
        for (int i = 0; i < b.length; i++) b[i] = fromFloat(d[t.offset() + i]);
        return new Float16Tensor(b, t.shape());
    }

    /** float32 → binary16 bits: {@link Float#floatToFloat16} for numbers, a quiet NaN for a NaN. */
    public static short fromFloat(float f) {
        if (!Float.isNaN(f)) return Float.floatToFloat16(f);
        int b = Float.floatToRawIntBits(f);
        return (short) ((b >>> 16) & 0x8000 | 0x7E00 | (b >>> 13) & 0x3FF);
    }

    /** binary16 bits → float32, exact; the scalar twin of the vector decoder. */
    public static float toFloat(short h) {
        int magnitude = h & 0x7FFF;
        int sign = (h & 0x8000) << 16;
        if (magnitude >= 0x7C00) {
            int nanQuiet = magnitude > 0x7C00 ? 0x00400000 : 0;
            return Float.intBitsToFloat(sign | 0x7F800000 | nanQuiet | (magnitude & 0x3FF) << 13);
        }
        float finite = Float.intBitsToFloat(magnitude << 13) * REBIAS;
        return Float.intBitsToFloat(sign | Float.floatToRawIntBits(finite));
    }

    /** The stored bits (shared, not copied). */
    public short[] bits() { return bits; }

    @Override
    public StorageFormat format() { return StorageFormat.F16; }

    @Override
    public float get(int i) {
        checkRange("get", i, 1);
        return toFloat(bits[i]);
    }

    @Override
    public void dequantize(int from, float[] dst, int at, int n) {
        checkRange("dequantize", from, n);
        checkVector("dst", dst, at, n);
        int k = 0;
        for (int u = S.loopBound(n); k < u; k += L) widen(from + k).intoArray(dst, at + k);
        for (; k < n; k++) dst[at + k] = toFloat(bits[from + k]);
    }

    @Override
    public float dot(int from, float[] x, int xo, int n) {
        checkRange("dot", from, n);
        checkVector("x", x, xo, n);
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        for (int u = S.loopBound(n); k < u; k += L) {
            acc = widen(from + k).fma(FloatVector.fromArray(S, x, xo + k), acc);
        }
        float s = VectorMath.sumLanes(acc);
        for (; k < n; k++) s += toFloat(bits[from + k]) * x[xo + k];
        return s;
    }

    /** L elements from {@code at}, decoded exactly (see the class comment). */
    FloatVector widen(int at) {
        IntVector h = (IntVector) ShortVector.fromArray(H, bits, at).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(REBIAS).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00); // ∞ or NaN
        IntVector value = finite.blend(shifted.or(0x7F800000), special)
                .blend(shifted.or(0x7FC00000), magnitude.compare(VectorOperators.GT, 0x7C00)); // NaN: quiet
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return value.or(sign).reinterpretAsFloats();
    }
}
