package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The vectorised Box–Muller of {@link PhiloxGaussian} gives exactly the bits of the scalar formula
 * {@code Math.sqrt(-2 StrictMath.log(u1)) * cos(2π u2)} of {@link Philox#gaussian}: checked on every
 * possible u₁ and every possible u₂ (each takes 2²⁴ values), and on whole streams at odd offsets.
 */
class PhiloxGaussianTest {
    private static final int VALUES = 1 << 24;

    private static double reference(double u1, double u2) {
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * Philox.cosTwoPi(u2);
    }

    /**
     * Every u₁ = m·2⁻²⁴, m = 1 … 2²⁴, with u₂ = 0 (so cos = 1 exactly and the value is the radius
     * √(−2 log u₁) itself); then every u₂ = m·2⁻²⁴, m = 0 … 2²⁴ − 1, with two radii (a cosine that
     * differed would almost surely show in the product with one of them).
     */
    @Test
    void everyUniformGivesTheScalarBits() {
        int n = PhiloxGaussian.CHUNK;
        double[] u1 = new double[n];
        double[] u2 = new double[n];
        double[] out = new double[n];
        for (int from = 0; from < VALUES; from += n) {
            for (int j = 0; j < n; j++) {
                u1[j] = (from + j + 1) * 0x1.0p-24;
                u2[j] = 0;
            }
            PhiloxGaussian.transform(u1, u2, out, n);
            for (int j = 0; j < n; j++) {
                assertEquals(Double.doubleToRawLongBits(reference(u1[j], 0)), Double.doubleToRawLongBits(out[j]), "u1 = " + u1[j]);
            }
        }
        double[] radii = {0x1.0p-24, 0.8762347};
        for (double r1 : radii) {
            for (int from = 0; from < VALUES; from += n) {
                for (int j = 0; j < n; j++) {
                    u1[j] = r1;
                    u2[j] = (from + j) * 0x1.0p-24;
                }
                PhiloxGaussian.transform(u1, u2, out, n);
                for (int j = 0; j < n; j++) {
                    assertEquals(Double.doubleToRawLongBits(reference(r1, u2[j])), Double.doubleToRawLongBits(out[j]), "u2 = " + u2[j]);
                }
            }
        }
    }

    /** Whole streams, at odd and even starts and lengths that are not multiples of the vector or chunk: the bits of {@link Philox#gaussian}. */
    @Test
    void fillEqualsScalarGaussian() {
        PhiloxGaussian gen = new PhiloxGaussian();
        long[] starts = {0, 1, 7, 1L << 33, 123_456_789_013L};
        int[] lengths = {1, 5, 17, PhiloxGaussian.CHUNK + 3, 3 * PhiloxGaussian.CHUNK - 1};
        for (int s = 0; s < 40; s++) {
            Philox p = Philox.stream(s, "gauss/" + s).derive(s * 31L);
            for (long start : starts) {
                for (int len : lengths) {
                    float[] out = new float[len + 2];
                    gen.fill(p, out, 1, len, start);
                    float[] ref = new float[len];
                    p.fillGaussian(ref, 0, len, start);
                    for (int j = 0; j < len; j++) {
                        assertEquals(Float.floatToRawIntBits(ref[j]), Float.floatToRawIntBits(out[1 + j]), "stream " + s + " index " + (start + j));
                    }
                    assertEquals(0, Float.floatToRawIntBits(out[0]));
                    assertEquals(0, Float.floatToRawIntBits(out[len + 1]));
                }
            }
        }
    }
}
