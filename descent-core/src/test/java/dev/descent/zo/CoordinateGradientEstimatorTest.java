package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoordinateGradientEstimatorTest {
    /** f(θ) = ½ θᵀAθ + bᵀθ with a fixed symmetric, non-diagonal A (d = 8), evaluated in double. */
    static final class Quadratic {
        final int d;
        final double[][] a;
        final double[] b;

        Quadratic(int d) {
            this.d = d;
            a = new double[d][d];
            b = new double[d];
            for (int i = 0; i < d; i++) {
                b[i] = Math.sin(1.3 * i + 0.2);
                for (int j = 0; j <= i; j++) {
                    double v = i == j ? 2 + i : 0.3 * Math.cos(i * 7 + j * 3);
                    a[i][j] = v;
                    a[j][i] = v;
                }
            }
        }

        double loss(float[] t) {
            double f = 0;
            for (int i = 0; i < d; i++) {
                double ai = 0;
                for (int j = 0; j < d; j++) ai += a[i][j] * t[j];
                f += 0.5 * t[i] * ai + b[i] * t[i];
            }
            return f;
        }

        double grad(float[] t, int i) {
            double g = b[i];
            for (int j = 0; j < d; j++) g += a[i][j] * t[j];
            return g;
        }
    }

    private static float[] start(int d) {
        float[] t = new float[d];
        for (int i = 0; i < d; i++) t[i] = (float) (0.37 * i - 1.1 + 1e-3 * i * i);
        return t;
    }

    /**
     * Forward differences on a quadratic: f(θ + h e_i) − f(θ) = h g_i + h² A_ii/2 exactly, so
     * ĝ_i − g_i = h_i A_ii/2 and |ĝ_i − g_i| ≤ |h_i|·|A_ii|/2 (h_i = fl(θ_i + μ) − θ_i ≈ μ). The
     * rounding slack: f is a double sum of O(10) terms (relative 1e-15, divided by h = 1e-2 → 1e-12)
     * and ĝ is stored in float32 (relative 2^-24 of |ĝ|), so 1e-6·(1 + |g|) is ample.
     */
    @Test
    void forwardDifferencesAreExactUpToTheCurvatureTerm() {
        Quadratic f = new Quadratic(8);
        float[] t = start(8);
        float[] g = new float[8];
        double mu = 1e-2;
        new CoordinateGradientEstimator(mu, CoordinateGradientEstimator.Difference.FORWARD, CoordinateGradientEstimator.ALL, 0)
                .estimate(t, () -> f.loss(t), g, 0);
        for (int i = 0; i < 8; i++) {
            double h = (double) (float) (t[i] + mu) - t[i];
            double exact = f.grad(t, i);
            double slack = 1e-6 * (1 + Math.abs(exact));
            assertTrue(Math.abs(g[i] - exact) <= Math.abs(h) * f.a[i][i] / 2 + slack, "coordinate " + i);
            // …and the bias is that term, not merely below it.
            assertEquals(exact + h * f.a[i][i] / 2, g[i], slack, "coordinate " + i);
        }
    }

    /** Central differences cancel the quadratic term: exact up to rounding. */
    @Test
    void centralDifferencesAreExactOnAQuadratic() {
        Quadratic f = new Quadratic(8);
        float[] t = start(8);
        float[] g = new float[8];
        new CoordinateGradientEstimator(1e-2, CoordinateGradientEstimator.Difference.CENTRAL, CoordinateGradientEstimator.ALL, 0)
                .estimate(t, () -> f.loss(t), g, 0);
        for (int i = 0; i < 8; i++) {
            double exact = f.grad(t, i);
            assertEquals(exact, g[i], 1e-6 * (1 + Math.abs(exact)), "coordinate " + i);
        }
    }

    /** Values whose θ + μ is not representable: the buffer is bit-identical afterwards, and the loss is f(θ). */
    @Test
    void parametersAreRestoredExactly() {
        float[] t = {0.1f, -3.3333333f, 1e-7f, 12345.679f, (float) Math.PI};
        float[] before = t.clone();
        float[] g = new float[t.length];
        double loss = new CoordinateGradientEstimator(3e-3, CoordinateGradientEstimator.Difference.CENTRAL, CoordinateGradientEstimator.ALL, 0)
                .estimate(t, () -> {
                    double s = 0;
                    for (float v : t) s += Math.sin(v) * v;
                    return s;
                }, g, 5);
        for (int i = 0; i < t.length; i++) assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(t[i]), "parameter " + i);
        double expect = 0;
        for (float v : before) expect += Math.sin(v) * v;
        assertEquals(expect, loss, 0.0);
    }

    /** A smooth non-quadratic objective over a replicated buffer (pure Java, independent of threads). */
    static final class Replicated implements ReplicatedObjective {
        final float[] main;

        Replicated(float[] main) { this.main = main; }

        static double value(float[] p) {
            double s = 0;
            for (int i = 0; i < p.length; i++) s += Math.log(Math.cosh(p[i] - 0.1 * i)) + 0.01 * p[i] * p[(i + 1) % p.length];
            return s;
        }

        @Override
        public double loss() { return value(main); }

        @Override
        public Replica newReplica() {
            float[] own = new float[main.length];
            return new Replica(own, () -> value(own));
        }
    }

    /** 1 vs 2 threads on replicas, and the sequential in-place path: bit-identical estimates. */
    @Test
    void threadCountDoesNotChangeTheEstimate() {
        int threads = Parallel.threads();
        try {
            float[][] results = new float[3][];
            for (int run = 0; run < 3; run++) {
                float[] t = start(40);
                float[] g = new float[40];
                var cge = new CoordinateGradientEstimator(1e-3, CoordinateGradientEstimator.Difference.FORWARD, 17, 9);
                if (run == 2) {
                    cge.estimate(t, () -> Replicated.value(t), g, 3);
                } else {
                    Parallel.setThreads(run + 1);
                    cge.estimate(t, new Replicated(t), g, 3);
                }
                results[run] = g;
            }
            for (int i = 0; i < 40; i++) {
                assertEquals(Float.floatToRawIntBits(results[0][i]), Float.floatToRawIntBits(results[1][i]), "1 vs 2 threads at " + i);
                assertEquals(Float.floatToRawIntBits(results[0][i]), Float.floatToRawIntBits(results[2][i]), "replicas vs in place at " + i);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /**
     * coords_per_step = k: k distinct coordinates from the eligible set, a pure function of (seed,
     * step); the others get exactly 0; queries = 1 + k (forward), 1 + 2k (central).
     */
    @Test
    void sampledCoordinatesComeFromTheEligibleSet() {
        int[] eligible = {1, 4, 5, 8, 11, 12, 13, 19};
        var cge = new CoordinateGradientEstimator(1e-3, CoordinateGradientEstimator.Difference.FORWARD, 3, 42);
        cge.setEligible(eligible, eligible.length);
        Set<Integer> allowed = new HashSet<>();
        for (int e : eligible) allowed.add(e);
        Set<String> distinctSubsets = new HashSet<>();
        int[] hits = new int[20];
        for (long step = 0; step < 400; step++) {
            int[] c = cge.coordinates(20, step);
            assertEquals(3, c.length);
            assertEquals(3, Arrays.stream(c).distinct().count(), "distinct at step " + step);
            for (int i : c) {
                assertTrue(allowed.contains(i), "coordinate " + i + " is masked");
                hits[i]++;
            }
            assertArrayEquals(c, cge.coordinates(20, step), "same step, same subset");
            int[] sorted = c.clone();
            Arrays.sort(sorted);
            distinctSubsets.add(Arrays.toString(sorted));
        }
        // Uniform over the 8 eligible: each expected 400·3/8 = 150 times (sd ≈ 9.7); 5 sd bounds.
        for (int e : eligible) assertTrue(Math.abs(hits[e] - 150) < 50, "coordinate " + e + " drawn " + hits[e] + " times");
        assertTrue(distinctSubsets.size() > 40, "subsets vary with the step");

        float[] t = start(20);
        float[] g = new float[20];
        Arrays.fill(g, 7f);
        cge.estimate(t, () -> Replicated.value(t), g, 11);
        Set<Integer> chosen = new HashSet<>();
        for (int i : cge.coordinates(20, 11)) chosen.add(i);
        for (int i = 0; i < 20; i++) {
            if (chosen.contains(i)) assertTrue(g[i] != 0f, "estimated coordinate " + i);
            else assertEquals(0f, g[i], "unsampled coordinate " + i);
        }
        assertEquals(4, cge.queriesPerEstimate());
        var central = new CoordinateGradientEstimator(1e-3, CoordinateGradientEstimator.Difference.CENTRAL, 3, 42);
        central.setEligible(eligible, eligible.length);
        assertEquals(7, central.queriesPerEstimate());
    }

    /**
     * The subset is the documented draw, recomputed here through {@link Philox#nextInt}: position j
     * (j &lt; k) of the ascending eligible list swaps with j + nextInt(j, m − j) of the stream
     * (seed, "cge/coords") derived by the step, and the first k positions are the subset.
     */
    @Test
    void subsetIsThePartialFisherYatesShuffleOfTheDocumentedStream() {
        int[] eligible = {1, 4, 5, 8, 11, 12, 13, 19};
        int k = 5;
        var cge = new CoordinateGradientEstimator(1e-3, CoordinateGradientEstimator.Difference.FORWARD, k, 42);
        cge.setEligible(eligible, eligible.length);
        for (long step = 0; step < 6; step++) {
            int[] order = eligible.clone();
            Philox rng = Philox.stream(42, "cge/coords").derive(step);
            for (int j = 0; j < k; j++) {
                int r = j + rng.nextInt(j, order.length - j);
                int t = order[j];
                order[j] = order[r];
                order[r] = t;
            }
            assertArrayEquals(Arrays.copyOf(order, k), cge.coordinates(20, step), "step " + step);
        }
    }

    @Test
    void badSettingsNameTheKey() {
        var fw = CoordinateGradientEstimator.Difference.FORWARD;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CoordinateGradientEstimator(0, fw, 1, 0)).getMessage().contains("mu"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CoordinateGradientEstimator(-1e-3, fw, 1, 0)).getMessage().contains("mu"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CoordinateGradientEstimator(1e-3, fw, 0, 0)).getMessage().contains("coords_per_step"));
        assertFalse(assertThrows(IllegalArgumentException.class, () -> new CoordinateGradientEstimator(1e-3, fw, -2, 0)).getMessage().isEmpty());
    }
}
