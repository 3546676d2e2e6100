package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The vectorized Box–Muller path must give the bits of the scalar formula with StrictMath, for
 * every index. The reference below is that scalar formula, kept here independently of the code
 * under test; the log and the cos 2πu parts are each checked on their whole domain (2²⁴ inputs).
 */
class BoxMullerKernelTest {

    // ---- reference: the scalar formula with StrictMath ----

    private static float referenceBoxMuller(int a, int b) {
        double u1 = ((a >>> 8) + 1) * 0x1.0p-24; // (0, 1]
        double u2 = (b >>> 8) * 0x1.0p-24;
        return (float) (Math.sqrt(-2.0 * StrictMath.log(u1)) * referenceCosTwoPi(u2));
    }

    private static double referenceCosTwoPi(double u) {
        double t = 4.0 * u;
        long k = Math.round(t);
        double r = (t - k) * (Math.PI / 2);
        return switch ((int) (k & 3)) {
            case 0 -> StrictMath.cos(r);
            case 1 -> -StrictMath.sin(r);
            case 2 -> -StrictMath.cos(r);
            default -> StrictMath.sin(r);
        };
    }

    /** Value i of the stream: Box–Muller on words 2i mod 4 and 2i mod 4 + 1 of block ⌊2i/4⌋. */
    private static float referenceGaussian(Philox p, long i, int[] w) {
        long u = 2 * i;
        p.block(u >>> 2, w);
        int lane = (int) (u & 3);
        return referenceBoxMuller(w[lane], w[lane + 1]);
    }

    // ---- whole domains of the two parts ----

    @Test
    void logEqualsStrictMathForEveryFirstUniform() {
        int count = 1 << 24; // u1 = m·2^-24, m = 1 … 2^24
        double[] x = new double[count];
        for (int m = 1; m <= count; m++) x[m - 1] = m * 0x1.0p-24;
        BoxMullerKernel.log(x, count);
        int mismatches = 0;
        String first = null;
        for (int m = 1; m <= count; m++) {
            double expected = StrictMath.log(m * 0x1.0p-24);
            if (Double.doubleToRawLongBits(x[m - 1]) != Double.doubleToRawLongBits(expected)) {
                if (mismatches++ == 0) first = "log(" + m + "·2^-24): " + x[m - 1] + " vs " + expected;
            }
        }
        assertEquals(0, mismatches, first);
    }

    @Test
    void cosTwoPiEqualsStrictMathQuarterTurnFormulaForEverySecondUniform() {
        int count = 1 << 24; // u2 = q·2^-24, q = 0 … 2^24 − 1
        double[] u = new double[count];
        for (int q = 0; q < count; q++) u[q] = q * 0x1.0p-24;
        BoxMullerKernel.cosTwoPi(u, count);
        int mismatches = 0;
        String first = null;
        for (int q = 0; q < count; q++) {
            double expected = referenceCosTwoPi(q * 0x1.0p-24);
            if (Double.doubleToRawLongBits(u[q]) != Double.doubleToRawLongBits(expected)) {
                if (mismatches++ == 0) first = "cosTwoPi(" + q + "·2^-24): " + u[q] + " vs " + expected;
            }
        }
        assertEquals(0, mismatches, first);
    }

    // ---- targeted inputs of the kernels, through the whole value ----

