package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptState;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RiseTest {
    private static final float[] G = {0.8f, -1.5f, 0.3f, 2.0f, -0.7f, 1.1f};

    /** Draws ĝ n times (one step each, so fresh directions every time) for gradient G as one block. */
    private static double[][] draws(GradientTransformation tx, int n) {
        float[] values = new float[G.length];
        ParamSet set = ParamSet.of(values, List.of("x"), List.of(new int[] {G.length}));
        OptState st = tx.init(set);
        double[][] out = new double[n][];
        float[] u = new float[G.length];
        for (int k = 0; k < n; k++) {
            System.arraycopy(G, 0, u, 0, G.length);
            tx.update(u, st, set);
            out[k] = new double[G.length];
            for (int j = 0; j < G.length; j++) out[k][j] = u[j];
        }
        return out;
    }

    private static double gg() {
        double s = 0;
        for (float v : G) s += (double) v * v;
        return s;
    }

    /** |mean − target| ≤ 5 standard errors of the mean (a false failure has probability below 1e-6 per check). */
    private static void assertMean(double[] samples, double target, String what) {
        double m = 0;
        for (double x : samples) m += x;
        m /= samples.length;
        double v = 0;
        for (double x : samples) v += (x - m) * (x - m);
        double se = Math.sqrt(v / (samples.length - 1) / samples.length);
        assertTrue(Math.abs(m - target) <= 5 * se, what + ": mean " + m + ", expected " + target + " ± 5·" + se);
    }

    /** Spec identities, Gaussian: E[s] = g (so E[ĝ] = c·g) and E‖ĝ‖² = ‖g‖², with d = 6, q = 3. */
    @Test
    void gaussianShapeIsMeanAlignedAndNormMatched() {
        int q = 3;
        int n = 20000;
        double[][] x = draws(Rise.shape(q, Rise.Blocks.parse("tensor"), Rise.Directions.GAUSSIAN, 1), n);
        double c = Rise.normConstant(6, q, Rise.Directions.GAUSSIAN);
        assertEquals(Math.sqrt(3.0 / 10), c, 1e-15);
        double[] norms = new double[n];
        for (int k = 0; k < n; k++) for (double v : x[k]) norms[k] += v * v;
        assertMean(norms, gg(), "E|ĝ|²");
        for (int j = 0; j < 6; j++) {
            double[] col = new double[n];
            for (int k = 0; k < n; k++) col[k] = x[k][j] / c;
            assertMean(col, G[j], "E[s_" + j + "]");
        }
    }

    /** Rademacher: c = sqrt(q/(d + q − 1)) gives E‖ĝ‖² = ‖g‖², and E[s] = g. */
    @Test
    void rademacherShapeIsNormMatchedWithItsOwnConstant() {
        int q = 3;
        int n = 20000;
        double[][] x = draws(Rise.shape(q, Rise.Blocks.parse("tensor"), Rise.Directions.RADEMACHER, 2), n);
        double c = Rise.normConstant(6, q, Rise.Directions.RADEMACHER);
        assertEquals(Math.sqrt(3.0 / 8), c, 1e-15);
        double[] norms = new double[n];
        for (int k = 0; k < n; k++) for (double v : x[k]) norms[k] += v * v;
        assertMean(norms, gg(), "E|ĝ|² (Rademacher)");
        for (int j = 0; j < 6; j++) {
            double[] col = new double[n];
            for (int k = 0; k < n; k++) col[k] = x[k][j] / c;
            assertMean(col, G[j], "E[s_" + j + "] (Rademacher)");
        }
    }

    /**
     * The retention-curvature identity (Gaussian): E[ĝᵀHĝ] = ‖g‖²(d·κ̄ + (q+1)κ_g)/(d + q + 1), for a
     * fixed symmetric H with κ_g = gᵀHg/‖g‖² above κ̄ = tr H/d (so the shaped exposure is below FO's).
     */
    @Test
    void curvatureExposureFollowsTheIdentity() {
        int q = 2;
        int n = 30000;
        double[][] h = new double[6][6];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0.5 * Math.cos(3 * i + 5 * j) + (i == j ? 1 + 0.3 * i : 0) + 0.4 * G[i] * G[j];
                h[i][j] = v;
                h[j][i] = v;
            }
        }
        double tr = 0, gHg = 0;
        for (int i = 0; i < 6; i++) {
            tr += h[i][i];
            for (int j = 0; j < 6; j++) gHg += G[i] * h[i][j] * G[j];
        }
        double kappaBar = tr / 6, kappaG = gHg / gg();
        assertTrue(kappaG > kappaBar, "the test wants an above-average FO exposure");
        double expected = gg() * (6 * kappaBar + (q + 1) * kappaG) / (6 + q + 1);
        double[][] x = draws(Rise.shape(q, Rise.Blocks.parse("tensor"), Rise.Directions.GAUSSIAN, 3), n);
        double[] exposure = new double[n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) exposure[k] += x[k][i] * h[i][j] * x[k][j];
        }
        assertMean(exposure, expected, "E[ĝᵀHĝ]");
        assertTrue(expected < gHg, "shaped exposure below the FO exposure");
    }

    /** The norm-matched ZO baseline: every row block's output norm equals the FO gradient's block norm. */
    @Test
    void normMatchedZoMatchesEachBlockNormExactly() {
        float[] values = new float[12];
        ParamSet set = ParamSet.of(values, List.of("w"), List.of(new int[] {3, 4}));
        GradientTransformation tx = Rise.normMatchedZo(2, Rise.Blocks.parse("row"), Rise.Directions.GAUSSIAN, 4);
        OptState st = tx.init(set);
        for (int step = 0; step < 5; step++) {
            float[] g = new float[12];
            for (int i = 0; i < 12; i++) g[i] = (float) Math.sin(1.7 * i + step);
            float[] u = g.clone();
            tx.update(u, st, set);
            for (int r = 0; r < 3; r++) {
                double a = 0, b = 0, dot = 0;
                for (int j = 4 * r; j < 4 * r + 4; j++) {
                    a += (double) g[j] * g[j];
                    b += (double) u[j] * u[j];
                    dot += (double) g[j] * u[j];
                }
                assertEquals(Math.sqrt(a), Math.sqrt(b), 1e-6 * Math.sqrt(a), "row " + r + " step " + step);
                assertTrue(dot != 0);
            }
        }
    }

    /** Blocks are shaped independently: a block whose gradient is zero stays zero; same seed and step, same output. */
    @Test
    void blocksAreLocalAndDeterministic() {
        float[] values = new float[6];
        ParamSet set = ParamSet.of(values, List.of("x"), List.of(new int[] {6}));
        float[] g = {1, 2, 0, 0, 3, 4};
        float[] a = g.clone();
        float[] b = g.clone();
        GradientTransformation tx = Rise.shape(3, Rise.Blocks.parse("2"), Rise.Directions.GAUSSIAN, 9);
        tx.update(a, tx.init(set), set);
        tx.update(b, tx.init(set), set);
        assertEquals(0f, a[2]);
        assertEquals(0f, a[3]);
        for (int i = 0; i < 6; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
        OptState st = tx.init(set);
        float[] first = g.clone();
        float[] second = g.clone();
        tx.update(first, st, set);
        tx.update(second, st, set);
        assertTrue(first[0] != second[0], "a new step draws new directions");
    }

    /**
     * Golden values from src/test/resources/zo/zo_golden.py (float64 numpy; it regenerates the
     * Gaussian directions itself from the Philox stream (7, "rise") derived by the step, with the
     * block counter offsets q·o + i·d): rise_sgd on f = ½Σ a_i(θ_i − c_i)², θ of shape [2, 3], block
     * row, q 2, seed 7, lr 0.1, momentum 0.5, 2 steps. Output of the script:
     * rise_sgd step 2 [1.0403632192947971, -0.9856716681710942, 0.5336429596832414, 0.5361257826886712, 0.2881578509542536, 1.8905065818912414]
     * Tolerance 2e-6: Java shapes and updates in float32 (parameters ~1, a few ulps of 6e-8 over two steps).
     */
    @Test
    void goldenTwoSteps() {
        float[] t = DeepZeroOptimizerTest.THETA0.clone();
        float[] g = new float[6];
        Optimizer opt = OptimizerRegistry.defaults().create("rise_sgd", ParamSet.of(t, List.of("w"), List.of(new int[] {2, 3})), g,
                new HyperParams(Map.of("lr", "0.1", "momentum", "0.5", "q", "2", "block", "row", "seed", "7")));
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 6; i++) g[i] = (float) (DeepZeroOptimizerTest.A[i] * (t[i] - DeepZeroOptimizerTest.C[i]));
            opt.step();
        }
        double[] expected = {1.0403632192947971, -0.9856716681710942, 0.5336429596832414, 0.5361257826886712, 0.2881578509542536, 1.8905065818912414};
        for (int i = 0; i < 6; i++) assertEquals(expected[i], t[i], 2e-6, "parameter " + i);
    }

    @Test
    void badSettingsNameTheKey() {
        float[] t = new float[6];
        ParamSet set = ParamSet.of(t, List.of("x"), List.of(new int[] {6}));
        for (String[] kv : new String[][] {{"q", "0"}, {"q", "-2"}, {"block", "diagonal"}, {"block", "0"}, {"directions", "uniform"}, {"lr", "-1"}}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> OptimizerRegistry.defaults().create("rise_sgd", set, new float[6], new HyperParams(Map.of(kv[0], kv[1]))), kv[0]);
            assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
        }
    }
}
