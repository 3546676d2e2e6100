package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The ZoVH formulas on fixed directions: the worked example of specs/01_zovh.md (float64, from
 * worked_examples/zovh_example.py, which the spec quotes), factored eq. 16 == eq. 16 as printed,
 * eq. 14 == the LU inverse of Ĥ + λI, eq. 15 == eq. 14 for orthogonal directions, baseline invariance,
 * and the n ≥ 3 requirement.
 */
class ZovhEstimatorTest {
    private static final double[] A = {2, .5, 0, .5, 1, .2, 0, .2, 3};
    private static final double[] C = {1, -1, .5};
    private static final double MU = 0.1;
    private static final double LAMBDA = 0.1;
    private static final double LR = 0.01;
    private static final double[][] U1 = {{1, -.5, .3}, {-.2, 1.2, .7}, {.9, .4, -1.1}};
    private static final double[][] U2 = {{.4, .8, -.6}, {1.1, -.3, .2}, {-.7, .5, .9}};

    private static double f(double[] x) { return ZovhGoldenTest.f(x); }

    @Test
    void workedExampleIterationOneAndTwoWithReuse() {
        double[] theta = {1, 2, -1};
        ZovhHistory h = new ZovhHistory(2, 3);
        double[] y1 = new double[3];
        for (int k = 0; k < 3; k++) {
            y1[k] = f(HessianEstimator.shifted(theta, U1[k], MU));
            h.add(U1[k], y1[k]);
        }
        assertArrayEquals(new double[] {3.8818, 3.54443, 4.27097}, y1, 1e-12);
        assertEquals(3.8990666666666676, ZovhEstimator.baseline(y1), 1e-12);
        assertArrayEquals(new double[] {-1.7266666667, -35.4636666667, 37.1903333333}, ZovhEstimator.nu(y1, MU), 1e-8);
        assertArrayEquals(new double[] {1.9418683333, -1.3408466667, -3.3125966667}, ZovhEstimator.gradient(U1, y1, MU), 1e-9);
        double[] p = ZovhEstimator.product(h.directions(), h.values(), MU, LAMBDA);
        assertArrayEquals(new double[] {-17.1911280706, 7.8796115235, -27.6918307855}, p, 1e-8);
        for (int i = 0; i < 3; i++) theta[i] -= LR * p[i];
        assertArrayEquals(new double[] {1.1719112807, 1.9212038848, -0.7230816921}, theta, 1e-9);

        double[] y2 = new double[3];
        for (int k = 0; k < 3; k++) {
            y2[k] = f(HessianEstimator.shifted(theta, U2[k], MU));
            h.add(U2[k], y2[k]);
        }
        assertArrayEquals(new double[] {4.1093489578, 4.1585185786, 3.4088453219}, y2, 1e-9);
        assertEquals(6, h.size());
        assertEquals(3.8956521430463624, ZovhEstimator.baseline(h.values()), 1e-12);
        p = ZovhEstimator.product(h.directions(), h.values(), MU, LAMBDA);
        assertArrayEquals(new double[] {-53.3045613425, 16.3711234154, 16.2352940872}, p, 1e-8);
        for (int i = 0; i < 3; i++) theta[i] -= LR * p[i];
        assertArrayEquals(new double[] {1.7049568941, 1.7574926506, -0.885434633}, theta, 1e-9);

        // A third iteration's K = 3 pairs push out the first iteration's (capacity N·K = 6).
        for (int k = 0; k < 3; k++) h.add(U1[k], k);
        assertEquals(6, h.size());
        assertArrayEquals(U2[0], h.directions()[0]);
        assertArrayEquals(U1[0], h.directions()[3]);
    }

    @Test
    void factoredProductEqualsEquationSixteenAsPrinted() {
        double[][] u = directions(7, 9, 11);
        double[] y = values(u, new double[] {0.3, -0.2, 0.5, 1, -1, 0, 0.1});
        double[] a = ZovhEstimator.product(u, y, 0.05, 0.3);
        double[] b = ZovhEstimator.productAsPrinted(u, y, 0.05, 0.3);
        assertArrayEquals(b, a, 1e-10 * HessianMatrices.norm(b));
    }

