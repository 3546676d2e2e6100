package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.Problems;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The curvature estimators are unbiased: the mean of many draws approaches the exact diagonal.
 *
 * <p>Tolerances are statistical and derived per element: with N independent draws of variance σ²,
 * the mean lies within 5σ/√N of its expectation except with probability ≈ 6e-7 (and the draws are
 * seeded, so the test is deterministic); σ² is computed from the exact matrices below. A float32
 * allowance of 1e-5 relative covers the rounding of each draw (a few float32 ulps, averaged).
 */
class CurvatureEstimatorTest {
    static final int N = 20_000;

    /** The exact matrix H(params) from Hessian-vector products with unit vectors. */
    static double[][] hessian(Problem p, float[] x) {
        int n = x.length;
        double[][] h = new double[n][n];
        float[] e = new float[n];
        float[] col = new float[n];
        for (int j = 0; j < n; j++) {
            Arrays.fill(e, 0f);
            e[j] = 1f;
            p.hessianVectorProduct(x, e, col);
            for (int i = 0; i < n; i++) h[i][j] = col[i];
        }
        return h;
    }

    static double[] meanOf(CurvatureEstimator est, float[] x, int draws) {
        double[] mean = new double[x.length];
        float[] out = new float[x.length];
        for (int s = 1; s <= draws; s++) {
            est.estimate(x, out, s);
            for (int i = 0; i < x.length; i++) mean[i] += out[i];
        }
        for (int i = 0; i < x.length; i++) mean[i] /= draws;
        return mean;
    }

