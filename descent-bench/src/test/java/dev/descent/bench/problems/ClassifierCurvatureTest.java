package dev.descent.bench.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.ParamSlot;
import org.junit.jupiter.api.Test;

class ClassifierCurvatureTest {
    /**
     * For softmax regression the Gauss–Newton matrix is the Hessian, whose diagonal is, in closed form,
     * H_(k,j),(k,j) = (1/B) Σ_n p_nk (1 − p_nk) x_nj² (x_nj = 1 for the bias). The mean of many
     * Gauss–Newton–Bartlett draws B·ĝ⊙ĝ (one per step, fresh sampled labels) must approach it.
     */
    @Test
    void gaussNewtonBartlettDrawsAverageToTheExactDiagonal() {
        ClassifierInstance inst = LogisticRegressionProblem.breastCancer().instantiate(8);
        inst.setBatch(1);
        float[] values = inst.params().values();
        double[] theta = ReferenceClassifier.toDouble(values);
        ParamSlot w = inst.params().slots().get(0);
        ParamSlot b = inst.params().slots().get(1);
        int classes = w.shape()[0];
        int cols = w.shape()[1];
        int[] rows = inst.batchIndices();
        double[] exact = new double[values.length];
        for (int n : rows) {
            double[] p = ReferenceClassifier.softmax(ReferenceClassifier.logits(inst.params(), theta, inst.train(), n));
            for (int k = 0; k < classes; k++) {
                double v = p[k] * (1 - p[k]) / rows.length;
                for (int j = 0; j < cols; j++) {
                    double x = inst.train().features()[n * cols + j];
                    exact[w.offset() + k * cols + j] += v * x * x;
                }
                exact[b.offset() + k] += v;
            }
        }
        int draws = 4000;
        double[] mean = new double[values.length];
        float[] out = new float[values.length];
        float[] grads = inst.grads().clone();
        {
            var gnb = inst.curvature(8).gaussNewtonBartlett();
            for (int t = 0; t < draws; t++) {
                gnb.estimate(values, out, t);
                for (int i = 0; i < out.length; i++) mean[i] += out[i] / (double) draws;
            }
        }
        assertArrayEquals(grads, inst.grads());
        double total = 0;
        double totalExact = 0;
        for (int i = 0; i < mean.length; i++) {
            total += mean[i];
            totalExact += exact[i];
            // Monte Carlo error of 4,000 draws: at most 8 % per entry and 1 % on the sum were measured.
            assertEquals(exact[i], mean[i], 0.15 * exact[i] + 1e-6, "entry " + i);
        }
        assertTrue(Math.abs(total - totalExact) <= 0.03 * totalExact, total + " vs " + totalExact);
    }
}
