package dev.descent.optim.problems;

import dev.descent.zo.HessianMatrices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The test functions' exact gradients and Hessians against central finite differences (of the value
 * for the gradient, of the exact gradient for the Hessian), at the comparison point and at a second
 * point; plus each function's known facts (the quadratic's spectrum, Rosenbrock's minimum, the
 * logistic minimum found by Newton's method).
 */
class SmoothFunctionsTest {
    private static final double H = 1e-5;

    @Test
    void quadratic() {
        IllConditionedQuadratic q = new IllConditionedQuadratic(6, 100);
        check(q, q.point());
        check(q, shifted(q.point(), -0.37));
        // H is symmetric with eigenvalues in [1, 100]: Rayleigh quotients of the basis vectors lie inside,
        // and tr(H) equals the sum of the log-spaced eigenvalues.
        double[] h = q.hessian(q.point());
        double tr = 0;
        double eig = 0;
        for (int i = 0; i < 6; i++) {
            tr += h[i * 6 + i];
            eig += Math.pow(100, i / 5.0);
            assertTrue(h[i * 6 + i] >= 1 - 1e-12 && h[i * 6 + i] <= 100 + 1e-12);
            for (int j = 0; j < 6; j++) assertEquals(h[i * 6 + j], h[j * 6 + i], 0);
        }
        assertEquals(eig, tr, 1e-10 * eig);
    }

    @Test
    void rosenbrock() {
        Rosenbrock r = new Rosenbrock(5);
        check(r, r.point());
        check(r, new double[] {0.3, -0.7, 1.1, 0.5, 2.0});
        assertEquals(0, r.value(new double[] {1, 1, 1, 1, 1}), 0);
        // terms (x_i, x_{i+1}) = (−1.2, 1) give the 2-D start loss 24.2, (1, −1.2) give 100·2.2² = 484
        assertEquals(2 * 24.2 + 2 * 484, r.value(r.point()), 1e-9);
    }

    @Test
    void logisticRegressionOnBreastCancer() {
        RegularizedLogistic f = RegularizedLogistic.breastCancer();
        assertEquals(31, f.dim());
        assertEquals(569, f.rows());
        double[] x = f.point();
        assertEquals(Math.log(2), f.value(x), 1e-12); // θ = 0: every prediction is 1/2
        check(f, x);
        double[] y = new double[31];
        for (int i = 0; i < 31; i++) y[i] = 0.1 * Math.sin(i + 1);
        check(f, y);
        assertTrue(f.minimum() < f.value(x) && f.minimum() > 0, "minimum " + f.minimum());
    }

    private static double[] shifted(double[] x, double by) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] += by * (i + 1) / y.length;
        return y;
    }

    private static void check(SmoothFunction f, double[] x) {
        int d = f.dim();
        double[] g = f.gradient(x);
        double[] h = f.hessian(x);
        double gScale = Math.max(1, HessianMatrices.norm(g));
        double hScale = Math.max(1, HessianMatrices.norm(h));
        for (int i = 0; i < d; i++) {
            double[] p = x.clone();
            double[] m = x.clone();
            p[i] += H;
            m[i] -= H;
            double fd = (f.value(p) - f.value(m)) / (2 * H);
            assertEquals(fd, g[i], 1e-6 * gScale, f.name() + " gradient[" + i + "]");
            double[] gp = f.gradient(p);
            double[] gm = f.gradient(m);
            for (int j = 0; j < d; j++) {
                assertEquals((gp[j] - gm[j]) / (2 * H), h[j * d + i], 1e-6 * hScale, f.name() + " hessian[" + j + "][" + i + "]");
            }
        }
    }
}
