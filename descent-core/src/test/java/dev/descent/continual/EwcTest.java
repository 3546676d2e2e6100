package dev.descent.continual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.tensor.Philox;
import org.junit.jupiter.api.Test;

class EwcTest {
    private static float[] uniform(long key, int n, float scale) {
        float[] x = new float[n];
        Philox.stream(11, "test/ewc").derive(key).fillUniform(x, 0, n, 0);
        for (int i = 0; i < n; i++) x[i] *= scale;
        return x;
    }

    /** The penalty's gradient against central differences of its value (in double, on float parameters). */
    @Test
    void penaltyGradientMatchesFiniteDifferences() {
        for (boolean online : new boolean[] {false, true}) {
            Ewc ewc = new Ewc(online, 3.0, 0.7, false, 10, 1);
            int n = 12;
            ewc.consolidate(uniform(1, n, 2), uniform(2, n, 1));
            ewc.consolidate(uniform(3, n, 2), uniform(4, n, 1));
            float[] theta = uniform(5, n, 1);
            float[] grad = new float[n];
            ewc.penaltyAt(theta, grad);
            double eps = 1e-3;
            for (int i = 0; i < n; i++) {
                float saved = theta[i];
                theta[i] = (float) (saved + eps);
                double plus = ewc.penaltyAt(theta, null);
                theta[i] = (float) (saved - eps);
                double minus = ewc.penaltyAt(theta, null);
                theta[i] = saved;
                double h = (double) (float) (saved + eps) - (double) (float) (saved - eps);
                assertEquals((plus - minus) / h, grad[i], 1e-3 * Math.max(1, Math.abs(grad[i])), "online=" + online + " i=" + i);
            }
        }
    }

    /** Separate keeps every pair; online folds them: F = γF₁ + F₂, θ* = θ*₂. */
    @Test
    void separateAndOnlineConsolidation() {
        float[] f1 = {1, 2};
        float[] a1 = {0, 1};
        float[] f2 = {3, 0.5f};
        float[] a2 = {1, -1};
        float[] theta = {2, 0};
        // separate: λ[1·(2−0)² + 2·(0−1)² + 3·(2−1)² + 0.5·(0+1)²] = 2·(4 + 2 + 3 + 0.5) = 19
        Ewc separate = new Ewc(false, 2, 1, false, 1, 1);
        separate.consolidate(f1.clone(), a1);
        separate.consolidate(f2.clone(), a2);
        assertEquals(19, separate.penaltyAt(theta, null), 1e-6);
        // online, γ = 0.5: F = (0.5 + 3, 1 + 0.5) = (3.5, 1.5), θ* = (1, −1): 2·(3.5·1 + 1.5·1) = 10
        Ewc online = new Ewc(true, 2, 0.5, false, 1, 1);
        online.consolidate(f1.clone(), a1);
        online.consolidate(f2.clone(), a2);
        assertEquals(10, online.penaltyAt(theta, null), 1e-6);
    }

    @Test
    void refusesBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> new Ewc(false, -1, 1, false, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Ewc(true, 1, 1.5, false, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Ewc(true, 1, 1, false, 0, 1));
    }

    /** The per-row Fisher of a trained model is non-negative, not all zero, and leaves the gradient buffer alone. */
    @Test
    void fisherIsNonNegativeAndKeepsTheGradientBuffer() {
        ContinualStream s = Streams.splitDigits(Scenario.CLASS_INCREMENTAL);
        Learner l = new Learner(3, 64, 16, 10);
        l.parameters().grads()[5] = 0.25f;
        for (boolean empirical : new boolean[] {false, true}) {
            float[] f = DiagonalFisher.estimate(l, s.task(0).train(), s.allowedByLabel(), 20, empirical, 1, 0);
            double sum = 0;
            for (float v : f) {
                assertEquals(true, v >= 0);
                sum += v;
            }
            assertEquals(true, sum > 0);
        }
        assertEquals(0.25f, l.parameters().grads()[5], 0);
    }
}
