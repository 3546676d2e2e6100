package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * bfloat16 storage: each element is the upper 16 bits of a float32 (sign, 8 exponent bits, 7
 * fraction bits), kept as a {@code short}.
 *
 * <p>Decoding is exact: {@code bits << 16}. Encoding ({@link #fromFloat}) rounds to nearest, ties to
 * even, on the 16 dropped bits, as PyTorch's and ml_dtypes' round-to-nearest-even conversions do;
 * values beyond the largest bfloat16 (about 3.39·10³⁸) become ±∞ as IEEE rounding prescribes;
 * subnormals round like any other value; a NaN becomes the quiet NaN {@code 0x7FC0} with its sign
 * kept (ml_dtypes' choice; a plain truncation could turn a NaN whose payload lies in the low bits
 * into ∞).
 */
public final class BFloat16Tensor extends StoredTensor {
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private final short[] bits;

    /** Wraps {@code bits} (not copied), one bfloat16 per element of {@code shape}. */
    public BFloat16Tensor(short[] bits, int... shape) {
        super(shape);
        if (bits.length != size()) {
            throw new IllegalArgumentException("BF16 shape needs " + size() + " values, got " + bits.length);
        }
        this.bits = bits;
    }

    /** Rounds every element of {@code t} to bfloat16 ({@link #fromFloat}). */
    public static BFloat16Tensor encode(Tensor t) {
        short[] b = new short[t.size()];
        float[] d = t.data();
        for (int i = 0; i < b.length; i++) b[i] = fromFloat(d[t.offset() + i]);
        return new BFloat16Tensor(b, t.shape());
    }

    /** float32 → bfloat16 bits, round to nearest even (NaN → sign | 0x7FC0). */
    public static short fromFloat(float f) {
        int b = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((b >>> 16) & 0x8000 | 0x7FC0);
        int roundingBias = 0x7FFF + ((b >>> 16) & 1); // half of the dropped range, plus one when the kept part is odd
        return (short) ((b + roundingBias) >>> 16);
    }

    /** bfloat16 bits → float32 (exact). */
    public static float toFloat(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    /** The stored bits (shared, not copied). */
    public short[] bits() { return bits; }

    @Override
    public StorageFormat format() { return StorageFormat.BF16; }

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

    /** L elements from {@code at}, decoded: each 16-bit lane widened to 32 bits and shifted into the high half. */
    private FloatVector widen(int at) {
        IntVector w = (IntVector) ShortVector.fromArray(H, bits, at).convertShape(VectorOperators.S2I, I, 0);
        return w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
