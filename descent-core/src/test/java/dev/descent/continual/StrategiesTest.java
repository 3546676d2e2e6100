package dev.descent.continual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.optim.HyperParams;
import dev.descent.optim.ParamSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategiesTest {
    /** Every strategy runs a short task-incremental stream to a full matrix of accuracies in [0, 1], bit-identically twice. */
    @Test
    void everyStrategyRunsAndIsDeterministic() {
        ContinualStream s = Streams.splitDigits(Scenario.TASK_INCREMENTAL);
        ContinualRun.Settings settings = new ContinualRun.Settings(15, 16, 0.05, 16, 3);
        for (String name : Strategies.names()) {
            Map<String, String> small = name.equals("fetril") ? Map.of("head_steps", "20") : name.startsWith("ewc") ? Map.of("fisher_samples", "10") : Map.of();
            AccuracyMatrix a = ContinualRun.run(s, Strategies.create(name, new HyperParams(small), 3), settings).accuracy();
            AccuracyMatrix b = ContinualRun.run(s, Strategies.create(name, new HyperParams(small), 3), settings).accuracy();
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    assertTrue(a.get(i, j) >= 0 && a.get(i, j) <= 1, name);
                    assertEquals(a.get(i, j), b.get(i, j), 0, name + " R[" + i + "][" + j + "]");
                }
            }
            // task-aware prediction between two classes is far above chance right after a task is learned
            assertTrue(a.meanPlasticity() > 0.6, name + " plasticity " + a.meanPlasticity());
        }
    }

    @Test
    void frozenBodyStrategiesRefuseDomainStreams() {
        ContinualStream s = Streams.labelPermutedDigits(2);
        ContinualRun.Settings settings = new ContinualRun.Settings(2, 8, 0.05, 8, 1);
        assertThrows(IllegalArgumentException.class, () -> ContinualRun.run(s, new FirstSessionAdaptation(true, 0.1), settings));
        assertThrows(IllegalArgumentException.class, () -> ContinualRun.run(s, new Fetril(2, 8, 0.1, 1), settings));
    }

    /** κ = σ_max/σ_min: diag(3, 1) has κ 3, diag(2, 2) κ 1, so one selected tensor is the second; vectors are skipped. */
    @Test
    void kappaTuneMeasuresConditionNumbers() {
        float[] v = {3, 0, 0, 1, 2, 0, 0, 2, 5, 5};
        ParamSet set = ParamSet.of(v, List.of("a", "b", "bias"), List.of(new int[] {2, 2}, new int[] {2, 2}, new int[] {2}));
        Map<String, Double> k = KappaTune.conditionNumbers(set);
        assertEquals(2, k.size());
        assertEquals(3, k.get("a"), 1e-12);
        assertEquals(1, k.get("b"), 1e-12);
    }

    @Test
    void kappaTuneTrainsTheLowestConditionedTensorAfterTheFirstTask() {
        Learner l = new Learner(1, 64, 16, 10);
        KappaTune kt = new KappaTune(1);
        assertEquals(ParamSet.of(l.parameters()).count(), kt.trainable(l, 0).count());
        kt.afterTask(l, Streams.splitDigits(Scenario.CLASS_INCREMENTAL), 0);
        Map<String, Double> k = KappaTune.conditionNumbers(ParamSet.of(l.parameters()));
        String lowest = k.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals(java.util.Set.of(lowest), kt.selected());
        assertEquals(1, kt.trainable(l, 1).count());
    }

    /** The class-mean head predicts the nearest centroid; LDA with shared identity-like covariance agrees on separated clusters. */
    @Test
    void classMeanAndLdaHeadsOnSeparatedClusters() {
        ClassificationData d = new ClassificationData("f", new float[] {0, 0, 0.2f, 0.1f, 4, 4, 4.1f, 3.9f}, new int[] {0, 0, 1, 1}, 4, 2, 3);
        for (boolean lda : new boolean[] {false, true}) {
            LdaHead h = new LdaHead(2, 3, lda, 0.5);
            h.add(d);
            ClassificationData q = new ClassificationData("q", new float[] {0.5f, 0.5f, 3.5f, 3.5f}, new int[] {0, 1}, 2, 2, 3);
            double[][] s = h.scores(q);
            assertTrue(s[0][0] > s[0][1] && s[1][1] > s[1][0], "lda=" + lda);
            assertEquals(Double.NEGATIVE_INFINITY, s[0][2], 0);
        }
    }

    @Test
    void classpUpdatesOnlyAboveTheThresholdAndSuppressesRepeatedAdjustment() {
        float[] theta = {0, 0};
        ParamSet set = ParamSet.of(theta, List.of("w"), List.of(new int[] {2}));
        var tx = Classp.transformation(0.01, 1e-5, 1);
        var st = tx.init(set);
        float[] u = {0.5f, 0.05f}; // 0.25 > 0.01 updates; 0.0025 < 0.01 does not
        tx.update(u, st, set);
        assertEquals(0.5 / (0.5 + 1e-5), u[0], 1e-6);
        assertEquals(0, u[1], 0);
        float[] v = {0.5f, 0.05f};
        tx.update(v, st, set); // S = 1.0: the same gradient moves half as far
        assertEquals(0.5 / (1.0 + 1e-5), v[0], 1e-6);
    }
}
