package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static final int[] EDGE = {1, 7, 17, 33, 65, 129};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {1f, 1f}, {0.5f, -2f}, {-1.5f, 0.25f}, {2f, 0f}};

    private int savedThreads;

    @BeforeEach
    void saveThreads() { savedThreads = Parallel.threads(); }

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    /** A stored matrix: array sized exactly to its last element, so any over-read throws. */
    private record Mat(float[] data, int off, int ld, int rows, int cols) {
        float get(int r, int c) { return data[off + r * ld + c]; }
    }

    private static Mat random(SplittableRandom rnd, int rows, int cols, boolean pad) {
        int off = pad ? rnd.nextInt(5) : 0;
        int ld = cols + (pad ? rnd.nextInt(4) : 0);
        int len = rows == 0 || cols == 0 ? off : off + (rows - 1) * ld + cols;
        float[] d = new float[len];
        for (int i = 0; i < len; i++) d[i] = (float) (rnd.nextDouble() * 2 - 1);
        return new Mat(d, off, ld, rows, cols);
    }

    /**
     * Checks C against a double-precision reference.
     *
     * <p>Tolerance: each entry is a float sum of k products accumulated with FMA (one rounding per
     * step), after rounding {@code alpha * a} once, plus one rounding for the beta combination. The
     * classic bound for a recursive sum of k terms in any order is {@code gamma_k * sum|terms|} with
     * {@code gamma_k ~ k * 2^-24}; we allow {@code (k + 3) * 2^-23 * (|alpha| sum_p |a||b| + |beta||c|)},
     * i.e. a factor 2 over the bound, and a tiny absolute floor for entries whose bound is 0.
     */
    private static void check(boolean tA, boolean tB, int m, int n, int k, float alpha, Mat a, Mat b, float beta,
            Mat c0, float[] got, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double x = tA ? a.get(p, i) : a.get(i, p);
                    double y = tB ? b.get(j, p) : b.get(p, j);
                    s += x * y;
                    mag += Math.abs(x * y);
                }
                double ref = alpha * s;
                mag *= Math.abs(alpha);
                if (beta != 0f) {
                    ref += beta * (double) c0.get(i, j);
                    mag += Math.abs(beta * (double) c0.get(i, j));
                }
                double tol = (k + 3) * Math.scalb(1.0, -23) * mag + 1e-30;
                float v = got[c0.off + i * c0.ld + j];
                if (!(Math.abs(v - ref) <= tol)) {
                    fail(what + ": C[" + i + "," + j + "] = " + v + ", expected " + ref + " +- " + tol);
                }
            }
        }
    }

    private static float[] runGemm(boolean tA, boolean tB, int m, int n, int k, float alpha, Mat a, Mat b, float beta, Mat c) {
        float[] out = c.data.clone();
        Gemm.gemm(tA, tB, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, out, c.off, c.ld);
        return out;
    }

    private static void caseVsReference(SplittableRandom rnd, boolean tA, boolean tB, int m, int n, int k,
            float alpha, float beta, boolean pad) {
        Mat a = tA ? random(rnd, k, m, pad) : random(rnd, m, k, pad);
        Mat b = tB ? random(rnd, n, k, pad) : random(rnd, k, n, pad);
        Mat c = random(rnd, m, n, pad);
        if (beta == 0f) Arrays.fill(c.data, Float.NaN); // must never be read
        float[] got = runGemm(tA, tB, m, n, k, alpha, a, b, beta, c);
        String what = "tA=" + tA + " tB=" + tB + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta;
        check(tA, tB, m, n, k, alpha, a, b, beta, c, got, what);
        // entries outside the m x n window (offset and padding) are untouched
        for (int i = 0; i < c.data.length; i++) {
            int r = i - c.off;
            boolean inside = r >= 0 && r % c.ld < n && r / c.ld < m;
            if (!inside) assertEquals(Float.floatToRawIntBits(c.data[i]), Float.floatToRawIntBits(got[i]), what + " wrote outside C at " + i);
        }
    }

    @Test
    void edgeSizesAllTransposesAgainstReference() {
        SplittableRandom rnd = new SplittableRandom(1);
        int[] ks = {0, 1, 7, 17, 33, 65, 129};
        int idx = 0;
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                for (int m : EDGE) {
                    for (int n : EDGE) {
                        for (int k : ks) {
                            float[] ab = ALPHA_BETA[idx++ % ALPHA_BETA.length];
                            caseVsReference(rnd, tA, tB, m, n, k, ab[0], ab[1], (idx & 1) == 0);
                        }
                    }
                }
            }
        }
    }

    @Test
    void largerShapesCrossingBlockBoundaries() {
        SplittableRandom rnd = new SplittableRandom(2);
        // past MC = 128 rows and KC = 256 (two or three k blocks), past NC = 512 columns, thin shapes
        int[][] shapes = {{136, 70, 300}, {20, 530, 270}, {257, 40, 513}, {9, 300, 100}, {200, 33, 40}};
        int idx = 0;
        for (int[] s : shapes) {
            for (boolean tA : new boolean[] {false, true}) {
                for (boolean tB : new boolean[] {false, true}) {
                    float[] ab = ALPHA_BETA[idx++ % ALPHA_BETA.length];
                    caseVsReference(rnd, tA, tB, s[0], s[1], s[2], ab[0], ab[1], true);
                }
            }
        }
    }

    /**
     * The lower-triangle product gives the bits of the full {@code A Bᵀ} on and below the diagonal
     * (sizes that are and are not multiples of the 8 x 32 tile, one k block and two), leaves every
     * tile strictly above the diagonal untouched, and refuses a product below the packed path.
     */
    @Test
    void lowerTriangleGivesTheBitsOfTheFullProductOnAndBelowTheDiagonal() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int m : new int[] {40, 100, 256}) {
            for (int k : new int[] {32, 300}) {
                int lda = k + 1, ldb = k + 3, ldc = m + 2;
                float[] a = new float[m * lda], b = new float[m * ldb];
                for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
                for (int i = 0; i < b.length; i++) b[i] = (float) (rnd.nextDouble() * 2 - 1);
                float[] full = new float[m * ldc];
                Gemm.gemm(false, true, m, m, k, 0.125f, a, 0, lda, b, 0, ldb, 0f, full, 0, ldc);
                float[] lower = new float[m * ldc];
                Arrays.fill(lower, Float.NaN);
                Gemm.lowerTriangle(m, k, 0.125f, a, 0, lda, b, 0, ldb, lower, 0, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < m; j++) {
                        float got = lower[i * ldc + j];
                        if (j <= i) {
                            assertEquals(Float.floatToRawIntBits(full[i * ldc + j]), Float.floatToRawIntBits(got),
                                    "m = " + m + ", k = " + k + " at (" + i + ", " + j + ")");
                        } else if (j / 32 * 32 > i / 8 * 8 + 7) {
                            assertTrue(Float.isNaN(got), "tile above the diagonal written at (" + i + ", " + j + ")");
                        }
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.lowerTriangle(8, 8, 1f, new float[64], 0, 8, new float[64], 0, 8, new float[64], 0, 8));
    }

    @Test
    void kZeroScalesC() {
        SplittableRandom rnd = new SplittableRandom(3);
        Mat c = random(rnd, 5, 6, true);
        float[] a = new float[0];
        float[] got = runGemm(false, false, 5, 6, 0, 1f, new Mat(a, 0, 0, 5, 0), new Mat(a, 0, 6, 0, 6), 0.5f, c);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) assertEquals(0.5f * c.get(i, j), got[c.off + i * c.ld + j]);
        }
        Arrays.fill(c.data, Float.NaN);
        got = runGemm(false, false, 5, 6, 0, 1f, new Mat(a, 0, 0, 5, 0), new Mat(a, 0, 6, 0, 6), 0f, c);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) assertEquals(0f, got[c.off + i * c.ld + j]);
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int[] s : new int[][] {{3, 4, 5}, {100, 90, 80}, {64, 64, 600}}) {
            for (boolean tA : new boolean[] {false, true}) {
                for (boolean tB : new boolean[] {false, true}) {
                    caseVsReference(rnd, tA, tB, s[0], s[1], s[2], 1f, 0f, false);
                }
            }
        }
    }

    /**
     * Results must be bit-identical for 1, 2 and 3 threads (work is split over output tiles only):
     * wide shapes take the column split, tall ones (m &gt; n, among them 1003 rows, not a multiple
     * of the tile height, in 6 slices for 3 threads) the row split.
     */
    @Test
    void threadCountDoesNotChangeBits() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{768, 384, 128}, {128, 384, 768}, {9, 700, 300}, {100, 33, 1000}, {513, 65, 257}, {9, 70, 300},
                {1003, 96, 200}, {40, 39, 600}};
        for (int[] s : shapes) {
            for (boolean tA : new boolean[] {false, true}) {
                for (boolean tB : new boolean[] {false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    Mat a = tA ? random(rnd, k, m, true) : random(rnd, m, k, true);
                    Mat b = tB ? random(rnd, n, k, true) : random(rnd, k, n, true);
                    Mat c = random(rnd, m, n, true);
                    Parallel.setThreads(1);
                    float[] one = runGemm(tA, tB, m, n, k, 0.75f, a, b, 0.5f, c);
                    Parallel.setThreads(2);
                    float[] two = runGemm(tA, tB, m, n, k, 0.75f, a, b, 0.5f, c);
                    float[] twoAgain = runGemm(tA, tB, m, n, k, 0.75f, a, b, 0.5f, c);
                    Parallel.setThreads(3);
                    float[] three = runGemm(tA, tB, m, n, k, 0.75f, a, b, 0.5f, c);
                    assertArrayEquals(one, two, "threads 1 vs 2 for " + Arrays.toString(s) + " tA=" + tA + " tB=" + tB);
                    assertArrayEquals(two, twoAgain, "repeat with 2 threads");
                    assertArrayEquals(one, three, "threads 1 vs 3 for " + Arrays.toString(s) + " tA=" + tA + " tB=" + tB);
                    if (tA && tB) check(tA, tB, m, n, k, 0.75f, a, b, 0.5f, c, two, Arrays.toString(s));
                }
            }
        }
    }

    /**
     * A stored transposed (read in place by its own kernel) gives the same bits as the same values
     * stored untransposed: both kernels add the products of each output element in the same k
     * order with one FMA each, over the same k blocks. Shapes: edge tiles (m not a multiple of 8),
     * power-of-two row strides, two and three k blocks, the weight-gradient and attention shapes of
     * a small GPT; one and two threads, and each store mode.
     */
    @Test
    void transposedAGivesTheBitsOfItsExplicitTranspose() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] shapes = {{192, 64, 768}, {128, 32, 128}, {13, 70, 300}, {257, 40, 513}, {64, 512, 96}, {9, 33, 65}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean tB : new boolean[] {false, true}) {
                Mat at = random(rnd, k, m, true);                 // A^T as stored: k x m, padded rows
                float[] a = new float[m * k];                     // the same values stored m x k
                for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) a[i * k + p] = at.get(p, i);
                Mat plain = new Mat(a, 0, k, m, k);
                Mat b = tB ? random(rnd, n, k, true) : random(rnd, k, n, true);
                Mat c = random(rnd, m, n, true);
                for (float[] ab : ALPHA_BETA) {
                    for (int threads : new int[] {1, 2}) {
                        Parallel.setThreads(threads);
                        String what = Arrays.toString(s) + " tB=" + tB + " alpha=" + ab[0] + " beta=" + ab[1] + " threads=" + threads;
                        float[] stored = runGemm(true, tB, m, n, k, ab[0], at, b, ab[1], c);
                        float[] explicit = runGemm(false, tB, m, n, k, ab[0], plain, b, ab[1], c);
                        assertArrayEquals(explicit, stored, what);
                    }
                }
            }
        }
    }

    @Test
    void batchedMatchesSingleAndReference() {
        SplittableRandom rnd = new SplittableRandom(6);
        // attention-like: 48 x (64x32 . (64x32)^T) and 48 x (64x64 . 64x32), plus odd batch counts
        int[][] cases = {{48, 64, 64, 32, 0, 1}, {48, 64, 32, 64, 0, 0}, {3, 70, 50, 40, 1, 0}, {5, 9, 17, 33, 1, 1}};
        for (int[] cs : cases) {
            int batch = cs[0], m = cs[1], n = cs[2], k = cs[3];
            boolean tA = cs[4] == 1, tB = cs[5] == 1;
            int ar = tA ? k : m, ac = tA ? m : k, br = tB ? n : k, bc = tB ? k : n;
            int aOff = 3, bOff = 1, cOff = 2;
            long sA = (long) ar * ac + 5, sB = (long) br * bc, sC = (long) m * n + 1;
            float[] a = fill(rnd, (int) (aOff + batch * sA));
            float[] b = fill(rnd, (int) (bOff + batch * sB));
            float[] c = fill(rnd, (int) (cOff + batch * sC));
            for (float beta : new float[] {0f, 1f}) {
                float[] expected = c.clone();
                Parallel.setThreads(1);
                for (int i = 0; i < batch; i++) {
                    Gemm.gemm(tA, tB, m, n, k, 1.25f, a, (int) (aOff + i * sA), ac, b, (int) (bOff + i * sB), bc,
                            beta, expected, (int) (cOff + i * sC), n);
                }
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    float[] got = c.clone();
                    Gemm.gemmBatched(batch, tA, tB, m, n, k, 1.25f, a, aOff, ac, sA, b, bOff, bc, sB,
                            beta, got, cOff, n, sC);
                    assertArrayEquals(expected, got, "batched vs single, threads=" + threads + " " + Arrays.toString(cs));
                }
                Mat am = new Mat(a, aOff + (int) ((batch - 1) * sA), ac, ar, ac);
                Mat bm = new Mat(b, bOff + (int) ((batch - 1) * sB), bc, br, bc);
                Mat cm = new Mat(c, cOff + (int) ((batch - 1) * sC), n, m, n);
                check(tA, tB, m, n, k, 1.25f, am, bm, beta, cm, expected, "batched last " + Arrays.toString(cs));
            }
        }
    }

    /** Heads interleaved in C (ldc = heads * d, strideC = d), as attention outputs are laid out. */
    @Test
    void batchedInterleavedOutput() {
        SplittableRandom rnd = new SplittableRandom(7);
        int heads = 4, t = 40, d = 24;
        float[] p = fill(rnd, heads * t * t);
        float[] v = fill(rnd, t * heads * d); // (t, heads*d): head h is columns [h*d, (h+1)*d)
        float[] out = new float[t * heads * d];
        Arrays.fill(out, Float.NaN);
        Gemm.gemmBatched(heads, false, false, t, d, t, 1f, p, 0, t, (long) t * t, v, 0, heads * d, d,
                0f, out, 0, heads * d, d);
        for (int h = 0; h < heads; h++) {
            Mat am = new Mat(p, h * t * t, t, t, t);
            Mat bm = new Mat(v, h * d, heads * d, t, d);
            Mat cm = new Mat(out, h * d, heads * d, t, d);
            check(false, false, t, d, t, 1f, am, bm, 0f, cm, out, "head " + h);
        }
    }

    @Test
    void matmulOnTensors() {
        SplittableRandom rnd = new SplittableRandom(8);
        Tensor a = Tensor.of(fill(rnd, 40 * 30), 40, 30);
        Tensor b = Tensor.of(fill(rnd, 50 * 30), 50, 30);
        float[] backing = fill(rnd, 7 + 40 * 50);
        Tensor c = Tensor.view(backing, 7, 40, 50);
        float[] before = backing.clone();
        Gemm.matmul(a, false, b, true, c, true);
        float[] expected = before.clone();
        Gemm.gemm(false, true, 40, 50, 30, 1f, a.data(), 0, 30, b.data(), 0, 30, 1f, expected, 7, 50);
        assertArrayEquals(expected, backing);
        Gemm.matmul(a, false, b, true, c, false);
        Gemm.gemm(false, true, 40, 50, 30, 1f, a.data(), 0, 30, b.data(), 0, 30, 0f, expected, 7, 50);
        assertArrayEquals(expected, backing);
        assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(a, false, b, false, c, false));
        assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(a.reshape(-1), false, b, true, c, false));
    }

    @Test
    void invalidArgumentsAreRejected() {
        float[] x = new float[12];
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("leading dimension of A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 4, 4, 1f, x, 1, 4, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("A (3x4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, true, 3, 4, 4, 1f, x, 0, 4, x, 0, 3, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("leading dimension of B"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 3, 3, 1f, x, 0, 3, x, 0, 3, 0f, x, 4, 3));
        assertTrue(e.getMessage().contains("C (3x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 1, 1, 1, 1f, x, -1, 1, x, 0, 1, 0f, x, 0, 1));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemmBatched(3, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 4, 0f, x, 0, 2, 5));
        assertTrue(e.getMessage().contains("C (3 matrices"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemmBatched(-1, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 4, 0f, x, 0, 2, 4));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 2, 2, 2, 1f, null, 0, 2, x, 0, 2, 0f, x, 0, 2));
        // empty products touch nothing and need no storage
        Gemm.gemm(false, false, 0, 5, 5, 1f, new float[0], 0, 5, new float[25], 0, 5, 0f, new float[0], 0, 5);
    }

    private static float[] fill(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
