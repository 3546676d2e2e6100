package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.federated.ClientObjective;
import dev.descent.nn.MlpClassifier;
import dev.descent.privacy.ClassifierRowLoss;
import dev.descent.tensor.Philox;
import dev.descent.train.TrainingLoop;
import org.junit.jupiter.api.Test;

class StaleGradientsTest {
    /** Writes the step index into every gradient entry. */
    private static final class StepGradient implements Objective {
        final float[] grads = new float[3];
        long step;
        @Override public void prepare(long s) { step = s; }
        @Override public double lossAndGradient() { java.util.Arrays.fill(grads, step + 1); return step; }
        @Override public double loss() { return step; }
    }

    @Test
    void fixedDelayHandsOverTheGradientOfDStepsAgo() {
        var inner = new StepGradient();
        var stale = new StaleGradients(inner, inner.grads, 3, false, 0);
        for (long t = 0; t < 10; t++) {
            stale.prepare(t);
            stale.lossAndGradient();
            float expected = t < 3 ? 0 : (t - 3) + 1;
            assertEquals(expected, inner.grads[0], "step " + t);
        }
    }

    @Test
    void randomDelaysStayWithinTheBound() {
        var inner = new StepGradient();
        var stale = new StaleGradients(inner, inner.grads, 5, true, 9);
        int[] seen = new int[6];
        for (long t = 0; t < 300; t++) {
            stale.prepare(t);
            stale.lossAndGradient();
            int d = stale.delayAt(t);
            seen[d]++;
            assertEquals(t < d ? 0 : (t - d) + 1, inner.grads[0], "step " + t);
        }
        for (int d = 0; d <= 5; d++) assertTrue(seen[d] > 20, "delay " + d + " drawn " + seen[d] + " times");
    }

    @Test
    void zeroDelayIsThePlainOptimizerBitForBit() throws Exception {
        ClassificationData train = Datasets.digitsTrain().scaled(1f / 16);
        float[][] finals = new float[2][];
        for (int wrapped = 0; wrapped < 2; wrapped++) {
            var model = new MlpClassifier(3, 64, 16, 10);
            var rows = new ClassifierRowLoss(model, train);
            Objective objective = new ClientObjective(rows, 32, Philox.stream(3, "batches"), null, 0);
            if (wrapped == 1) objective = new StaleGradients(objective, rows.grads(), 0, false, 0);
            Optimizer adam = OptimizerRegistry.defaults().create("adam", model.parameters(), HyperParams.empty());
            new TrainingLoop(adam, objective, rows.grads()).run(0, 40);
            finals[wrapped] = model.parameters().values().clone();
        }
        assertArrayEquals(finals[0], finals[1]);
    }
}
