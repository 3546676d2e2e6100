package dev.descent.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CausalAttentionTest {
    /**
     * The row-blocked product that the attention computes its scores and dP̃ with gives, on and below
     * the diagonal (the entries a causal row reads), the bits of the full product α A Bᵀ: block sizes
     * that fit T exactly, leave a partial last block, or are larger than T; head widths on the GEMM's
     * small-product loops and its micro-kernel (where the product is one call over the tiles that
     * reach the diagonal), and one above its k block (256); one and two threads.
     */
    @Test
    void lowerRowsGivesTheBitsOfTheFullProductOnAndBelowTheDiagonal() {
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int t : new int[] {5, 31, 32, 33, 64, 100, 128, 256}) {
                    for (int d : new int[] {8, 32, 64, 300}) {
                        check(t, d, threads);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static void check(int t, int d, int threads) {
        SplittableRandom r = new SplittableRandom(31L * t + d);
        int lda = d + 3, ldb = 2 * d;
        float[] a = new float[5 + t * lda];
        float[] b = new float[7 + t * ldb];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextDouble() * 2 - 1);
        float alpha = (float) (1 / Math.sqrt(d));
        float[] full = new float[t * t];
        Gemm.gemm(false, true, t, t, d, alpha, a, 5, lda, b, 7, ldb, 0f, full, 0, t);
        float[] lower = new float[2 + t * t];
        CausalAttention.lowerRows(t, d, alpha, a, 5, lda, b, 7, ldb, lower, 2);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(Float.floatToRawIntBits(full[i * t + j]), Float.floatToRawIntBits(lower[2 + i * t + j]),
                        "t = " + t + ", d = " + d + ", threads = " + threads + ", at (" + i + ", " + j + ")");
            }
        }
    }
}
