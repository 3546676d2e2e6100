package dev.descent.nn;

import java.util.Arrays;

/** Temperature and top-k sampling from a row of logits (nanoGPT's {@code generate} step). */
public final class Sampling {
    private Sampling() {}

    /** The token drawn by inverse CDF with uniform {@code u} in [0, 1). Ties at the k-th logit are kept. */
    public static int sample(float[] logits, float temperature, int topK, float u) {
        int v = logits.length;
        double[] scaled = new double[v];
        for (int i = 0; i < v; i++) scaled[i] = logits[i] / (double) temperature;
        if (topK > 0 && topK < v) {
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - topK];
            for (int i = 0; i < v; i++) if (scaled[i] < kth) scaled[i] = Double.NEGATIVE_INFINITY;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scaled) max = Math.max(max, s);
        double total = 0;
        for (int i = 0; i < v; i++) {
            scaled[i] = StrictMath.exp(scaled[i] - max);
            total += scaled[i];
        }
        double target = u * total;
        double acc = 0;
        int lastNonZero = 0;
        for (int i = 0; i < v; i++) {
            if (scaled[i] > 0) lastNonZero = i;
            acc += scaled[i];
            if (target < acc) return i;
        }
        return lastNonZero;
    }
}
