package dev.descent.optim.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One Rosenbrock for both uses: in two dimensions its float32 optimizer view reproduces the textbook
 * closed forms bit for bit (the formulas below are f = (1 − x)² + 100 (y − x²)², its gradient, the
 * Hessian [[2 − 400 (y − 3x²), −400x], [−400x, 200]] and the residual Jacobian [[−1, 0], [−20x, 10]],
 * written out by hand); in d dimensions the Hessian-vector product, the full Hessian and the residual
 * Jacobian agree (H·v, 2 Jᵀr = ∇f).
 */
class RosenbrockTest {
    private static final float[][] POINTS = {{-1.2f, 1.0f}, {0.3f, -0.7f}, {1f, 1f}, {1.5f, 2.2f}, {-0.25f, 0.06f}};

    @Test
    void twoDimensionalViewIsTheTextbookFunctionBitForBit() {
        Rosenbrock r = new Rosenbrock();
        assertEquals(List.of("xy"), r.names());
        assertArrayEquals(new float[] {-1.2f, 1.0f}, r.start());
        assertEquals(24.2, r.loss(r.start()), 1e-4); // 24.2 in exact arithmetic; −1.2f is not exact
        float[] v = {0.7f, -1.3f};
        float[] e = {0.4f, -2.5f};
        for (float[] p : POINTS) {
            double x = p[0];
            double y = p[1];
            double rr = y - x * x;
            float[] g = new float[2];
            assertEquals((1 - x) * (1 - x) + 100 * rr * rr, r.lossAndGradient(p, g), 0);
            assertEquals((1 - x) * (1 - x) + 100 * rr * rr, r.loss(p), 0);
            assertArrayEquals(new float[] {(float) (-2 * (1 - x) - 400 * x * rr), (float) (200 * rr)}, g);
            double hxx = 2 - 400 * (y - 3 * x * x);
            double hxy = -400 * x;
            float[] hv = new float[2];
            r.hessianVectorProduct(p, v, hv);
            assertArrayEquals(new float[] {(float) (hxx * v[0] + hxy * v[1]), (float) (hxy * v[0] + 200.0 * v[1])}, hv);
            float[] jt = new float[2];
            r.jacobianTransposeTimes(p, e, jt);
            assertArrayEquals(new float[] {(float) (-e[0] - 20 * x * e[1]), (float) (10.0 * e[1])}, jt);
        }
    }

    @Test
    void hessianVectorProductResidualsAndFullHessianAgreeInFiveDimensions() {
        int d = 5;
        Rosenbrock r = new Rosenbrock(d);
        assertEquals(List.of("x"), r.names());
        assertEquals(8, r.residuals());
        float[] p = {0.3f, -0.7f, 1.1f, 0.5f, -1.4f};
        float[] v = {0.7f, -1.3f, 0.2f, 2f, -0.5f};
        double[] x = new double[d];
        for (int i = 0; i < d; i++) x[i] = p[i];
        double[] h = r.hessian(x);
        float[] hv = new float[d];
        r.hessianVectorProduct(p, v, hv);
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += h[i * d + j] * v[j];
            assertEquals(s, hv[i], 1e-5 * Math.abs(s) + 1e-5);
        }
        // f = Σ r² with r = (1 − x_i, 10 (x_{i+1} − x_i²)), so ∇f = 2 Jᵀr.
        float[] res = new float[r.residuals()];
        for (int i = 0; i < d - 1; i++) {
            res[2 * i] = (float) (1 - x[i]);
            res[2 * i + 1] = (float) (10 * (x[i + 1] - x[i] * x[i]));
        }
        float[] jt = new float[d];
        r.jacobianTransposeTimes(p, res, jt);
        float[] g = new float[d];
        r.lossAndGradient(p, g);
        for (int i = 0; i < d; i++) assertEquals(g[i], 2 * jt[i], 1e-5 * Math.abs(g[i]) + 1e-5);
        assertArrayEquals(r.gradient(x), toDouble(g), 1e-4);
    }

    private static double[] toDouble(float[] p) {
        double[] x = new double[p.length];
        for (int i = 0; i < p.length; i++) x[i] = p[i];
        return x;
    }
}
