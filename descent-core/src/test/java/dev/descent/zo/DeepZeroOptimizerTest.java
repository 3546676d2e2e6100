package dev.descent.zo;

import dev.descent.optim.Objective;
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
import dev.descent.tensor.Parallel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeepZeroOptimizerTest {
    static final double[] A = {1, 2, 3, 4, 5, 6};
    static final double[] C = {0.5, -0.25, 1, 0, -1, 0.75};
    static final float[] THETA0 = {1, -1, 0.5f, 2, 0, -0.5f};

    /** f(θ) = ½ Σ a_i (θ_i − c_i)², in double. */
    static double quadratic(float[] t) {
        double f = 0;
        for (int i = 0; i < 6; i++) f += 0.5 * A[i] * ((double) t[i] - C[i]) * ((double) t[i] - C[i]);
        return f;
    }

    private static Optimizer create(String name, ParamSet set, float[] grads, Objective f, Map<String, String> hyper) {
        // Built by name (so the registry's checks run), then bound to f so that step() evaluates it.
        return new BoundOptimizer(OptimizerRegistry.defaults().create(name, set, grads, new HyperParams(hyper)), f);
    }

    /**
     * Golden values from bench/golden/deepzero_rise_golden.py (float64 numpy emulating float32
     * parameter storage): sparsity 0, forward CGE on all 6 coordinates, μ 5e-3, lr 0.1, momentum 0.9,
     * 3 steps. Output of the script:
     * deepzero [0.7417150139808655, -0.29884496331214905, 1.1358050107955933, -1.0838500261306763, -1.7343249320983887, 1.8128650188446045]
     */
    @Test
    void goldenThreeSteps() {
        float[] t = THETA0.clone();
        float[] g = new float[6];
        Optimizer opt = create("deepzero", ParamSet.of(t, List.of("x"), List.of(new int[] {6})), g, () -> quadratic(t),
                Map.of("lr", "0.1", "momentum", "0.9", "mu", "5e-3", "sparsity", "0"));
        assertFalse(opt.needsGradients());
        opt.step();
        opt.step();
        double lossBeforeThird = quadratic(t);
        opt.step();
        double[] expected = {0.7417150139808655, -0.29884496331214905, 1.1358050107955933, -1.0838500261306763, -1.7343249320983887, 1.8128650188446045};
        for (int i = 0; i < 6; i++) assertEquals(expected[i], t[i], 1e-6, "parameter " + i);
        Map<String, Double> s = opt.scalars();
        assertEquals(3 * 7, s.get("queries"), "3 steps × (1 + 6) evaluations");
        assertEquals(lossBeforeThird, s.get("loss"), 0.0, "loss is f(θ) before the latest update");
        assertEquals(0, s.get("skipped"));
    }

    /** A model with a [4, 5] weight (prunable) and a [3] bias over f = ½ Σ (i % 7 + 1)(θ_i − 0.1 i)². */
    private static final class TwoTensors {
        final float[] t = new float[23];
        final float[] g = new float[23];
        final ParamSet set = ParamSet.of(t, List.of("w", "b"), List.of(new int[] {4, 5}, new int[] {3}));

        TwoTensors() {
            for (int i = 0; i < 23; i++) t[i] = (float) Math.sin(i + 0.5);
        }

        double loss() {
            double f = 0;
            for (int i = 0; i < 23; i++) f += 0.5 * (i % 7 + 1) * (t[i] - 0.1 * i) * (t[i] - 0.1 * i) + 0.05 * t[i] * t[(i + 3) % 23];
            return f;
        }
    }

    /** ZO-GraSP at the first step keeps 20 − round(0.9·20) = 2 weights and all 3 biases; queries add up. */
    @Test
    void sparseTrainingUpdatesOnlyMaskedCoordinates() {
        TwoTensors m = new TwoTensors();
        float[] before = m.t.clone();
        Optimizer opt = create("deepzero", m.set, m.g, m::loss, Map.of("sparsity", "0.9", "grasp_queries", "16", "momentum", "0", "lr", "0.05"));
        double start = m.loss();
        for (int i = 0; i < 5; i++) opt.step();
        float[] mask = ((DeepZeroOptimizer) ((BoundOptimizer) opt).inner()).mask();
        int keptWeights = 0;
        for (int i = 0; i < 20; i++) {
            keptWeights += (int) mask[i];
            if (mask[i] == 0f) assertEquals(before[i], m.t[i], "masked weight " + i + " must not move");
        }
        assertEquals(2, keptWeights);
        for (int i = 20; i < 23; i++) assertEquals(1f, mask[i]);
        assertEquals(ZoGrasp.queries(16) + 5 * (1 + 5), opt.scalars().get("queries"));
        assertTrue(m.loss() < start, "loss decreases");
        assertEquals(2.0, opt.state().size());
    }

    /** coords_per_step = k with momentum 0: each step moves at most k coordinates. */
    @Test
    void coordinateSubsetsMoveAtMostKCoordinates() {
        TwoTensors m = new TwoTensors();
        Optimizer opt = create("deepzero", m.set, m.g, m::loss, Map.of("sparsity", "0", "coords_per_step", "4", "momentum", "0"));
        for (int s = 0; s < 6; s++) {
            float[] before = m.t.clone();
            opt.step();
            int moved = 0;
            for (int i = 0; i < 23; i++) if (before[i] != m.t[i]) moved++;
            assertTrue(moved <= 4 && moved > 0, "moved " + moved);
        }
        assertEquals(6 * 5, opt.scalars().get("queries"));
    }

    /** A NaN loss skips the step: parameters and momentum unchanged, "skipped" counts it; training then continues. */
    @Test
    void nonFiniteLossSkipsTheStep() {
        TwoTensors m = new TwoTensors();
        int[] calls = {0};
        boolean[] poison = {false};
        Optimizer opt = create("deepzero", m.set, m.g, () -> {
            calls[0]++;
            return poison[0] ? Double.NaN : m.loss();
        }, Map.of("sparsity", "0"));
        opt.step();
        float[] params = m.t.clone();
        float[] momentum = opt.state().get("momentum_buffer").toArray();
        poison[0] = true;
        opt.step();
        assertEquals(1.0, opt.scalars().get("skipped"));
        for (int i = 0; i < 23; i++) assertEquals(Float.floatToRawIntBits(params[i]), Float.floatToRawIntBits(m.t[i]));
        float[] after = opt.state().get("momentum_buffer").toArray();
        for (int i = 0; i < 23; i++) assertEquals(momentum[i], after[i]);
        poison[0] = false;
        opt.step();
        assertEquals(1.0, opt.scalars().get("skipped"));
        assertEquals(3, opt.stepCount());
    }

    /** A replicated objective, 1 vs 2 threads, vs the sequential path: identical bits after 4 steps with a mask and subsets. */
    @Test
    void parallelTrainingIsBitIdenticalForAnyThreadCount() {
        int threads = Parallel.threads();
        try {
            float[][] out = new float[3][];
            for (int run = 0; run < 3; run++) {
                TwoTensors m = new TwoTensors();
                Objective f = run == 2 ? m::loss : new ReplicatedObjective() {
                    @Override
                    public double loss() { return m.loss(); }

                    @Override
                    public Replica newReplica() {
                        TwoTensors copy = new TwoTensors();
                        return new Replica(copy.t, copy::loss);
                    }
                };
                Parallel.setThreads(run == 1 ? 2 : 1);
                Optimizer opt = create("deepzero", m.set, m.g, f, Map.of("sparsity", "0.5", "grasp_queries", "8", "coords_per_step", "7", "mask", "layer_random", "mask_interval", "2"));
                for (int i = 0; i < 4; i++) opt.step();
                out[run] = m.t.clone();
            }
            for (int i = 0; i < 23; i++) {
                assertEquals(Float.floatToRawIntBits(out[0][i]), Float.floatToRawIntBits(out[1][i]), "1 vs 2 threads at " + i);
                assertEquals(Float.floatToRawIntBits(out[0][i]), Float.floatToRawIntBits(out[2][i]), "replicas vs in place at " + i);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /** Save after 5 steps, restore into a fresh optimizer over the saved parameters, 4 more steps: bit-identical to 9 straight steps. */
    @Test
    void stateRoundTripContinuesBitForBit() {
        Map<String, String> hyper = Map.of("sparsity", "0.5", "grasp_queries", "8", "coords_per_step", "6", "mask", "layer_random", "mask_interval", "3");
        TwoTensors straight = new TwoTensors();
        Optimizer a = create("deepzero", straight.set, straight.g, straight::loss, hyper);
        for (int i = 0; i < 9; i++) a.step();

        TwoTensors first = new TwoTensors();
        Optimizer b = create("deepzero", first.set, first.g, first::loss, hyper);
        for (int i = 0; i < 5; i++) b.step();
        var tensors = new java.util.LinkedHashMap<String, dev.descent.tensor.Tensor>();
        for (var e : b.state().entrySet()) tensors.put(e.getKey(), e.getValue().copy());
        var scalars = new java.util.LinkedHashMap<>(b.scalars());

        TwoTensors resumed = new TwoTensors();
        System.arraycopy(first.t, 0, resumed.t, 0, 23);
        Optimizer c = create("deepzero", resumed.set, resumed.g, resumed::loss, hyper);
        c.loadState(tensors, scalars);
        for (int i = 0; i < 4; i++) c.step();
        for (int i = 0; i < 23; i++) assertEquals(Float.floatToRawIntBits(straight.t[i]), Float.floatToRawIntBits(resumed.t[i]), "parameter " + i);
        assertEquals(a.scalars().get("queries"), c.scalars().get("queries"));
    }

    @Test
    void badSettingsNameTheKey() {
        TwoTensors m = new TwoTensors();
        for (String[] kv : new String[][] {{"mu", "0"}, {"mu", "-1e-3"}, {"sparsity", "1"}, {"sparsity", "-0.1"}, {"sparsity", "1.5"},
                {"coords_per_step", "0"}, {"coords_per_step", "-3"}, {"grasp_queries", "0"}, {"lr", "-1"}, {"difference", "backward"}, {"mask", "magnitude"}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> create("deepzero", m.set, m.g, m::loss, Map.of(kv[0], kv[1])), kv[0] + "=" + kv[1]);
            assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
        }
        // Built by name it holds no loss: a plain step() fails with a clear IllegalStateException.
        Optimizer unbound = OptimizerRegistry.defaults().create("deepzero", m.set, m.g, HyperParams.empty());
        var e = assertThrows(IllegalStateException.class, unbound::step);
        assertTrue(e.getMessage().contains("step(objective)"), e.getMessage());
    }
}
