package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.descent.tensor.Philox;
import org.junit.jupiter.api.Test;

/**
 * The decode step's {@code y = Σ_j p_j V[j, :]} keeps its accumulators in registers; each element must
 * still be the FMA chain over j in order from 0 ({@code a = fma(p_j, V[j, i], a)}), bit for bit, for
 * head dimensions that use the four-vector blocks, single vectors and the scalar tail.
 */
class CachedAttentionSumTest {
    @Test
    void weightedSumIsTheInOrderFmaChainOfEachElement() {
        Philox rng = Philox.stream(11, "test/weighted-sum");
        long k = 0;
        for (int d : new int[] {1, 3, 8, 16, 24, 32, 40, 64, 72, 130}) {
            for (int len : new int[] {1, 2, 7, 64, 257}) {
                float[] p = new float[len + 3];
                float[] v = new float[5 + len * d];
                for (int i = 0; i < p.length; i++) p[i] = rng.uniform(k++);
                for (int i = 0; i < v.length; i++) v[i] = rng.gaussian(k++);
                float[] expected = new float[d + 4];
                for (int i = 0; i < d; i++) {
                    float a = 0f;
                    for (int j = 0; j < len; j++) a = Math.fma(p[j], v[5 + j * d + i], a);
                    expected[2 + i] = a;
                }
                float[] y = new float[d + 4];
                CachedForward.weightedSum(p, len, v, 5, d, y, 2);
                assertArrayEquals(expected, y, "d " + d + " len " + len);
            }
        }
    }
}
