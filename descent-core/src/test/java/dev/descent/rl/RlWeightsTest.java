package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.autograd.F;
import dev.descent.autograd.TokenReduction;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BOLT, DRIFT and DFT weights: the specs' worked examples and brute force. */
class RlWeightsTest {

    /** specs/12d_bolt.md, worked example: β = 0.5, r = (1, 0, 0, 1). */
    @Test
    void boltWorkedExample() {
        double[] w = BoltzmannWeights.weights(new double[]{1, 0, 0, 1}, 0.5);
        assertArrayEquals(new double[]{1.761594, 0.238406, 0.238406, 1.761594}, w, 5e-7);
        assertEquals(2.531604, BoltzmannWeights.effectiveSampleSize(w), 5e-7);
    }

    /** Brute force: exp(r/β) / mean_j exp(r_j/β) without max-subtraction, mean 1, ESS in [1, N]. */
    @Test
    void boltWeightsMatchTheDefinition() {
        double[] r = {0.3, -1.2, 2.0, 0.0, 0.7};
        double beta = 0.8;
        double z = 0;
        for (double v : r) z += Math.exp(v / beta) / r.length;
        double[] w = BoltzmannWeights.weights(r, beta);
        double mean = 0, s = 0, s2 = 0;
        for (int i = 0; i < r.length; i++) {
            assertEquals(Math.exp(r[i] / beta) / z, w[i], 1e-12);
            mean += w[i] / r.length;
            s += w[i];
            s2 += w[i] * w[i];
        }
        assertEquals(1, mean, 1e-12);
        assertEquals(s * s / s2, BoltzmannWeights.effectiveSampleSize(w), 1e-12);
        // large rewards stay finite thanks to the max subtraction; equal rewards give ESS = N
        assertArrayEquals(new double[]{1, 1, 1}, BoltzmannWeights.weights(new double[]{900, 900, 900}, 0.1), 1e-12);
        assertEquals(3, BoltzmannWeights.effectiveSampleSize(new double[]{1, 1, 1}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> BoltzmannWeights.weights(r, 0));
    }

    /** Brute force: π*(S) = Σ over distinct y of π_ref(y) exp(r/β) / Ẑ, price −β log π*(S). */
    @Test
    void boltStoredSupportPrice() {
        List<String> ys = List.of("a", "b", "a", "c");
        double[] refLogp = {Math.log(0.2), Math.log(0.1), Math.log(0.2), Math.log(0.05)};
        double[] r = {1, 0, 1, 0.5};
        double beta = 0.5;
        double zHat = (Math.exp(2) + 1 + Math.exp(2) + Math.exp(1)) / 4;
        double mass = (0.2 * Math.exp(2) + 0.1 * 1 + 0.05 * Math.exp(1)) / zHat;
        assertEquals(-beta * Math.log(mass), BoltzmannWeights.storedSupportPrice(ys, refLogp, r, beta), 1e-12);
        assertEquals(-(1.761594 * Math.log(0.5) + 0.238406 * Math.log(0.25)) / 2,
                BoltzmannWeights.loss(new double[]{1.761594, 0.238406}, new double[]{Math.log(0.5), Math.log(0.25)}), 1e-12);
    }

    /** specs/02_drift.md worked example (γ = 0.9, β = 0.1, one group of 4), from drift_example.out. */
    @Test
    void driftWorkedExample() {
        double gamma = 0.9;
        double[] ret = {
                DriftWeights.trajectoryReturn(turns(0, 1, 0, 0, 0), List.of("12", "13"), 0, gamma),
                DriftWeights.trajectoryReturn(turns(1, 0, 0, 0, 0), List.of("13"), 0, gamma),
                DriftWeights.trajectoryReturn(turns(0, 0, 0, 0, 0), List.of("12", "12", "11", "12", "10"), 0, gamma),
                DriftWeights.trajectoryReturn(turns(0, 0, 1, 0, 0), List.of("11", "11", "13"), -0.1, gamma)};
        assertArrayEquals(new double[]{0.9, 1.0, -0.2, 0.5433333333}, ret, 1e-9);
        double[] w = DriftWeights.weights(ret, 0.1);
        assertArrayEquals(new double[]{1.0676493615, 2.9021718586, 1.78316e-05, 0.0301609483}, w, 1e-10);
        double[] nll = {0.8, 0.5, 1.2, 0.9};
        assertEquals(0.5830929174679846, DriftWeights.loss(w, nll, false), 1e-15);
        assertEquals(0.583092917469677, DriftWeights.loss(w, nll, true), 1e-15);
        // keys that are not t<integer> are ignored; turns are ordered by their number, not as strings
        assertEquals(1 + 0.5 * Math.pow(0.9, 9), DriftWeights.discountedReturn(Map.of("t1", 1.0, "t10", 0.5, "score", 7.0), 0.9), 1e-15);
        assertEquals(0, DriftWeights.repetitionPenalty(List.of()));
        assertThrows(IllegalArgumentException.class, () -> DriftWeights.weights(ret, 0));
    }

    static Map<String, Double> turns(double... r) {
        var m = new java.util.HashMap<String, Double>();
        for (int i = 0; i < r.length; i++) m.put("t" + (i + 1), r[i]);
        return m;
    }

    /** DFT: value −Σ m p log p / Σ m; gradient = weighted CE with the probabilities as constant weights (central differences). */
    @Test
    void dftScalesTokenLossByDetachedProbability() {
        float[] z = {0.2f, -1.0f, 0.5f, 1.5f, 0.0f, -0.3f, 0.7f, 0.1f, -0.4f, 0.9f, 0.3f, -0.8f};
        int[] y = {2, 0, 1, 1};
        float[] mask = {1, 1, 0, 1};
        Variable logits = new Variable(Tensor.of(z.clone(), 4, 3), true);
        Variable loss = DynamicFineTuning.loss(logits, y, mask, 2);
        double expected = 0;
        float[] p = new float[4];
        for (int i = 0; i < 4; i++) {
            double zs = 0;
            for (int j = 0; j < 3; j++) zs += Math.exp(z[i * 3 + j]);
            double pi = Math.exp(z[i * 3 + y[i]]) / zs;
            p[i] = (float) pi;
            expected -= mask[i] * pi * Math.log(pi);
        }
        assertEquals(expected / 3, loss.item(), 1e-6);
        loss.backward();
        for (int k = 0; k < z.length; k++) {
            float[] a = z.clone(), b = z.clone();
            a[k] += 1e-2f;
            b[k] -= 1e-2f;
            double fa = F.weightedCrossEntropy(new Variable(Tensor.of(a, 4, 3), false), y, p, mask, 2, TokenReduction.MEAN).item();
            double fb = F.weightedCrossEntropy(new Variable(Tensor.of(b, 4, 3), false), y, p, mask, 2, TokenReduction.MEAN).item();
            assertEquals((fa - fb) / (a[k] - b[k]), logits.grad().data()[k], 2e-4, "logit " + k);
        }
    }

    /** Sequence-weighted SFT, both normalisations, against log-softmax by hand; DRIFT's default equals its per-sample rule. */
    @Test
    void weightedSftAgainstBruteForce() {
        float[] z = {0.2f, -1.0f, 0.5f, 1.5f, 0.0f, -0.3f, 0.7f, 0.1f, -0.4f, 0.9f, 0.3f, -0.8f, 0.0f, 0.4f, -0.2f, 1.1f, -0.6f, 0.2f};
        int[] y = {2, 0, 1, 1, 0, 2};
        float[] mask = {1, 1, 0, 1, 1, 1};
        double[] w = {1.761594, 0.238406};
        double[] sum = new double[2];
        double[] count = new double[2];
        for (int i = 0; i < 6; i++) {
            double zs = 0;
            for (int j = 0; j < 3; j++) zs += Math.exp(z[i * 3 + j]);
            double nll = Math.log(zs) - z[i * 3 + y[i]];
            sum[i / 3] += mask[i] * nll;
            count[i / 3] += mask[i];
        }
        double tokenSum = (w[0] * sum[0] + w[1] * sum[1]) / 2;
        double seqMean = (w[0] * sum[0] / count[0] + w[1] * sum[1] / count[1]) / 2;
        assertEquals(tokenSum, WeightedSft.loss(new Variable(Tensor.of(z.clone(), 6, 3), false), y, mask, w, 2, WeightedSft.Normalisation.TOKEN_SUM).item(), 1e-6);
        assertEquals(seqMean, WeightedSft.loss(new Variable(Tensor.of(z.clone(), 6, 3), false), y, mask, w, 2, WeightedSft.Normalisation.SEQUENCE_MEAN).item(), 1e-6);
        assertEquals(DriftWeights.loss(w, new double[]{sum[0] / count[0], sum[1] / count[1]}, false), seqMean, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> WeightedSft.loss(new Variable(Tensor.of(z.clone(), 6, 3), false), y, mask, new double[]{1}, 2,
                WeightedSft.Normalisation.TOKEN_SUM));
    }
}
