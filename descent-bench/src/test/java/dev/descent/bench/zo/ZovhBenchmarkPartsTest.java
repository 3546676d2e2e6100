package dev.descent.bench.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.problems.SmoothFunction;
import dev.descent.optim.problems.SmoothFunctions;
import dev.descent.optim.problems.IllConditionedQuadratic;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pieces of the ZoVH benchmarks, on small sizes. */
class ZovhBenchmarkPartsTest {
    @Test
    void quantilesInterpolateLinearly() {
        double[] v = {1, 2, 3, 4};
        assertEquals(1.75, ZovhConvergenceBenchmark.quantile(v, 0.25), 1e-12);
        assertEquals(2.5, ZovhConvergenceBenchmark.quantile(v, 0.5), 1e-12);
        assertEquals(3.25, ZovhConvergenceBenchmark.quantile(v, 0.75), 1e-12);
        double[] diverged = {1, 2, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        assertEquals(Double.POSITIVE_INFINITY, ZovhConvergenceBenchmark.quantile(diverged, 0.5));
        assertEquals(1.75, ZovhConvergenceBenchmark.quantile(diverged, 0.25), 1e-12);
    }

    /**
     * A registered optimizer through the benchmark's runner: the same seed gives the same curve, and
     * on the quadratic (start loss 514) the gap falls. zovh spends K = 3 queries per step, so at the
     * checkpoints 100 and 200 it is credited with 99 and 198 queries (33 and 66 steps): its curve
     * equals that of a budget of 99 and 198 queries, and no checkpoint past the budget is filled.
     */
    @Test
    void registeredOptimizersRunToTheBudget() {
        SmoothFunction f = new IllConditionedQuadratic(50, 100);
        int[] cps = {100, 200};
        var sgd = new ZovhConvergenceBenchmark.Method("zo_sgd", "zo_sgd", Map.of("lr", "0.001", "mu", "0.01"));
        double[] a = ZovhConvergenceBenchmark.curve(f, sgd, 0, 200, cps);
        assertArrayEquals(a, ZovhConvergenceBenchmark.curve(f, sgd, 0, 200, cps), 0);
        double start = f.value(f.point());
        assertTrue(a[0] < start && a[1] < a[0], java.util.Arrays.toString(a));
        var zovh = ZovhConvergenceBenchmark.grid("zovh N=1").get(0);
        double[] z = ZovhConvergenceBenchmark.curve(f, zovh, 0, 200, cps);
        assertTrue(Double.isFinite(z[0]) && Double.isFinite(z[1]), java.util.Arrays.toString(z));
        assertEquals(z[0], ZovhConvergenceBenchmark.curve(f, zovh, 0, 99, new int[] {99})[0], 0);
        assertEquals(z[1], ZovhConvergenceBenchmark.curve(f, zovh, 0, 198, new int[] {198})[0], 0);
        assertTrue(Double.isNaN(ZovhConvergenceBenchmark.curve(f, sgd, 0, 150, cps)[1]), "checkpoint 200 past a budget of 150");
    }

    /** The curvature point of each function has R = 2 and lies between the minimiser and the start. */
    @Test
    void curvaturePointHasTheTargetRatio() {
        for (String name : new String[] {"quadratic", "rosenbrock", "logreg-breast-cancer"}) {
            SmoothFunction f = SmoothFunctions.byName(name, null, 100);
            double r0 = ZovhHessianBenchmark.curvatureRatio(f, f.point(), 0.1);
            double[] x = ZovhHessianBenchmark.pointWithRatio(f, 0.1, 2);
            double r = ZovhHessianBenchmark.curvatureRatio(f, x, 0.1);
            assertTrue(r0 < 1, name + ": R at the start " + r0);
            assertEquals(2, r, 1e-6, name);
            double[] g = f.gradient(ZovhHessianBenchmark.minimiser(f));
            double norm = 0;
            for (double v : g) norm += v * v;
            assertTrue(Math.sqrt(norm) < 1e-8, name + ": gradient at the minimiser " + Math.sqrt(norm));
        }
    }
}
