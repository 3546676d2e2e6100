package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.BoundOptimizer;
import dev.descent.optim.HyperParams;
import dev.descent.optim.StepReport;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.Problems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registered {@code zovh} optimizer over a float buffer, tested directly (with an explicit objective). */
class ZovhOptimizerTest {
    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** The first step is θ − η·p with p = {@link ZovhEstimator#product} over the same K directions and values. */
    @Test
    void firstStepIsTheEquationSixteenProduct() {
        Problem p = Problems.byName("quadratic");
        float[] x = p.start();
        double[] x0 = toDouble(x);
        ZovhOptimizer opt = ZovhOptimizers.create(ParamSet.of(x, p.names(), p.shapes()), new float[x.length],
                new HyperParams(Map.of("lr", "0.01", "mu", "0.01", "lambda_hess", "0.5", "num_queries", "4", "seed", "3")), () -> p.loss(x));
        assertFalse(opt.needsGradients());
        opt.step();
        double[][] u = new double[4][];
        double[] y = new double[4];
        for (int k = 0; k < 4; k++) {
            u[k] = HessianDirections.gaussian(3, 0, k, x.length);
            float[] xk = new float[x.length];
            for (int i = 0; i < x.length; i++) xk[i] = (float) (x0[i] + 0.01 * u[k][i]);
            y[k] = p.loss(xk);
        }
        double[] prod = ZovhEstimator.product(u, y, 0.01, 0.5);
        for (int i = 0; i < x.length; i++) assertEquals((float) (x0[i] - 0.01 * prod[i]), x[i], 1e-6 * Math.max(1, Math.abs(x[i])), "x[" + i + "]");
    }

    /** The battery's quadratic setting (ZovhCases) converges when the objective is given directly. */
    @Test
    void convergesOnTheCanonicalQuadratic() {
        Problem p = Problems.byName("quadratic");
        float[] x = p.start();
        ZovhOptimizer opt = ZovhOptimizers.create(ParamSet.of(x, p.names(), p.shapes()), new float[x.length],
                new HyperParams(Map.of("lr", "0.001", "mu", "0.01", "lambda_hess", "0.1", "num_histories", "0")), () -> p.loss(x));
        for (int i = 0; i < 1000; i++) opt.step();
        assertTrue(p.loss(x) < 0.05, "loss " + p.loss(x));
    }

    /**
     * Save after 13 steps (history N = 4 full), restore into a fresh optimizer over the saved parameters,
     * continue 12: bit for bit the parameters of 25 straight steps (the directions are regenerated from
     * their keys, the held values come back from the scalars).
     */
    @Test
    void stateRoundTripIsBitExact() {
        Map<String, String> h = Map.of("lr", "0.00001", "mu", "0.01", "lambda_hess", "0.1", "num_histories", "3", "seed", "9");
        Problem p = Problems.byName("quadratic");
        float[] a = p.start();
        Optimizer straight = ZovhOptimizers.create(ParamSet.of(a, p.names(), p.shapes()), new float[a.length], new HyperParams(h), () -> p.loss(a));
        for (int i = 0; i < 25; i++) straight.step();

        float[] b = p.start();
        Optimizer first = ZovhOptimizers.create(ParamSet.of(b, p.names(), p.shapes()), new float[b.length], new HyperParams(h), () -> p.loss(b));
        for (int i = 0; i < 13; i++) first.step();
        Map<String, Double> scalars = new LinkedHashMap<>(first.scalars());
        assertEquals(13.0, scalars.get("step"));
        assertEquals(6 + 2 * 12, scalars.size()); // step, lr, loss, queries, skipped, accepted; 12 held values and keys
        float[] c = b.clone();
        Optimizer resumed = ZovhOptimizers.create(ParamSet.of(c, p.names(), p.shapes()), new float[c.length], new HyperParams(h), () -> p.loss(c));
        resumed.loadState(resumed.state(), scalars);
        for (int i = 0; i < 12; i++) resumed.step();
        assertArrayEquals(a, c, 0f);
        assertFalse(java.util.Arrays.equals(a, p.start()), "the parameters never moved");
    }

    /**
     * A NaN on one query skips the step: θ unchanged bit for bit, the history as before (the next
     * accepted steps match, bit for bit, a run that never saw the NaN but took one extra call at that
     * point — same history, the step counter one further), {@code skipped} = 1 and a reason given.
     */
    @Test
    void nonFiniteValueSkipsTheStepAndKeepsTheHistory() {
        Map<String, String> h = Map.of("lr", "0.001", "mu", "0.01", "lambda_hess", "0.1", "num_histories", "1", "seed", "4");
        Problem p = Problems.byName("quadratic");
        float[] a = p.start();
        int[] calls = {0};
        ZovhOptimizer poisoned = ZovhOptimizers.create(ParamSet.of(a, p.names(), p.shapes()), new float[a.length], new HyperParams(h),
                () -> ++calls[0] == 8 ? Double.NaN : p.loss(a)); // K = 3: the 8th call is step 3's second query
        for (int i = 0; i < 2; i++) poisoned.step();
        float[] before = a.clone();
        Map<String, Double> historyBefore = new LinkedHashMap<>(poisoned.scalars());
        assertEquals(null, poisoned.lastSkipReason());
        poisoned.step();
        assertArrayEquals(before, a, 0f);
        Map<String, Double> after = poisoned.scalars();
        assertEquals(1.0, after.get("skipped"));
        assertEquals(3.0, after.get("step"));
        assertEquals(2.0, after.get("accepted"));
        assertEquals(9.0, after.get("queries"));
        for (int j = 0; j < 6; j++) {
            assertEquals(historyBefore.get("y." + j), after.get("y." + j), "y." + j);
            assertEquals(historyBefore.get("key." + j), after.get("key." + j), "key." + j);
        }
        assertTrue(poisoned.lastSkipReason().startsWith("step 3 skipped"), poisoned.lastSkipReason());

        // The same history restored into a fresh optimizer continues exactly as the poisoned one does.
        float[] b = a.clone();
        ZovhOptimizer clean = ZovhOptimizers.create(ParamSet.of(b, p.names(), p.shapes()), new float[b.length], new HyperParams(h), () -> p.loss(b));
        clean.loadState(clean.state(), after);
        for (int i = 0; i < 5; i++) {
            poisoned.step();
            clean.step();
        }
        assertArrayEquals(a, b, 0f);
        assertFalse(java.util.Arrays.equals(a, before), "the parameters never moved after the skip");
        for (float v : a) assertTrue(Float.isFinite(v));
    }

    @Test
    void badHyperparametersAndMissingObjective() {
        Problem p = Problems.byName("quadratic");
        float[] x = p.start();
        ParamSet ps = ParamSet.of(x, p.names(), p.shapes());
        for (String bad : List.of("lr=-1", "mu=0", "lambda_hess=-0.1", "num_queries=2", "num_histories=-1", "weight_decay=-1")) {
            String key = bad.substring(0, bad.indexOf('='));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> OptimizerRegistry.defaults().create("zovh", ps, new float[x.length], HyperParams.parse(List.of(bad))));
            assertTrue(e.getMessage().contains(key), bad + ": " + e.getMessage());
        }
        Optimizer unbound = OptimizerRegistry.defaults().create("zovh", ps, new float[x.length], HyperParams.empty());
        var e = assertThrows(IllegalStateException.class, unbound::step);
        assertTrue(e.getMessage().contains("step(objective)"), e.getMessage());
        Optimizer o = OptimizerRegistry.defaults().create("zovh", ps, new float[x.length], HyperParams.parse(List.of("lr=0.001")));
        StepReport r = o.step(() -> p.loss(x));
        assertEquals(1, o.stepCount());
        assertEquals(3, r.queries(), "K = 3 queries per step");
    }
}
