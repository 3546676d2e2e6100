package dev.descent.bench.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GptShakespeareProblemTest {
    /** 1 layer, 2 heads, n_embd 16, block 16, batch 4, 2 validation batches. */
    static GptShakespeareProblem tiny() {
        return new GptShakespeareProblem(1, 2, 16, 16, 4, 2, 100, 50, 3.0);
    }

    @Test
    void standardShapeAndEvaluation() {
        GptShakespeareProblem p = GptShakespeareProblem.standard();
        assertEquals("val_loss", p.metric());
        assertFalse(p.higherIsBetter());
        GptInstance inst = p.instantiate(0);
        // 65·64 (wte, tied head) + 64·64 (wpe) + 2·(12·64² + 2·64) + 64 (ln_f)
        assertEquals(65 * 64 + 64 * 64 + 2 * (12 * 64 * 64 + 2 * 64) + 64, inst.params().elements());
        assertEquals(16 * 64, inst.examplesPerStep());
        assertEquals("tokens", inst.throughputUnit());
    }

    @Test
    void initialValidationLossIsNearUniformAndFixedAcrossSeeds() {
        GptShakespeareProblem p = tiny();
        double a = p.instantiate(1).evaluate().get("val_loss");
        assertEquals(Math.log(65), a, 0.05);
        GptInstance b = p.instantiate(1);
        assertEquals(a, b.evaluate().get("val_loss"));
        assertEquals(List.of("val_loss"), List.copyOf(b.evaluate().keySet()));
    }

    @Test
    void gradientMatchesCentralDifferencesOfTheLoss() {
        GptInstance inst = tiny().instantiate(2);
        inst.setBatch(3);
        inst.lossAndGradients();
        float[] values = inst.params().values();
        float[] grads = inst.grads().clone();
        // The loss is float32; a step of 1e-2 keeps its rounding (~1e-7 relative) below 1e-4 of the slope.
        for (var slot : inst.params().slots()) {
            int i = slot.offset() + slot.size() / 2;
            float saved = values[i];
            double h = 1e-2;
            values[i] = (float) (saved + h);
            double up = inst.loss();
            values[i] = (float) (saved - h);
            double down = inst.loss();
            values[i] = saved;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, grads[i], 2e-4 + 2e-2 * Math.abs(fd), slot.name());
        }
    }

    @Test
    void sameSeedSameBatchesAndBitIdenticalAdamWLosses() {
        double[][] losses = new double[2][5];
        for (int r = 0; r < 2; r++) {
            GptInstance inst = tiny().instantiate(4);
            Optimizer opt = OptimizerRegistry.defaults().create("adamw", inst.params(), inst.grads(), HyperParams.parse(List.of("lr=1e-3")));
            for (int step = 0; step < 5; step++) {
                inst.setBatch(step);
                losses[r][step] = inst.lossAndGradients();
                opt.step();
            }
        }
        assertArrayEquals(losses[0], losses[1]);
        GptInstance a = tiny().instantiate(4);
        GptInstance b = tiny().instantiate(5);
        assertFalse(Arrays.equals(a.params().values(), b.params().values()));
        a.setBatch(9);
        b.setBatch(9);
        assertFalse(Arrays.equals(a.batch().x(), b.batch().x()));
    }

    @Test
    void lossAndEstimatorsLeaveTheGradientBufferAsFound() {
        GptInstance inst = tiny().instantiate(6);
        inst.setBatch(0);
        inst.lossAndGradients();
        float[] grads = inst.grads().clone();
        float[] values = inst.params().values().clone();
        double l = inst.loss();
        assertArrayEquals(grads, inst.grads());
        {
            float[] out = new float[grads.length];
            var curvature = inst.curvature(6);
            curvature.gaussNewtonBartlett().estimate(inst.params().values(), out, 1);
            assertArrayEquals(grads, inst.grads());
            curvature.hutchinson().estimate(inst.params().values(), out, 1);
            assertArrayEquals(grads, inst.grads());
            assertArrayEquals(values, inst.params().values());
            assertEquals(l, inst.objective(6).loss());
        }
    }

    @Test
    void sophiaVariantsRunOnTheGpt() {
        for (String name : List.of("sophiag", "sophiah")) {
            GptInstance inst = tiny().instantiate(0);
            Optimizer opt = OptimizerRegistry.defaults().create(name, inst.params(), inst.grads(), HyperParams.parse(List.of("lr=1e-3")),
                    inst.curvature(0));
            for (int step = 0; step < 12; step++) {
                inst.setBatch(step);
                assertTrue(Double.isFinite(inst.lossAndGradients()));
                opt.step();
            }
        }
    }

    @Test
    void adamWLearnsCharacterStatistics() {
        GptShakespeareProblem p = tiny();
        GptInstance inst = p.instantiate(0);
        Optimizer opt = OptimizerRegistry.defaults().create("adamw", inst.params(), inst.grads(), HyperParams.parse(List.of("lr=1e-2")));
        for (int step = 0; step < 100; step++) {
            inst.setBatch(step);
            inst.lossAndGradients();
            opt.step();
        }
        // From ln 65 = 4.17 at initialisation to below 3.6 (3.41 measured); predicting the training
        // split's character frequencies alone scores 3.35 on the validation split.
        double val = inst.evaluate().get("val_loss");
        assertTrue(val < 3.6, "val_loss " + val);
    }
}
