package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.zo.SpsaEstimator.Scheme;
import org.junit.jupiter.api.Test;

/** Golden values, unbiasedness with a variance-derived tolerance, 1/q variance, restore, validation. */
class SpsaEstimatorTest {
    // f(θ) = ½θᵀAθ + bᵀθ with a dense SPD A (the golden script's problem).
    private static final double[][] A = {{4, 1, 0, 0.5}, {1, 3, 0.2, 0}, {0, 0.2, 2, 0.3}, {0.5, 0, 0.3, 1}};
    private static final double[] B = {0.5, -1, 0.25, 2};
    private static final float[] THETA0 = {1f, -2f, 0.5f, 0.75f};

    private static double f(float[] t) {
        double s = 0;
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < t.length; j++) s += 0.5 * t[i] * A[i][j] * t[j];
            s += B[i] * t[i];
        }
        return s;
    }

    private static double[] gradient(float[] t) {
        double[] g = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            g[i] = B[i];
            for (int j = 0; j < t.length; j++) g[i] += A[i][j] * t[j];
        }
        return g;
    }

    private static float[] estimate(Scheme scheme, DirectionKind kind, long seed, double mu, int q, long step) {
        float[] t = THETA0.clone();
        float[] g = new float[4];
        SpsaEstimator.seeded(scheme, kind, seed, mu, q).estimate(t, () -> f(t), g, step);
        return g;
    }

    /**
     * Golden values from {@code src/test/resources/zo/spsa_golden.py}, an independent float64
     * reimplementation of Philox-4x32-10, the stream keying, Box–Muller, the Rademacher bit layout, the
     * sphere scaling (with the unit sphere's factor d) and the three estimators (seed 7, μ = 1e-2, q = 2,
     * step 3). The Java estimate accumulates in float32
     * and the script in float64: relative 1e-6 covers that; a z element differing by one float32 ulp
     * (the script's cos vs StrictMath's) would move a coefficient by ~|∇f|·2⁻²³/μ ≈ 1e-5 relative, so
     * the tolerance is 1e-4 relative.
     */
    @Test
    void goldenValuesFromTheIndependentScript() {
        assertClose(new double[] {-0.26888065525057453, -2.1530929633338003, -0.7575140362883366, -0.2692075688728905},
                estimate(Scheme.CENTRAL, DirectionKind.GAUSSIAN, 7, 1e-2, 2, 3));
        assertClose(new double[] {-3.024996332824248, -3.024996332824248, 4.474996514618379, 4.474996514618379},
                estimate(Scheme.CENTRAL, DirectionKind.RADEMACHER, 7, 1e-2, 2, 3));
        assertClose(new double[] {-0.2874411221524779, -2.19225640390888, -0.8256395463101776, -0.27975608519019296},
                estimate(Scheme.FORWARD, DirectionKind.GAUSSIAN, 7, 1e-2, 2, 3));
        assertClose(new double[] {1091.413002764702, 1091.413002764702, 4.481995718956, 4.481995718956},
                estimate(Scheme.ONE_POINT, DirectionKind.RADEMACHER, 7, 1e-2, 2, 3));
        assertClose(new double[] {1.306121424514223, -5.781358527091067, 6.029129687300141, 0.11566831778699876},
                estimate(Scheme.CENTRAL, DirectionKind.SPHERE, 7, 1e-2, 2, 3));
        assertClose(new double[] {1.2959616663949982, -5.785439926317604, 5.989327830627959, 0.11116814428315985},
                estimate(Scheme.FORWARD, DirectionKind.UNIT_SPHERE, 7, 1e-2, 2, 3));
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    /**
     * Central differences on a quadratic are exact, so ĝ = φ·zzᵀ∇f is unbiased; each coordinate's
     * standard deviation comes from the formula (not the sample): Gaussian √(‖g‖² + gᵢ²), Rademacher
     * √(‖g‖² − gᵢ²), sphere (radius √d) √(d(‖g‖² + 2gᵢ²)/(d + 2) − gᵢ²) — the last from
     * E[uᵢ⁴] = 3/(d(d+2)), E[uᵢ²uⱼ²] = 1/(d(d+2)) for u uniform on the unit sphere; the unit sphere with
     * the factor d is the same estimator. The mean of N = 4000 estimates must be within 5σ/√N of ∇f.
     */
    @Test
    void centralEstimatorIsUnbiasedOnAQuadratic() {
        double[] g = gradient(THETA0);
        double gg = 0;
        for (double x : g) gg += x * x;
        int d = g.length;
        for (DirectionKind kind : DirectionKind.values()) {
            double[] sigma = new double[d];
            for (int i = 0; i < d; i++) {
                double gi2 = g[i] * g[i];
                sigma[i] = Math.sqrt(switch (kind) {
                    case GAUSSIAN -> gg + gi2;
                    case RADEMACHER -> gg - gi2;
                    case SPHERE, UNIT_SPHERE -> d * (gg + 2 * gi2) / (d + 2) - gi2;
                });
            }
            checkMean(Scheme.CENTRAL, kind, 1e-2, g, sigma);
        }
    }

    /**
     * Forward and one-point differences with Rademacher z on a diagonal quadratic: zᵀAz = tr A for
     * every z, so ĝ = zzᵀg + (μ tr A / 2) z (forward) and ĝ = zzᵀg + (f(θ)/μ + μ tr A / 2) z (one-point):
     * unbiased, with variances ‖g‖² − gᵢ² + c² for the constant c in front of z.
     */
    @Test
    void forwardAndOnePointAreUnbiasedOnADiagonalQuadraticWithRademacherDirections() {
        double[] diag = {4, 3, 2, 1};
        float[] theta = THETA0.clone();
        double mu = 0.05;
        double f0 = 0;
        double tr = 0;
        double[] g = new double[4];
        for (int i = 0; i < 4; i++) {
            f0 += 0.5 * diag[i] * theta[i] * theta[i] + B[i] * theta[i];
            tr += diag[i];
            g[i] = diag[i] * theta[i] + B[i];
        }
        double gg = 0;
        for (double x : g) gg += x * x;
        for (Scheme scheme : new Scheme[] {Scheme.FORWARD, Scheme.ONE_POINT}) {
            double c = (scheme == Scheme.FORWARD ? 0 : f0 / mu) + mu * tr / 2;
            double[] sigma = new double[4];
            for (int i = 0; i < 4; i++) sigma[i] = Math.sqrt(gg - g[i] * g[i] + c * c);
            int n = 4000;
            double[] mean = new double[4];
            SpsaEstimator est = SpsaEstimator.seeded(scheme, DirectionKind.RADEMACHER, 3, mu, 1);
            float[] out = new float[4];
            for (int s = 0; s < n; s++) {
                est.estimate(theta, () -> {
                    double v = 0;
                    for (int i = 0; i < 4; i++) v += 0.5 * diag[i] * theta[i] * theta[i] + B[i] * theta[i];
                    return v;
                }, out, s);
                for (int i = 0; i < 4; i++) mean[i] += out[i] / (double) n;
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(g[i], mean[i], 5 * sigma[i] / Math.sqrt(n), scheme + " coordinate " + i);
            }
        }
    }

    private static double[] checkMean(Scheme scheme, DirectionKind kind, double mu, double[] g, double[] sigma) {
        int n = 4000;
        double[] mean = new double[g.length];
        SpsaEstimator est = SpsaEstimator.seeded(scheme, kind, 1, mu, 1);
        float[] t = THETA0.clone();
        float[] out = new float[g.length];
        for (int s = 0; s < n; s++) {
            est.estimate(t, () -> f(t), out, s);
            for (int i = 0; i < g.length; i++) mean[i] += out[i] / (double) n;
        }
        for (int i = 0; i < g.length; i++) {
            assertEquals(g[i], mean[i], 5 * sigma[i] / Math.sqrt(n), kind + " " + scheme + " coordinate " + i);
        }
        return mean;
    }

    /**
     * Averaging q directions divides the variance by q: with Gaussian z the total variance
     * Σᵢ Var ĝᵢ = ((d + 1)‖g‖²)/q. The sample total over N = 3000 estimates has a relative standard
     * error of about √(κ/N) with the kurtosis κ of zᵢ·zᵀg below 30 here, i.e. ≈ 0.1; the check allows 0.35.
     */
    @Test
    void averagingQDirectionsDividesTheVarianceByQ() {
        double[] g = gradient(THETA0);
        double gg = 0;
        for (double x : g) gg += x * x;
        for (int q : new int[] {1, 4}) {
            int n = 3000;
            SpsaEstimator est = SpsaEstimator.seeded(Scheme.CENTRAL, DirectionKind.GAUSSIAN, 11, 1e-2, q);
            float[] t = THETA0.clone();
            float[] out = new float[4];
            double total = 0;
            for (int s = 0; s < n; s++) {
                est.estimate(t, () -> f(t), out, s);
                for (int i = 0; i < 4; i++) total += (out[i] - g[i]) * (out[i] - g[i]);
            }
            double sample = total / n;
            double expected = (g.length + 1) * gg / q;
            assertEquals(expected, sample, 0.35 * expected, "q = " + q);
            assertEquals(2L * q, est.queriesPerEstimate());
        }
    }

    @Test
    void parametersAreRestoredWithinTheBound() {
        int d = 1000;
        float[] t = new float[d];
        for (int i = 0; i < d; i++) t[i] = (float) Math.sin(i) * (1 + i % 7);
        float[] before = t.clone();
        float[] g = new float[d];
        double mu = 0.1;
        int q = 3;
        for (Scheme scheme : Scheme.values()) {
            SpsaEstimator.seeded(scheme, DirectionKind.GAUSSIAN, 5, mu, q).estimate(t, () -> 0.0, g, 0);
            double zmax = 0;
            for (int j = 0; j < q; j++) {
                Direction z = Directions.seeded(DirectionKind.GAUSSIAN, 5).at(0, j, d);
                for (int i = 0; i < d; i++) zmax = Math.max(zmax, Math.abs(z.value(i)));
            }
            for (int i = 0; i < d; i++) {
                double bound = Perturbation.restoreBound(before[i], 2 * mu * zmax, 3 * q);
                assertTrue(Math.abs(t[i] - before[i]) <= bound, scheme + " element " + i);
            }
            System.arraycopy(before, 0, t, 0, d);
        }
    }

    @Test
    void nonFiniteEvaluationGivesANonFiniteLossAndRestoresTheParameters() {
        float[] t = THETA0.clone();
        float[] g = new float[4];
        int[] calls = {0};
        double loss = SpsaEstimator.seeded(Scheme.CENTRAL, DirectionKind.GAUSSIAN, 0, 1e-3, 2)
                .estimate(t, () -> ++calls[0] == 2 ? Double.NaN : f(t), g, 0);
        assertFalse(Double.isFinite(loss));
        assertEquals(4, calls[0], "every evaluation still runs");
        for (int i = 0; i < 4; i++) assertEquals(THETA0[i], t[i], Perturbation.restoreBound(THETA0[i], 1e-2, 6));
    }

    @Test
    void invalidSettingsNameTheirKey() {
        for (double mu : new double[] {0, -1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SpsaEstimator.seeded(Scheme.CENTRAL, DirectionKind.GAUSSIAN, 0, mu, 1));
            assertTrue(e.getMessage().contains("mu"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpsaEstimator.seeded(Scheme.CENTRAL, DirectionKind.GAUSSIAN, 0, 1e-3, 0));
        assertTrue(e.getMessage().contains("q"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scheme.parse("scheme", "backward"));
        assertTrue(e.getMessage().contains("scheme") && e.getMessage().contains("central"), e.getMessage());
    }
}
