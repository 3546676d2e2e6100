package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Golden values of every Hessian estimator on a fixed seed, from the independent float64 NumPy script
 * {@code src/test/resources/golden/zovh_golden.py} (output {@code zovh_golden.out}). The script does not
 * read directions dumped from Java: it re-implements Philox-4x32-10, the purpose hash, derive() and the
 * float32 Box–Muller of {@link dev.descent.tensor.Philox}, so the directions are checked too ({@link
 * #directionsMatchTheIndependentPhilox}). Problem: the spec's worked-example quadratic
 * f(x) = ½xᵀAx + cᵀx, A = [[2,.5,0],[.5,1,.2],[0,.2,3]], c = [1,−1,.5], at x = [1,2,−1]; seed 7, Q = 7,
 * μ = 0.1, λ = 0.1.
 */
class ZovhGoldenTest {
    private static final double[] A = {2, .5, 0, .5, 1, .2, 0, .2, 3};
    private static final double[] C = {1, -1, .5};
    private static final double[] X0 = {1, 2, -1};
    private static final long SEED = 7;
    private static final int Q = 7;
    private static final double MU = 0.1;
    private static final double LAMBDA = 0.1;

    static double f(double[] x) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            double r = 0;
            for (int j = 0; j < 3; j++) r += A[i * 3 + j] * x[j];
            s += 0.5 * x[i] * r + C[i] * x[i];
        }
        return s;
    }

    // python3 zovh_golden.py (NumPy 2.4, float64)
    static final double[] U0 = {-0.4735749661922455, -0.784978449344635, -2.5648655891418457};
    static final double[] U1_STEP5_Q2 = {-0.8343850374221802, -0.14703477919101715, 1.0746651887893677};
    static final double[] STEIN1_H = {26.951218320670794, 176.6046789294492, -101.42293996941264, 176.6046789294492, -165.89794255794115, 83.76500938865429, -101.42293996941264, 83.76500938865429, 242.30924965181484};
    static final double[] STEIN1_G = {-0.44430813072967773, 1.5421153326494321, -2.210582697136521};
    static final double[] STEIN1_INV = {0.004658867519413546, 0.005063371287781852, 0.00019959097005222302, 0.005063371287781851, 0.0003680260805228384, 0.001991319616584883, 0.00019959097005222283, 0.001991319616584883, 0.003520658546737966};
    static final double[] STEIN1_P = {0.005297117434015313, -0.0060841350593666054, -0.004800542243818046};
    static final double[] STEIN2_H = {-39.38080687337697, -34.19855167743949, 33.67952232963068, -34.19855167743949, -35.789142820851325, 32.27608114662716, 33.67952232963068, 32.27608114662716, 20.113201095411725};
    static final double[] STEIN2_G = {6.115658456374114, 3.0647647256722705, -3.697605126554073};
    static final double[] STEIN2_INV = {-0.15006375326356686, 0.15135472563269192, 0.00835781139586948, 0.15135472563269192, -0.16412114195223956, 0.009876339375634204, 0.00835781139586948, 0.009876339375634206, 0.019776351675297614};
    static final double[] STEIN2_P = {-0.48477592372283146, 0.38612231802854813, 0.008257037138024255};
    static final double[] STEIN3_H = {-1.1346198644968166, 2.4287190970259127, 3.8197303053141964, 2.4287190970259127, -2.1456837145231766, 7.2299567157657, 3.8197303053141964, 7.2299567157657, 19.18867475688137};
    static final double[] STEIN3_G = {4.2144229285350905, 0.5211836039374951, -3.154621729434252};
    static final double[] STEIN3_INV = {-0.6320968006917416, -0.1325116890122251, 0.17484317216674647, -0.13251168901222496, -0.23805430928622426, 0.11547093279047953, 0.17484317216674639, 0.11547093279047956, -0.026062112392014027};
    static final double[] STEIN3_P = {-3.2845502396926194, -1.0467974170175665, 0.8792607366459159};
    static final double[] CD_H = {3.9194197191386735, 2.4287190970259127, 3.8197303053141964, 2.4287190970259127, 2.908355869112313, 7.2299567157657, 3.8197303053141964, 7.2299567157657, 24.24271434051686};
    static final double[] CD_G = {4.2144229285350905, 0.5211836039374951, -3.154621729434252};
    static final double[] CD_INV = {0.6781453850598556, -1.0193606594147033, 0.19634626195507118, -1.0193606594147033, 2.6936909339256028, -0.6400923839946088, 0.19634626195507116, -0.6400923839946088, 0.20038235650362496};
    static final double[] CD_P = {1.707319213033999, -0.8728600432521064, -0.13825000324922032};
    static final double[] STEINOPT_H = {-45.54546539394085, -26.483768366869416, 50.75416399143514, -26.483768366869416, -41.241475685376905, 48.11194444354242, 50.75416399143514, 48.11194444354242, 34.452981768127366};
    static final double[] STEINOPT_G = {6.592782705439068, 2.8819005934454833, -7.1101611301219645};
    static final double[] STEINOPT_INV = {-0.03057468298121733, 0.027470463089124247, 0.006660353701943019, 0.02747046308912425, -0.033929276868055164, 0.006892692987759723, 0.006660353701943024, 0.006892692987759718, 0.009560345792843991};
    static final double[] STEINOPT_P = {-0.16976128530850157, 0.03431783305972293, -0.004201278336665113};
    static final double[] ZOVH_H = {-33.72438459705772, -29.873771155900382, 48.20162935431596, -29.873771155900382, -27.466732771271825, 29.949834917921212, 48.20162935431596, 29.949834917921212, -12.004570270174321};
    static final double[] ZOVH_G = {6.820810707752815, 2.8948517206491786, -5.899881812465782};
    static final double[] ZOVH_INV = {-0.07976702804446308, 0.15193578904707322, 0.0592672447284463, 0.15193578904707317, -0.26855761275199247, -0.060456073779812845, 0.05926724472844628, -0.06045607377981281, 0.003874842410449312};
    static final double[] ZOVH_P = {-0.45391395790850114, 0.6155744796012157, 0.2063781759940272};
    static final double[] ZOVH_INV15 = {-19.26565452165246, -6.500293829003757, 5.894950056678541, -6.500293829003757, -6.716549763747427, -3.1642543325220265, 5.894950056678541, -3.1642543325220265, -10.821994509305046};
    static final double[] ZOVH_P16 = {-154.1025620355309, -25.27617467870405, 54.75880825328557};

    @Test
    void directionsMatchTheIndependentPhilox() {
        assertArrayEquals(U0, HessianDirections.gaussian(SEED, 0, 0, 3), 0);
        assertArrayEquals(U1_STEP5_Q2, HessianDirections.gaussian(SEED, 5, 2, 3), 0);
    }

    @Test
    void stein1() { check(HessianEstimator.STEIN1, STEIN1_H, STEIN1_G, STEIN1_INV, STEIN1_P); }

    @Test
    void stein2() { check(HessianEstimator.STEIN2, STEIN2_H, STEIN2_G, STEIN2_INV, STEIN2_P); }

    @Test
    void stein3() { check(HessianEstimator.STEIN3, STEIN3_H, STEIN3_G, STEIN3_INV, STEIN3_P); }

    @Test
    void centralDifference() { check(HessianEstimator.CD, CD_H, CD_G, CD_INV, CD_P); }

    @Test
    void steinOptimal() { check(HessianEstimator.STEIN_OPTIMAL, STEINOPT_H, STEINOPT_G, STEINOPT_INV, STEINOPT_P); }

    @Test
    void zovh() {
        check(HessianEstimator.ZOVH, ZOVH_H, ZOVH_G, ZOVH_INV, ZOVH_P);
        double[][] u = new double[Q][];
        double[] y = new double[Q];
        for (int k = 0; k < Q; k++) {
            u[k] = HessianDirections.gaussian(SEED, 0, k, 3);
            y[k] = f(HessianEstimator.shifted(X0, u[k], MU));
        }
        close(ZOVH_INV15, ZovhEstimator.inverseApprox(u, y, MU, LAMBDA), "eq. 15 inverse");
        close(ZOVH_P16, ZovhEstimator.product(u, y, MU, LAMBDA), "eq. 16 product");
    }

    private static void check(HessianEstimator e, double[] h, double[] g, double[] inv, double[] p) {
        HessianEstimate est = e.estimate(ZovhGoldenTest::f, X0, Q, MU, LAMBDA, SEED);
        close(h, est.hessian(), e.cliName() + " Hessian");
        close(g, est.gradient(), e.cliName() + " gradient");
        close(inv, est.inverse(), e.cliName() + " inverse");
        close(p, est.product(), e.cliName() + " product");
    }

    /** Agreement to 1e-9 relative to the largest entry (different summation orders, LU vs numpy.linalg.inv). */
    private static void close(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        assertArrayEquals(expected, actual, 1e-9 * scale, what);
    }
}