    @Test
    void edgeInputsOfLogAndCosKernelsGiveTheScalarBits() {
        List<Integer> firsts = new ArrayList<>();
        // u1 = m·2^-24: 1, 2^-24, powers of two (f = 0); mantissas next to 1 (|f| < 2^-20), next to √2
        // (normalised to x/2 above 0x6a09c in the high word), and at the ends of the high-word range
        // [0x6147a, 0x6b851] where fdlibm switches to the hfsq form (m = 2^23 + 8·hx)
        for (int m : new int[] {1 << 24, 1, 2, 3, 1 << 23, (1 << 23) + 1, (1 << 23) - 1, (1 << 24) - 1, (1 << 24) - 2,
                (1 << 24) - 8, (1 << 24) - 9, 11863283, 11863284, 11863282, 5931641, 5931642, 12345678,
                (1 << 23) + 8 * 0x6147a - 1, (1 << 23) + 8 * 0x6147a, (1 << 23) + 8 * 0x6b851 + 7, (1 << 23) + 8 * 0x6b852}) {
            firsts.add((m - 1) << 8);
        }
        List<Integer> seconds = new ArrayList<>();
        int quarter = 1 << 22; // u2 = k/4 is q = k·2^22
        for (int k = 0; k <= 4; k++) {
            for (int d = -3; d <= 3; d++) {
                int q = k * quarter + d;
                if (q >= 0 && q < (1 << 24)) seconds.add(q);
            }
            // |r| near π/4 (halfway between quarter turns), near 0.3 and near 0.78125 rad (kernel_cos's qx)
            for (int d : new int[] {quarter / 2 - 1, quarter / 2, quarter / 2 + 1,
                    nearestOffset(0.3) - 1, nearestOffset(0.3), nearestOffset(0.3) + 1,
                    nearestOffset(0.78125) - 1, nearestOffset(0.78125), nearestOffset(0.78125) + 1}) {
                for (int sign : new int[] {1, -1}) {
                    int q = k * quarter + sign * d;
                    if (q >= 0 && q < (1 << 24)) seconds.add(q);
                }
            }
        }
        int pairs = firsts.size() * seconds.size();
        int[] a = new int[pairs];
        int[] b = new int[pairs];
        for (int i = 0; i < firsts.size(); i++) {
            for (int j = 0; j < seconds.size(); j++) {
                a[i * seconds.size() + j] = firsts.get(i);
                b[i * seconds.size() + j] = (seconds.get(j) << 8) | (j * 37 & 0xFF); // low bits are dropped
            }
        }
        int padded = (pairs + BoxMullerKernel.LANES - 1) / BoxMullerKernel.LANES * BoxMullerKernel.LANES;
        double[] u1 = new double[padded];
        double[] u2 = new double[padded];
        for (int p = 0; p < pairs; p++) {
            u1[p] = ((a[p] >>> 8) + 1) * 0x1.0p-24;
            u2[p] = (b[p] >>> 8) * 0x1.0p-24;
        }
        float[] got = new float[pairs + 2];
        BoxMullerKernel.boxMuller(u1, u2, got, 1, pairs);
        int checked = 0;
        for (int p = 0; p < pairs; p++) {
            float expected = referenceBoxMuller(a[p], b[p]);
            int at = p;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[1 + p]),
                    () -> "words " + Integer.toHexString(a[at]) + " " + Integer.toHexString(b[at]));
            checked++;
        }
        assertEquals(0f, got[pairs + 1]);
        assertTrue(checked > 1000);
    }

    /** The q offset from a quarter turn whose reduced angle r = offset·2⁻²²·π/2 is nearest {@code radians}. */
    private static int nearestOffset(double radians) {
        return (int) Math.round(radians / (Math.PI / 2) * (1 << 22));
    }

    // ---- whole fills against the reference ----

    @Test
    void fillGaussianEqualsScalarReferenceBitForBit() {
        int[] w = new int[4];
        int[] ref = new int[4];
        long total = 0;
        long[][] streams = {{0, 0}, {42, Philox.hash("zo/direction")}, {-1, -1}, {0x299f31d0a4093822L, 0x0370734413198a2eL}};
        long[] starts = {0, 1, 7, 1_000_001, (1L << 40) + 3, (1L << 62) - 5000, Long.MAX_VALUE - 100_000};
        int[] lengths = {1, 2, 3, 31, 32, 33, 47, 100, 257, 2048, 4099, 65_537, 150_001};
        float[] out = new float[150_001 + 5];
        for (long[] sp : streams) {
            Philox p = Philox.stream(sp[0], sp[1]);
            for (long start : starts) {
                for (int len : lengths) {
                    if (start > Long.MAX_VALUE - len) continue;
                    int off = (int) (start & 3);
                    out[off + len] = 12345f;
                    p.fillGaussianVector(out, off, len, start, w);
                    for (int j = 0; j < len; j++) {
                        float expected = referenceGaussian(p, start + j, ref);
                        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(out[off + j])) {
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[off + j]),
                                    "stream " + sp[0] + "/" + sp[1] + " start " + start + " length " + len + " index " + (start + j));
                        }
                    }
                    assertEquals(12345f, out[off + len], "wrote past the end");
                    total += len;
                }
            }
        }
        assertTrue(total > 5_000_000, "checked " + total);
        // and the single-value accessor and the public fill (vector or scalar) agree
        float[] pub = new float[5000];
        Philox.stream(9, "y").fillGaussian(pub, 0, pub.length, 3);
        for (int j = 0; j < pub.length; j++) {
            assertEquals(Float.floatToRawIntBits(referenceGaussian(Philox.stream(9, "y"), 3 + j, ref)), Float.floatToRawIntBits(pub[j]));
        }
        Philox p = Philox.stream(5, "x");
        for (long i = 0; i < 1000; i++) assertEquals(Float.floatToRawIntBits(referenceGaussian(p, i, ref)), Float.floatToRawIntBits(p.gaussian(i)));
    }

    @Test
    void publicFillSwitchesToTheVectorPathOnceItIsCompiledWithTheSameBitsAndNoAllocation() throws InterruptedException {
        Philox p = Philox.stream(77, "warm");
        float[] out = new float[1 << 16];
        int[] w = new int[4];
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (long k = 0; !BoxMullerKernel.compiled() && System.nanoTime() < deadline; k++) {
            p.fillGaussian(out, 0, out.length, k * out.length, w); // asks for values until the warm-up has run
            if (k > 16) Thread.sleep(50);
        }
        // The kernel's bits are checked directly above; whether it becomes fast depends on the CPU (it
        // needs AVX-512's 64-bit conversions), so a machine where the warm-up gives up skips this part.
        Assumptions.assumeTrue(BoxMullerKernel.compiled(),
                "the vector Gaussian kernel did not become fast within 30 s on this CPU; fills keep the scalar formula");
        int[] ref = new int[4];
        p.fillGaussian(out, 0, 4099, 1_000_001, w);
        for (int j = 0; j < 4099; j++) {
            assertEquals(Float.floatToRawIntBits(referenceGaussian(p, 1_000_001 + j, ref)), Float.floatToRawIntBits(out[j]));
        }
        // Once compiled, a fill allocates nothing (scratch buffers are per thread, vectors stay in
        // registers): long and short runs, odd starts (one scalar value first) and masked tails.
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int n : new int[] {65_535, 4099, 100, 33}) {
            for (int r = 0; r < 1000; r++) p.fillGaussian(out, 1, n, 2L * r + 1, w); // the caller's own JIT warm-up
            long least = Long.MAX_VALUE;
            for (int r = 0; r < 20; r++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                p.fillGaussian(out, 1, n, 2L * r + 1, w);
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, least, "bytes allocated by a compiled fill of " + n + " values");
        }
    }
}
