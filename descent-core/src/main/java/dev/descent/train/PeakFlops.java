package dev.descent.train;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Philox;

/**
 * Measures this machine's GEMM rate (the denominator of model FLOPs utilisation): the best of ten
 * square float32 multiplications of size 512 with the current thread count, once the kernel is
 * compiled. The best, not the median, because a peak is what the utilisation is measured against
 * and a shared machine only ever makes a sample slower.
 *
 * <p>"Compiled" is judged from the timings, not from a fixed time: the warm-up runs in rounds of
 * {@value #ROUND_MILLIS} ms and stops once a round's fastest call is no more than 5% faster than
 * the round before (at most {@value #MAX_ROUNDS} rounds). A fixed second was not enough inside a
 * training run, where the JIT's queue is still full of the model's own methods when the peak is
 * taken: the GEMM was measured before its compiled form arrived, at 65 GFLOPS against 380 in a
 * fresh process, and the reported utilisation came out above 100%.
 */
public final class PeakFlops {
    static final int ROUND_MILLIS = 250;
    static final int MAX_ROUNDS = 40;

    private PeakFlops() {}

    public static double measureGflops() {
        int n = 512;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        Philox.stream(0, "peak-flops").fillUniform(a, 0, a.length, 0);
        Philox.stream(1, "peak-flops").fillUniform(b, 0, b.length, 0);
        double previous = Double.MAX_VALUE;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            double best = Double.MAX_VALUE;
            long start = System.nanoTime();
            while (System.nanoTime() - start < ROUND_MILLIS * 1_000_000L) best = Math.min(best, time(a, b, c, n));
            if (round > 0 && best >= 0.95 * previous) break;
            previous = Math.min(previous, best);
        }
        double[] t = new double[10];
        for (int r = 0; r < t.length; r++) t[r] = time(a, b, c, n);
        java.util.Arrays.sort(t);
        return 2.0 * n * n * n / t[0] / 1e9;
    }

    private static double time(float[] a, float[] b, float[] c, int n) {
        long s = System.nanoTime();
        Gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return (System.nanoTime() - s) * 1e-9;
    }
}
