package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link GaussianKernel} gives the bits of the Box–Muller formula with StrictMath, exhaustively
 * over its two 24-bit inputs, and a Gaussian fill allocates nothing.
 */
class GaussianKernelTest {
    /** The formula with StrictMath, as the Gaussian fills computed it before the kernel. */
    static float reference(int a, int b) {
        double u1 = ((a >>> 8) + 1) * 0x1.0p-24;
        double u2 = (b >>> 8) * 0x1.0p-24;
        return (float) (Math.sqrt(-2.0 * StrictMath.log(u1)) * referenceCosTwoPi(u2));
    }

    static double referenceCosTwoPi(double u) {
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

    @Test
    void logEqualsStrictMathForEveryRadiusInput() {
        for (int m = 1; m <= 1 << 24; m++) {
            double u = m * 0x1.0p-24;
            long want = Double.doubleToRawLongBits(StrictMath.log(u));
            long got = Double.doubleToRawLongBits(GaussianKernel.log(u));
            if (want != got) assertEquals(StrictMath.log(u), GaussianKernel.log(u), "log(" + m + " * 2^-24)");
        }
    }

    @Test
    void cosTwoPiEqualsStrictMathForEveryAngleInput() {
        for (int q = 0; q < 1 << 24; q++) {
            double u = q * 0x1.0p-24;
            long want = Double.doubleToRawLongBits(referenceCosTwoPi(u));
            long got = Double.doubleToRawLongBits(GaussianKernel.cosTwoPi(u));
            if (want != got) assertEquals(referenceCosTwoPi(u), GaussianKernel.cosTwoPi(u), "cos 2pi(" + q + " * 2^-24)");
            assertEquals(want, Double.doubleToRawLongBits(Philox.cosTwoPi(u)));
        }
    }

    @Test
    void fillsMatchTheFormulaAtOddStartsAndLengths() {
        Philox p = Philox.stream(1234, "test/gaussian");
        int[] w = new int[4];
        for (long start : new long[] {0, 1, 3, 1L << 33}) {
            for (int n : new int[] {1, 2, 7, 1000}) {
                float[] out = new float[n + 2];
                p.fillGaussian(out, 1, n, start, w);
                for (int j = 0; j < n; j++) {
                    long u = 2 * (start + j);
                    int[] b = new int[4];
                    p.block(u >>> 2, b);
                    int lane = (int) (u & 3);
                    assertEquals(Float.floatToRawIntBits(reference(b[lane], b[lane + 1])), Float.floatToRawIntBits(out[1 + j]));
                    assertEquals(out[1 + j], p.gaussian(start + j));
                }
                assertEquals(0f, out[0]);
                assertEquals(0f, out[n + 1]);
            }
        }
    }

    @Test
    void compiledFillAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Philox p = Philox.stream(7, 3);
        float[] out = new float[4096];
        int[] w = new int[4];
        for (int i = 0; i < 2000; i++) p.fillGaussian(out, 1, 4095, 5L * i, w); // JIT warm-up
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 200; i++) p.fillGaussian(out, 1, 4095, 11L * i, w);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 4096, "fillGaussian allocated " + allocated + " bytes over 200 calls");
    }
}
