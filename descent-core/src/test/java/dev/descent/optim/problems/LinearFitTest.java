package dev.descent.optim.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The grid-validation problem is a real least-squares fit: zero at (W*, b*), its gradient and
 * Hessian-vector product agree with central differences, and its Jacobian gives H = JᵀJ.
 */
class LinearFitTest {
    private static final float[] OPTIMUM = {0.5f, -1, 0.25f, 1, 0.5f, -0.5f, 0.1f, -0.2f};
    private static final float[] POINT = {0.3f, -0.2f, 0.1f, 0.5f, 0.7f, -0.4f, 0.2f, 0.05f};
    private static final float[] DIRECTION = {1, 0, -1, 0.5f, 0, 2, -1, 0.25f};

    @Test
    void zeroAtTheHiddenParametersAndHalfTheSquaredTargetsAtTheStart() {
        LinearFit p = new LinearFit();
        // Only b* = (0.1, -0.2) is not exact in float32: the residual left is ~1e-8.
        assertEquals(0, p.loss(OPTIMUM), 1e-14);
        // At 0 the residuals are −y_j, y_j = W* x_j + b* worked out by hand (python: sum(W[o][i]*x[i]) + b[o]):
        // (0.725, 0.55), (−1.025, 0.55), (−0.15, 0.8), (−0.9, −0.95); ½ Σ y² = 2.278125.
        assertEquals(2.278125, p.loss(p.start()), 1e-12);
    }

    @Test
    void gradientAndHessianVectorProductMatchCentralDifferences() {
        LinearFit p = new LinearFit();
        float[] x = POINT.clone();
        int n = x.length;
        float[] g = new float[n];
        assertEquals(p.loss(x), p.lossAndGradient(x, g), 0.0);
        float[] hv = new float[n];
        p.hessianVectorProduct(x, DIRECTION, hv);
        double[] fdHv = new double[n];
        double h = 1e-2; // the loss is quadratic, so central differences are exact up to rounding
        for (int k = 0; k < n; k++) {
            float saved = x[k];
            float[] gUp = new float[n];
            float[] gDown = new float[n];
            x[k] = (float) (saved + h);
            double up = p.lossAndGradient(x, gUp);
            x[k] = (float) (saved - h);
            double down = p.lossAndGradient(x, gDown);
            double step = (double) (float) (saved + h) - (float) (saved - h);
            x[k] = saved;
            assertEquals((up - down) / step, g[k], 1e-5, "gradient " + k);
            for (int i = 0; i < n; i++) fdHv[i] += (gUp[i] - gDown[i]) / step * DIRECTION[k]; // column k of H times v_k
        }
        for (int i = 0; i < n; i++) assertEquals(fdHv[i], hv[i], 1e-4, "Hv " + i);
    }

    @Test
    void jacobianRowsGiveTheGaussNewtonProduct() {
        LinearFit p = new LinearFit();
        int n = POINT.length;
        double[] jtjv = new double[n];
        for (int m = 0; m < p.residuals(); m++) {
            float[] e = new float[p.residuals()];
            e[m] = 1;
            float[] row = new float[n]; // Jᵀ e_m = ∇r_m
            p.jacobianTransposeTimes(POINT, e, row);
            double jv = 0;
            for (int i = 0; i < n; i++) jv += row[i] * DIRECTION[i];
            for (int i = 0; i < n; i++) jtjv[i] += row[i] * jv;
        }
        float[] hv = new float[n];
        p.hessianVectorProduct(POINT, DIRECTION, hv);
        for (int i = 0; i < n; i++) assertEquals(jtjv[i], hv[i], 1e-5, "JᵀJv " + i);
    }
}
