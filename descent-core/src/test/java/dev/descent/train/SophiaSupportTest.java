package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.GaussNewtonBartlettEstimator;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.SophiaOptimizers;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SophiaSupportTest {
    static final int V = 5;

    static Gpt tiny() {
        return new Gpt(new GptConfig(V, 4, 1, 1, 8, 0f, true), 17);
    }

    static TextDataset.Batch batch(long step, int b, int t) {
        int[] x = new int[b * t];
        int[] y = new int[b * t];
        for (int i = 0; i < x.length; i++) {
            x[i] = (int) ((i + step) % V);
            y[i] = (x[i] + 1) % V;
        }
        return new TextDataset.Batch(x, y, b, t);
    }

    @Test
    void estimateLeavesGradientsAloneAndIsKeyedByStep() {
        Gpt m = tiny();
        float[] grads = m.parameters().grads();
        for (int i = 0; i < grads.length; i++) grads[i] = (i % 7) * 0.25f - 0.5f;
        float[] before = grads.clone();
        var est = SophiaSupport.gaussNewtonBartlett(m, s -> batch(s, 2, 4), 5, 0);
        float[] values = m.parameters().values();
        float[] a = new float[values.length];
        float[] b = new float[values.length];
        float[] c = new float[values.length];
        est.estimate(values, a, 3);
        assertArrayEquals(before, grads, "the step's gradient survives the estimate");
        est.estimate(values, b, 3);
        est.estimate(values, c, 4);
        assertArrayEquals(a, b, "same step, same labels, same estimate");
        assertFalse(Arrays.equals(a, c));
        double sum = 0;
        for (float v : a) {
            assertTrue(Float.isFinite(v) && v >= 0);
            sum += v;
        }
        assertTrue(sum > 0);
        assertThrows(IllegalArgumentException.class, () -> est.estimate(values.clone(), a, 1));
    }

    /**
     * Unbiasedness on one token (B = 1): E_ŷ[ĥ] = Σ_c p_c g_c ⊙ g_c, the diagonal of the Fisher
     * (= Gauss–Newton for softmax cross-entropy), computed exactly by enumerating the V labels with one
     * backward each. Tolerance per element: 5 σ/√N with σ² = Σ_c p_c g_c⁴ − (Σ_c p_c g_c²)², plus a
     * float32 allowance of 1e-5 relative (plus 1e-9 absolute for elements the token does not touch).
     */
    @Test
    void meanOverSampledLabelsIsTheFisherDiagonal() {
        Gpt m = tiny();
        float[] values = m.parameters().values();
        float[] grads = m.parameters().grads();
        int n = values.length;
        int[] x = {2};
        double[] p = new double[V];
        try (var ng = NoGrad.open()) {
            Tensor logits = m.forward(x, 1, 1).value();
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < V; c++) max = Math.max(max, logits.get(c));
            double z = 0;
            for (int c = 0; c < V; c++) z += p[c] = Math.exp(logits.get(c) - max);
            for (int c = 0; c < V; c++) p[c] /= z;
        }
        double[] mean2 = new double[n];
        double[] mean4 = new double[n];
        for (int c = 0; c < V; c++) {
            m.parameters().zeroGrad();
            m.loss(x, new int[] {c}, 1, 1).backward();
            for (int i = 0; i < n; i++) {
                double g2 = (double) grads[i] * grads[i];
                mean2[i] += p[c] * g2;
                mean4[i] += p[c] * g2 * g2;
            }
        }
        m.parameters().zeroGrad();
        GaussNewtonBartlettEstimator est = SophiaSupport.gaussNewtonBartlett(m, s -> new TextDataset.Batch(x, new int[1], 1, 1), 9, 0);
        int draws = 4000;
        double[] mean = new double[n];
        float[] out = new float[n];
        for (int s = 0; s < draws; s++) {
            est.estimate(values, out, s);
            for (int i = 0; i < n; i++) mean[i] += out[i];
        }
        int checked = 0;
        for (int i = 0; i < n; i++) {
            mean[i] /= draws;
            double sd = Math.sqrt(Math.max(0, mean4[i] - mean2[i] * mean2[i]));
            assertEquals(mean2[i], mean[i], 5 * sd / Math.sqrt(draws) + 1e-5 * mean2[i] + 1e-9, "element " + i);
            if (mean2[i] > 1e-8) checked++;
        }
        assertTrue(checked > n / 4, "the test covers many elements: " + checked + " of " + n);
    }

    @Test
    void sophiagTrainsATinyGpt() {
        Gpt m = tiny();
        var ps = ParamSet.of(m.parameters());
        var est = SophiaSupport.gaussNewtonBartlett(m, s -> batch(s, 2, 4), 1, 1.0);
        Optimizer opt = SophiaOptimizers.create("sophiag", ps, m.parameters().grads(),
                HyperParams.parse(List.of("lr=0.01", "rho=0.05", "weight_decay=0.1", "hess_interval=5")), est);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 0; step < 80; step++) {
            m.beginStep(step);
            TextDataset.Batch b = batch(step, 2, 4);
            var loss = m.loss(b.x(), b.y(), 2, 4);
            last = loss.item();
            if (step == 0) first = last;
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }
}