    static void assertWithin(double[] expected, double[] variance, double[] mean, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = 5 * Math.sqrt(variance[i] / N) + 1e-5 * Math.abs(expected[i]) + 1e-9;
            assertEquals(expected[i], mean[i], tol, what + "[" + i + "]");
        }
    }

    // ------------------------------------------------------------------ Hutchinson

    @Test
    void rademacherHutchinsonIsExactForADiagonalHessian() {
        Problem q = Problems.byName("quadratic");
        var est = HutchinsonEstimator.of(q, 7);
        float[] out = new float[10];
        for (long step = 1; step <= 5; step++) {
            est.estimate(q.start(), out, step);
            for (int i = 0; i < 10; i++) assertEquals(i + 1, out[i], 0f, "u_i² = 1, so u ⊙ (D u) = diag(D) exactly");
        }
    }

    @Test
    void hutchinsonMeanApproachesTheHessianDiagonal() {
        for (String name : new String[] {"rosenbrock", "matrix-fit"}) {
            Problem p = Problems.byName(name);
            float[] x = p.start();
            double[][] h = hessian(p, x);
            int n = x.length;
            double[] diag = new double[n];
            double[] varRademacher = new double[n];
            double[] varGaussian = new double[n];
            for (int i = 0; i < n; i++) {
                diag[i] = h[i][i];
                double off = 0;
                for (int j = 0; j < n; j++) if (j != i) off += h[i][j] * h[i][j];
                varRademacher[i] = off;                         // Var[u_i Σ_j H_ij u_j] with u_i = ±1
                varGaussian[i] = 2 * h[i][i] * h[i][i] + off;   // E[u⁴] = 3 for u ~ N(0, 1)
            }
            for (var probe : HutchinsonEstimator.Probe.values()) {
                var est = new HutchinsonEstimator(n, p::hessianVectorProduct, 99, probe);
                double[] mean = meanOf(est, x, N);
                assertWithin(diag, probe == HutchinsonEstimator.Probe.RADEMACHER ? varRademacher : varGaussian, mean, name + " " + probe);
            }
        }
    }

    @Test
    void probesAreKeyedBySeedAndStep() {
        Problem r = Problems.byName("matrix-fit");
        var a = HutchinsonEstimator.of(r, 1);
        float[] u1 = new float[32];
        float[] u1again = new float[32];
        float[] u2 = new float[32];
        a.fillProbe(1, u1);
        HutchinsonEstimator.of(r, 1).fillProbe(1, u1again);
        a.fillProbe(2, u2);
        assertArrayEquals(u1, u1again);
        assertFalse(Arrays.equals(u1, u2));
        int plus = 0;
        float[] big = new float[100_000];
        new HutchinsonEstimator(big.length, (p, v, o) -> {}, 3, HutchinsonEstimator.Probe.RADEMACHER).fillProbe(5, big);
        for (float v : big) {
            assertTrue(v == 1f || v == -1f);
            if (v > 0) plus++;
        }
        // Binomial(1e5, 1/2): sd 158; 5 sd = 790.
        assertEquals(50_000, plus, 790);
    }

    @Test
    void sizeMismatchIsRefused() {
        var est = HutchinsonEstimator.of(Problems.byName("rosenbrock"), 1);
        assertThrows(IllegalArgumentException.class, () -> est.estimate(new float[3], new float[3], 1));
    }

    // ------------------------------------------------------------------ Gauss–Newton–Bartlett

    /**
     * E[(Jᵀε)_i²] = (JᵀJ)_ii and Var[(Jᵀε)_i²] = 2 (JᵀJ)_ii² ((Jᵀε)_i is normal with variance (JᵀJ)_ii).
     * JᵀJ is built column by column from {@link Problem#jacobianTransposeTimes} with unit residual vectors.
     */
    @Test
    void gaussNewtonBartlettMeanApproachesTheGaussNewtonDiagonal() {
        for (String name : new String[] {"quadratic", "rosenbrock", "matrix-fit"}) {
            Problem p = Problems.byName(name);
            float[] x = p.start();
            int n = x.length;
            double[] diag = new double[n];
            float[] e = new float[p.residuals()];
            float[] jrow = new float[n];
            for (int j = 0; j < p.residuals(); j++) {
                Arrays.fill(e, 0f);
                e[j] = 1f;
                p.jacobianTransposeTimes(x, e, jrow);  // row j of J
                for (int i = 0; i < n; i++) diag[i] += (double) jrow[i] * jrow[i];
            }
            double[] var = new double[n];
            for (int i = 0; i < n; i++) var[i] = 2 * diag[i] * diag[i];
            double[] mean = meanOf(GaussNewtonBartlettEstimator.forLeastSquares(p, 5), x, N);
            assertWithin(diag, var, mean, name);
        }
    }

    /** Rosenbrock's Gauss–Newton diagonal in closed form: J = [[−1, 0], [−20x, 10]], diag(JᵀJ) = (1 + 400x², 100). */
    @Test
    void gaussNewtonDiagonalOfRosenbrockInClosedForm() {
        Problem p = Problems.byName("rosenbrock");
        float[] x = p.start();
        double[] diag = {1 + 400.0 * x[0] * x[0], 100};
        double[] var = {2 * diag[0] * diag[0], 2 * diag[1] * diag[1]};
        assertWithin(diag, var, meanOf(GaussNewtonBartlettEstimator.forLeastSquares(p, 77), x, N), "rosenbrock");
    }

    /** For a linear least-squares problem the Gauss–Newton matrix is the Hessian. */
    @Test
    void matrixFitGaussNewtonEqualsHessianDiagonal() {
        Problem p = Problems.byName("matrix-fit");
        float[] x = p.start();
        double[][] h = hessian(p, x);
        double[] mean = meanOf(GaussNewtonBartlettEstimator.forLeastSquares(p, 8), x, N);
        for (int i = 0; i < x.length; i++) {
            assertEquals(h[i][i], mean[i], 5 * Math.sqrt(2 / (double) N) * h[i][i] + 1e-6, "w[" + i + "]");
        }
    }

    @Test
    void batchFactorMultipliesTheSquaredGradient() {
        var est = new GaussNewtonBartlettEstimator(3, (p, out, step) -> {
            out[0] = 0.5f;
            out[1] = -2f;
            out[2] = 0f;
            return 4;
        });
        float[] out = new float[3];
        est.estimate(new float[3], out, 1);
        assertArrayEquals(new float[] {1f, 16f, 0f}, out);
        var bad = new GaussNewtonBartlettEstimator(1, (p, out2, step) -> 0);
        assertThrows(IllegalStateException.class, () -> bad.estimate(new float[1], new float[1], 1));
    }

    @Test
    void drawsAreKeyedByStep() {
        Problem p = Problems.byName("rosenbrock");
        var a = GaussNewtonBartlettEstimator.forLeastSquares(p, 3);
        var b = GaussNewtonBartlettEstimator.forLeastSquares(p, 3);
        float[] o1 = new float[2];
        float[] o2 = new float[2];
        float[] o3 = new float[2];
        a.estimate(p.start(), o1, 9);
        b.estimate(p.start(), o2, 9);
        a.estimate(p.start(), o3, 10);
        assertArrayEquals(o1, o2);
        assertFalse(Arrays.equals(o1, o3));
    }
}
