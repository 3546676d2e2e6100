package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Greedy, top-p and the combined filters of {@link Sampling}. */
class SamplingTest {
    @Test
    void nucleusKeepsTheSmallestSetReachingP() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        for (float u : new float[] {0f, 0.5f, 0.99f}) assertEquals(0, Sampling.sample(logits, 1f, 0, 0.45f, u), "p 0.45 keeps the top token");
        // p = 0.7: {0, 1}, renormalised 0.625 / 0.375
        assertEquals(0, Sampling.sample(logits, 1f, 0, 0.7f, 0.62f));
        assertEquals(1, Sampling.sample(logits, 1f, 0, 0.7f, 0.63f));
        assertEquals(1, Sampling.sample(logits, 1f, 0, 0.7f, 0.999f));
        // p = 0.9: all three, as without the filter
        assertEquals(2, Sampling.sample(logits, 1f, 0, 0.9f, 0.95f));
        // a tiny p still keeps one token
        assertEquals(0, Sampling.sample(logits, 1f, 0, 1e-6f, 0.9f));
        // ties are ordered by index: two equal tokens and p below their mass keeps the first
        float[] tied = {0f, 1f, 1f};
        for (float u : new float[] {0f, 0.7f}) assertEquals(1, Sampling.sample(tied, 1f, 0, 0.3f, u));
    }

    @Test
    void greedyAndTheUnfilteredPathAreTheOldSampler() {
        float[] l = {0.5f, 2f, -1f, 2f};
        for (float u : new float[] {0f, 0.5f, 0.99f}) assertEquals(1, Sampling.sample(l, 0f, 0, 1f, u), "temperature 0: first argmax");
        Philox rng = Philox.stream(1, "sampling-test");
        float[] row = new float[50];
        for (int trial = 0; trial < 200; trial++) {
            rng.derive(trial).fillGaussian(row, 0, row.length, 0);
            float u = rng.uniform(trial);
            assertEquals(Sampling.sample(row, 0.8f, 7, u), Sampling.sample(row, 0.8f, 7, 1f, u));
        }
        assertThrows(IllegalArgumentException.class, () -> Sampling.sample(l, 1f, 0, 0f, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> Sampling.sample(l, 1f, 0, 1.5f, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> Sampling.sample(l, -1f, 0, 1f, 0.5f));
    }

    /**
     * On random logits, the draws over a fine grid of u follow the kept set of Hugging Face's
     * {@code TopKLogitsWarper} then {@code TopPLogitsWarper} (written here as HF states it: sort
     * ascending, drop the tokens whose cumulative probability is ≤ 1 − p, keep the last), with the
     * kept probabilities renormalised.
     */
    @Test
    void drawsFollowHuggingFacesFilters() {
        Philox rng = Philox.stream(2, "sampling-test");
        int v = 30;
        int grid = 5000;
        float[] logits = new float[v];
        int trial = 0;
        for (float temperature : new float[] {0.7f, 1.3f}) {
            for (int topK : new int[] {0, 8}) {
                for (float p : new float[] {0.3f, 0.6f, 0.9f, 0.97f}) {
                    rng.derive(trial++).fillGaussian(logits, 0, v, 0);
                    double[] expected = hfFiltered(logits, temperature, topK, p);
                    int[] counts = new int[v];
                    for (int i = 0; i < grid; i++) counts[Sampling.sample(logits, temperature, topK, p, (i + 0.5f) / grid)]++;
                    for (int j = 0; j < v; j++) {
                        assertEquals(expected[j], counts[j] / (double) grid, 2.0 / grid,
                                "T " + temperature + " k " + topK + " p " + p + " token " + j);
                    }
                }
            }
        }
    }

    static double[] hfFiltered(float[] logits, float temperature, int topK, float p) {
        int v = logits.length;
        double[] s = new double[v];
        for (int i = 0; i < v; i++) s[i] = logits[i] / (double) temperature;
        if (topK > 0) {
            double[] sorted = s.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - topK];
            for (int i = 0; i < v; i++) if (s[i] < kth) s[i] = Double.NEGATIVE_INFINITY;
        }
        double[] prob = softmax(s);
        Integer[] asc = new Integer[v];
        for (int i = 0; i < v; i++) asc[i] = i;
        Arrays.sort(asc, (a, b) -> Double.compare(prob[a], prob[b]));
        double cum = 0;
        for (int r = 0; r < v - 1; r++) {
            cum += prob[asc[r]];
            if (cum <= 1 - p) s[asc[r]] = Double.NEGATIVE_INFINITY;
        }
        return softmax(s);
    }

    static double[] softmax(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : s) max = Math.max(max, x);
        double[] e = new double[s.length];
        double total = 0;
        for (int i = 0; i < s.length; i++) total += e[i] = Math.exp(s[i] - max);
        for (int i = 0; i < s.length; i++) e[i] /= total;
        return e;
    }
}
