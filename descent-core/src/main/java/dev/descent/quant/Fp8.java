package dev.descent.quant;

/**
 * The two 8-bit floating-point formats of the OCP 8-bit floating point specification (OFP8, 2023),
 * emulated on float32: {@link #E4M3} and {@link #E5M2}. A code is one byte, bit 7 the sign.
 *
 * <ul>
 *   <li>{@link #E4M3} (torch {@code float8_e4m3fn}, NVIDIA/OCP "FN" variant): 4 exponent bits with
 *       bias 7, 3 mantissa bits, no infinities; S.1111.111 is NaN, so the largest finite value is
 *       S.1111.110 = ±448. Subnormals: exponent field 0 stands for m/8 · 2⁻⁶ (smallest 2⁻⁹).</li>
 *   <li>{@link #E5M2} (torch {@code float8_e5m2}): IEEE-like, 5 exponent bits with bias 15, 2 mantissa
 *       bits; S.11111.00 is ±∞, S.11111.{01,10,11} NaN; largest finite ±57344; subnormals
 *       m/4 · 2⁻¹⁴ (smallest 2⁻¹⁶).</li>
 * </ul>
 *
 * <p><b>Encoding</b> rounds to nearest, ties to even (the even mantissa), as torch's and
 * ml_dtypes' conversions from float32 do. Out-of-range values: without saturation a magnitude that
 * rounds above the largest finite value becomes ∞ in E5M2 and NaN in E4M3 (which has no ∞), and ±∞
 * stays ∞ (E5M2) or becomes NaN (E4M3) — torch's behaviour; with saturation (NVIDIA's
 * {@code __NV_SATFINITE}) it becomes ±max instead, infinities included. NaN encodes to the
 * sign-preserving all-ones code in E4M3 (0x7F/0xFF) and to S.11111.10 in E5M2 (0x7E/0xFE, the top
 * byte of float16's quiet NaN); this is a choice, any NaN code decodes to NaN. −0 keeps its sign.
 *
 * <p><b>Decoding</b> is exact: every code's value is a float32.
 */
public enum Fp8 {
    E4M3(4, 3, 7, false),
    E5M2(5, 2, 15, true);

    private final int exponentBits;
    private final int mantissaBits;
    private final int bias;
    private final boolean hasInfinity;
    private final float max;
    private final float[] values = new float[256];

    Fp8(int exponentBits, int mantissaBits, int bias, boolean hasInfinity) {
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.hasInfinity = hasInfinity;
        for (int c = 0; c < 256; c++) values[c] = decodeBits(c);
        this.max = hasInfinity ? values[0x7B] : values[0x7E];
    }

    /** The largest finite value (448 for E4M3, 57344 for E5M2). */
    public float max() { return max; }

    /** The value of code {@code code} (0..255). */
    public float decode(int code) {
        return values[code & 0xFF];
    }

    /** {@code x} rounded to the nearest code, ties to even, without saturation (see the class comment). */
    public int encode(float x) {
        return encode(x, false);
    }

    /** {@code x} rounded to the nearest code, ties to even; {@code saturate} clamps out-of-range values to ±max. */
    public int encode(float x, boolean saturate) {
        int sign = Float.floatToRawIntBits(x) < 0 ? 0x80 : 0;
        if (Float.isNaN(x)) return sign | nanCode();
        double a = Math.abs((double) x);
        if (Double.isInfinite(a)) return sign | (saturate ? maxCode() : overflowCode());
        int minExponent = 1 - bias; // exponent of the smallest normal
        int e = a == 0 ? minExponent : Math.max(Math.getExponent(a), minExponent);
        double quantum = Math.scalb(1.0, e - mantissaBits);
        double r = Math.rint(a / quantum) * quantum; // a/quantum is exact: ties go to the even multiple, the even mantissa
        if (r > max) return sign | (saturate ? maxCode() : overflowCode());
        if (r == 0) return sign;
        int exponent = Math.getExponent(r);
        if (exponent < minExponent) return sign | (int) (r / Math.scalb(1.0, minExponent - mantissaBits)); // subnormal
        int mantissa = (int) Math.round((r / Math.scalb(1.0, exponent) - 1) * (1 << mantissaBits));
        return sign | (exponent + bias) << mantissaBits | mantissa;
    }

    private float decodeBits(int code) {
        boolean negative = (code & 0x80) != 0;
        int field = (code >>> mantissaBits) & ((1 << exponentBits) - 1);
        int mantissa = code & ((1 << mantissaBits) - 1);
        int allOnes = (1 << exponentBits) - 1;
        double v;
        if (hasInfinity && field == allOnes) {
            v = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (!hasInfinity && field == allOnes && mantissa == (1 << mantissaBits) - 1) {
            v = Double.NaN;
        } else if (field == 0) {
            v = Math.scalb((double) mantissa, 1 - bias - mantissaBits);
        } else {
            v = Math.scalb(1.0 + mantissa / (double) (1 << mantissaBits), field - bias);
        }
        return (float) (negative ? -v : v);
    }

    private int maxCode() { return hasInfinity ? 0x7B : 0x7E; }

    private int nanCode() { return hasInfinity ? 0x7E : 0x7F; }

    private int overflowCode() { return hasInfinity ? 0x7C : nanCode(); }
}