    @Test
    void woodburyEqualsTheDirectInverse() {
        double[][] u = directions(5, 6, 3);
        double[] y = values(u, new double[] {1, 0.5, -0.5, 0.2, 0.1});
        double[] h = ZovhEstimator.hessian(u, y, 0.2);
        double[] direct = HessianMatrices.inverse(HessianMatrices.plusDiagonal(h, 6, 0.7), 6);
        double[] woodbury = ZovhEstimator.inverseWoodbury(u, y, 0.2, 0.7);
        assertArrayEquals(direct, woodbury, 1e-12 * HessianMatrices.norm(direct));
        // and the LU inverse really is an inverse
        double[] a = HessianMatrices.plusDiagonal(h, 6, 0.7);
        for (int j = 0; j < 6; j++) {
            double[] col = new double[6];
            for (int i = 0; i < 6; i++) col[i] = direct[i * 6 + j];
            double[] e = HessianMatrices.times(a, 6, col);
            for (int i = 0; i < 6; i++) assertEquals(i == j ? 1 : 0, e[i], 1e-12);
        }
    }

    /** The spec's check: with u_k = √3·e_k (pairwise orthogonal), eq. 15 equals (Ĥ + λI)⁻¹ (to 1.3e-15 there). */
    @Test
    void approximateInverseIsExactForOrthogonalDirections() {
        double s = Math.sqrt(3);
        double[][] u = {{s, 0, 0}, {0, s, 0}, {0, 0, s}};
        double[] theta = {1, 2, -1};
        double[] y = new double[3];
        for (int k = 0; k < 3; k++) y[k] = f(HessianEstimator.shifted(theta, u[k], MU));
        double[] exact = HessianMatrices.inverse(HessianMatrices.plusDiagonal(ZovhEstimator.hessian(u, y, MU), 3, LAMBDA), 3);
        assertArrayEquals(exact, ZovhEstimator.inverseApprox(u, y, MU, LAMBDA), 1e-13 * HessianMatrices.norm(exact));
        assertArrayEquals(exact, ZovhEstimator.inverseWoodbury(u, y, MU, LAMBDA), 1e-13 * HessianMatrices.norm(exact));
    }

    /** Adding a constant to every value changes nothing: the averaged baseline absorbs it. */
    @Test
    void invariantToAConstantShiftOfTheValues() {
        double[][] u = directions(4, 5, 21);
        double[] y = values(u, new double[] {0.2, 0.4, -0.3, 0.6});
        double[] shifted = y.clone();
        for (int i = 0; i < shifted.length; i++) shifted[i] += 1000;
        assertArrayEquals(ZovhEstimator.product(u, y, 0.1, 0.5), ZovhEstimator.product(u, shifted, 0.1, 0.5), 1e-9);
        assertArrayEquals(ZovhEstimator.hessian(u, y, 0.1), ZovhEstimator.hessian(u, shifted, 0.1), 1e-7);
    }

    @Test
    void refusesTooFewPairsAndBadParameters() {
        double[][] u = directions(2, 3, 1);
        double[] y = {1, 2};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZovhEstimator.product(u, y, 0.1, 0.1));
        assertTrue(e.getMessage().contains("at least 3"), e.getMessage());
        double[][] u3 = directions(3, 3, 1);
        double[] y3 = {1, 2, 3};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZovhEstimator.product(u3, y3, 0, 0.1)).getMessage().contains("mu"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZovhEstimator.product(u3, y3, 0.1, -1)).getMessage().contains("lambda"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ZovhHistory(0, 3)).getMessage().contains("N"));
    }

    static double[][] directions(int n, int d, long seed) {
        double[][] u = new double[n][];
        for (int k = 0; k < n; k++) u[k] = HessianDirections.gaussian(seed, 0, k, d);
        return u;
    }

    /** Values of a fixed smooth function of the directions plus offsets (any numbers would do). */
    private static double[] values(double[][] u, double[] offsets) {
        double[] y = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            double s = offsets[k];
            for (int i = 0; i < u[k].length; i++) s += (i + 1) * u[k][i] * u[k][i] * 0.5 + 0.3 * u[k][i];
            y[k] = s;
        }
        return y;
    }
}
