package dev.descent.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.Optimizers;
import dev.descent.train.TrainingLoop;
import org.junit.jupiter.api.Test;

class DpSgdObjectiveTest {
    /** Row i's gradient is a fixed vector whose norm is norms[i] (direction depends on i). */
    private static final class FixedGradients implements RowLoss {
        final float[] values;
        final float[] grads;
        final double[] norms;

        FixedGradients(int dim, double... norms) {
            this.values = new float[dim];
            this.grads = new float[dim];
            this.norms = norms;
        }

        float[] gradientOf(int row) {
            float[] g = new float[values.length];
            double s = 0;
            for (int j = 0; j < g.length; j++) {
                g[j] = (float) Math.sin(1 + row * 7 + j * 3);
                s += (double) g[j] * g[j];
            }
            for (int j = 0; j < g.length; j++) g[j] = (float) (g[j] * norms[row] / Math.sqrt(s));
            return g;
        }

        @Override public int rows() { return norms.length; }
        @Override public float[] values() { return values; }
        @Override public float[] grads() { return grads; }

        @Override
        public double lossAndGradient(int[] rows, int from, int count) {
            java.util.Arrays.fill(grads, 0f);
            for (int k = 0; k < count; k++) {
                float[] g = gradientOf(rows[from + k]);
                for (int j = 0; j < g.length; j++) grads[j] += g[j] / count;
            }
            return rows[from];
        }

        @Override public double loss(int[] rows, int from, int count) { return 0; }
    }

    @Test
    void clippingBoundsEveryNormAndLeavesShortGradientsAlone() {
        double c = 1.0;
        for (double n : new double[] {0.01, 0.5, 0.999, 1.0, 1.5, 10, 1e4}) {
            float[] g = new FixedGradients(17, n).gradientOf(0);
            float[] out = new float[17];
            PerExampleClipping.clipAndAccumulate(g, out, c);
            double clipped = PerExampleClipping.norm(out, out.length);
            assertTrue(clipped <= c * (1 + 1e-6), "norm " + n + " clipped to " + clipped);
            if (n < c - 1e-5) assertArrayEquals(g, out, "a gradient shorter than C is not scaled");
            else assertEquals(Math.min(n, c), clipped, 1e-5);
        }
    }

    @Test
    void noiselessGradientIsTheSumOfClippedGradientsOverTheExpectedBatch() {
        double[] norms = {0.2, 3.0, 0.7, 12.0, 1.0, 0.05, 2.5, 0.9};
        var rows = new FixedGradients(11, norms);
        double q = 0.5;
        double c = 1.0;
        var dp = new DpSgdObjective(rows, q, 0, c, 7);
        dp.prepare(3);
        int[] batch = dp.batch();
        assertTrue(batch.length > 0 && batch.length < norms.length, "this seed samples a proper subset");
        dp.lossAndGradient();
        double[] expected = new double[11];
        for (int i : batch) {
            float[] g = rows.gradientOf(i);
            double f = Math.min(1, c / (norms[i] + 1e-6));
            for (int j = 0; j < 11; j++) expected[j] += f * g[j] / (q * norms.length);
        }
        for (int j = 0; j < 11; j++) assertEquals(expected[j], rows.grads[j], 1e-6);
    }

    @Test
    void noiseHasStandardDeviationSigmaCOverTheExpectedBatchSize() {
        int n = 1000;
        var rows = new FixedGradients(20_000, new double[n]); // zero gradients: ĝ is the noise alone
        double q = 0.1, sigma = 2, c = 0.5;
        var dp = new DpSgdObjective(rows, q, sigma, c, 11);
        dp.prepare(0);
        dp.lossAndGradient();
        double mean = 0, sq = 0;
        for (float v : rows.grads) mean += v;
        mean /= rows.grads.length;
        for (float v : rows.grads) sq += (v - mean) * (v - mean);
        double sd = Math.sqrt(sq / (rows.grads.length - 1));
        double expectedSd = sigma * c / (q * n);
        assertEquals(0, mean, 4 * expectedSd / Math.sqrt(rows.grads.length));
        assertEquals(expectedSd, sd, 0.02 * expectedSd);
        float[] first = rows.grads.clone();
        dp.prepare(0);
        dp.lossAndGradient();
        assertArrayEquals(first, rows.grads, "the same seed and step give the same noise");
        dp.prepare(1);
        dp.lossAndGradient();
        assertTrue(first[0] != rows.grads[0], "another step draws other noise");
    }

    @Test
    void poissonSamplingKeepsEachRowWithProbabilityQ() {
        var rows = new FixedGradients(1, new double[5000]);
        var dp = new DpSgdObjective(rows, 0.03, 1, 1, 5);
        long total = 0;
        for (int t = 0; t < 40; t++) {
            dp.prepare(t);
            total += dp.batch().length;
        }
        double expected = 0.03 * 5000 * 40; // 6000, binomial sd ≈ 76
        assertEquals(expected, total, 4 * Math.sqrt(expected * 0.97));
    }

    @Test
    void refusesBadSettings() {
        var rows = new FixedGradients(3, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new DpSgdObjective(rows, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new DpSgdObjective(rows, 0.5, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new DpSgdObjective(rows, 0.5, 1, 0, 0));
        assertThrows(IllegalStateException.class, () -> new DpSgdObjective(rows, 0.5, 1, 1, 0).lossAndGradient());
    }

    @Test
    void privateTrainingLearnsDigits() throws Exception {
        ClassificationData train = Datasets.digitsTrain().scaled(1f / 16);
        ClassificationData test = Datasets.digitsTest().scaled(1f / 16);
        var model = new MlpClassifier(0, 64, 32, 10);
        var rows = new ClassifierRowLoss(model, train);
        var dp = new DpSgdObjective(rows, 64.0 / train.rows(), 1.0, 1.0, 0);
        var sgd = Optimizers.sgd().lr(0.5).build(model.parameters());
        new TrainingLoop(sgd, dp, rows.grads()).run(0, 150);
        double acc = rows.accuracy(test);
        assertTrue(acc > 0.7, "accuracy " + acc);
    }
}
