package dev.descent.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The EJML wrappers: golden values from NumPy float64 (quoted at each test), and invariants on random
 * matrices (reconstruction, orthogonality, ordering) to 1e-10 — float64 decompositions are backward stable
 * to a few ulps of ‖A‖, so 1e-10 on O(1)–O(10) matrices leaves room for the iteration without hiding a
 * wrong factor (which errs by O(1)).
 */
class LinalgTest {
    static final double TOL = 1e-10;
    /** A = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]], symmetric positive definite. */
    static final double[] SPD = {4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2};
    static final int[][] SHAPES = {{1, 1}, {1, 6}, {6, 1}, {5, 5}, {12, 5}, {5, 12}, {40, 90}, {90, 40}};

    static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextGaussian();
        return a;
    }

    /** C = A·B for row-major A (n×k), B (k×m); with {@code transB}, B is given as (m×k) and Bᵀ is used. */
    static double[] mul(double[] a, double[] b, int n, int k, int m, boolean transB) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double acc = 0;
                for (int l = 0; l < k; l++) acc += a[i * k + l] * (transB ? b[j * k + l] : b[l * m + j]);
                c[i * m + j] = acc;
            }
        }
        return c;
    }

    /** Qᵀ Q = I for the rows×k row-major Q. */
    static void assertOrthonormalColumns(double[] q, int rows, int k, String what) {
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double acc = 0;
                for (int r = 0; r < rows; r++) acc += q[r * k + i] * q[r * k + j];
                assertEquals(i == j ? 1.0 : 0.0, acc, TOL, what + " (" + i + "," + j + ")");
            }
        }
    }

    static void assertArrayClose(double[] expected, double[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
    }

    static double[] randomSpd(Random rnd, int n) {
        double[] b = random(rnd, n * n);
        double[] a = mul(b, b, n, n, n, true);    // B Bᵀ + n·I
        for (int i = 0; i < n; i++) a[i * n + i] += n;
        return a;
    }

    @Test
    void symmetricEigenMatchesNumpyAndReconstructs() {
        // np.linalg.eigh(A)[0]
        SymmetricEigen e = SymmetricEigen.of(SPD, 3);
        assertArrayClose(new double[] {1.8800869029150529, 2.3983430193369966, 4.72157007774795}, e.values(), 1e-12, "λ");
        Random rnd = new Random(5);
        for (int n : new int[] {1, 2, 7, 30}) {
            double[] a = randomSpd(rnd, n);
            SymmetricEigen d = SymmetricEigen.of(a, n);
            assertOrthonormalColumns(d.vectors(), n, n, "Q " + n);
            double[] ql = d.vectors().clone();
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) ql[i * n + j] *= d.values()[j];
            assertArrayClose(a, mul(ql, d.vectors(), n, n, n, true), TOL * n, "Q Λ Qᵀ " + n);
            for (int j = 1; j < n; j++) assertTrue(d.values()[j - 1] <= d.values()[j], "ascending");
        }
    }

    @Test
    void svdMatchesNumpyAndReconstructs() {
        // np.linalg.svd([[0.1, -0.3], [0.2, 0.05], [0.4, -0.1]], compute_uv=False)
        Svd g = Svd.of(new double[] {0.1, -0.3, 0.2, 0.05, 0.4, -0.1}, 3, 2);
        assertArrayClose(new double[] {0.4866258495277354, 0.2751277568174644}, g.sigma(), 1e-12, "σ");
        Random rnd = new Random(9);
        for (int[] sh : SHAPES) {
            int rows = sh[0], cols = sh[1], k = Math.min(rows, cols);
            double[] a = random(rnd, rows * cols);
            Svd s = Svd.of(a, rows, cols);
            assertOrthonormalColumns(s.u(), rows, k, "U " + rows + "x" + cols);
            assertOrthonormalColumns(s.v(), cols, k, "V " + rows + "x" + cols);
            double[] us = s.u().clone();
            for (int i = 0; i < rows; i++) for (int j = 0; j < k; j++) us[i * k + j] *= s.sigma()[j];
            assertArrayClose(a, mul(us, s.v(), rows, k, cols, true), TOL, "U Σ Vᵀ " + rows + "x" + cols);
            for (int j = 0; j < k; j++) {
                assertTrue(s.sigma()[j] >= 0, "σ ≥ 0");
                if (j > 0) assertTrue(s.sigma()[j - 1] >= s.sigma()[j], "descending");
            }
        }
    }

    @Test
    void qrReconstructsWithTriangularR() {
        Random rnd = new Random(13);
        for (int[] sh : SHAPES) {
            int rows = sh[0], cols = sh[1], k = Math.min(rows, cols);
            double[] a = random(rnd, rows * cols);
            Qr qr = Qr.of(a, rows, cols);
            assertOrthonormalColumns(qr.q(), rows, k, "Q " + rows + "x" + cols);
            for (int i = 0; i < k; i++) for (int j = 0; j < Math.min(i, cols); j++) assertEquals(0.0, qr.r()[i * cols + j], "R below diagonal");
            assertArrayClose(a, mul(qr.q(), qr.r(), rows, k, cols, false), TOL, "Q R " + rows + "x" + cols);
        }
    }

    @Test
    void choleskyMatchesNumpyAndRefusesIndefinite() {
        // np.linalg.cholesky(A)
        assertArrayClose(new double[] {2.0, 0.0, 0.0, 0.5, 1.6583123951777, 0.0, 0.25, 0.04522670168666455, 1.391206147720224},
                Cholesky.of(SPD, 3).lower(), 1e-12, "L");
        Random rnd = new Random(17);
        double[] a = randomSpd(rnd, 12);
        double[] l = Cholesky.of(a, 12).lower();
        assertArrayClose(a, mul(l, l, 12, 12, 12, true), TOL * 12, "L Lᵀ");
        var e = assertThrows(IllegalArgumentException.class, () -> Cholesky.of(new double[] {1, 2, 2, 1}, 2));
        assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
    }

    @Test
    void inversePthRootMatchesNumpyAndInverts() {
        // Q diag(λ^(-1/4)) Qᵀ from np.linalg.eigh(A)
        assertArrayClose(new double[] {0.7187085200954476, -0.0541857295224491, -0.03244140460219661, -0.05418572952244909,
                0.7712132799535911, -0.009614622512267693, -0.032441404602196605, -0.009614622512267678, 0.846029091719789},
                MatrixFunctions.inversePthRoot(SPD, 3, 4), 1e-12, "A^(-1/4)");
        Random rnd = new Random(19);
        int n = 10;
        double[] a = randomSpd(rnd, n);
        for (int p : new int[] {1, 2, 4}) {
            double[] r = MatrixFunctions.inversePthRoot(a, n, p);
            double[] prod = a;                        // A · R^p = I
            for (int i = 0; i < p; i++) prod = mul(prod, r, n, n, n, false);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) assertEquals(i == j ? 1.0 : 0.0, prod[i * n + j], TOL * n, "p=" + p);
        }
        assertThrows(IllegalArgumentException.class, () -> MatrixFunctions.inversePthRoot(new double[] {1, 2, 2, 1}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> MatrixFunctions.inversePthRoot(SPD, 3, 0));
    }

    @Test
    void polarFactorOfARankDeficientMatrixIsThePartialIsometry() {
        // G = x yᵀ (rank 1): U Vᵀ = x yᵀ/(‖x‖‖y‖), ‖G‖_* = ‖x‖‖y‖
        double[] x = {1, 2, 2};
        double[] y = {3, 4};
        double[] g = new double[6];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) g[i * 2 + j] = x[i] * y[j];
        double[] p = g.clone();
        double nuclear = new PolarFactor().polar(p, 3, 2);
        assertEquals(15.0, nuclear, 1e-12);
        for (int i = 0; i < 6; i++) assertEquals(g[i] / 15.0, p[i], 1e-12);
        double[] zero = new double[6];
        assertEquals(0.0, new PolarFactor().polar(zero, 2, 3));
        for (double z : zero) assertEquals(0.0, z);
        assertArrayClose(p, MatrixFunctions.polar(g, 3, 2), 0, "allocating form");
    }

    @Test
    void aNonFiniteMatrixHasANanPolarFactor() {
        // a diverged step: the factor and the norm are NaN (no exception), so the caller's finiteness check sees it
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            double[] g = {1, 2, bad, 4, 5, 6};
            double nuclear = new PolarFactor().polar(g, 2, 3);
            assertTrue(Double.isNaN(nuclear));
            for (double v : g) assertTrue(Double.isNaN(v));
        }
    }

    @Test
    void polarWorkspaceDoesNotAllocateAfterTheFirstCallPerShape() {
        Random rnd = new Random(23);
        double[] a = random(rnd, 48 * 16);
        double[] b = random(rnd, 7 * 9);
        PolarFactor ws = new PolarFactor();
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20; i++) {                // warm-up (JIT), alternating shapes
            ws.polar(a.clone(), 48, 16);
            ws.polar(b.clone(), 7, 9);
        }
        double[] a1 = a.clone();
        double[] b1 = b.clone();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50; i++) {
            System.arraycopy(a, 0, a1, 0, a.length);
            ws.polar(a1, 48, 16);
            System.arraycopy(b, 0, b1, 0, b.length);
            ws.polar(b1, 7, 9);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        // a fresh 48×16 decomposition alone is > 10 KB; allow small JIT bookkeeping noise
        assertTrue(allocated < 50 * 1024, "allocated " + allocated + " bytes in 100 calls");
    }
}
