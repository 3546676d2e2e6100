package dev.descent.train;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Philox;

/**
 * Measures this machine's GEMM rate (the denominator of model FLOPs utilisation): the best of ten
 * square float32 multiplications of size 512 with the current thread count, after a second of
 * warm-up so that the kernel is compiled. The best, not the median, because a peak is what the
 * utilisation is measured against and a shared machine only ever makes a sample slower.
 */
public final class PeakFlops {
    private PeakFlops() {}

    public static double measureGflops() {
        int n = 512;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        Philox.stream(0, "peak-flops").fillUniform(a, 0, a.length, 0);
        Philox.stream(1, "peak-flops").fillUniform(b, 0, b.length, 0);
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 1_000_000_000L) Gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        double[] t = new double[10];
        for (int r = 0; r < t.length; r++) {
            long s = System.nanoTime();
            Gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            t[r] = (System.nanoTime() - s) * 1e-9;
        }
        java.util.Arrays.sort(t);
        return 2.0 * n * n * n / t[0] / 1e9;
    }
}
