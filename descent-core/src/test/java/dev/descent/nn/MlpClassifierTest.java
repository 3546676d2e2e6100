package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpClassifierTest {
    @Test
    void namesAndShapesFollowSequential() {
        MlpClassifier m = new MlpClassifier(1, 5, 8, 6, 3);
        List<String> names = new ArrayList<>();
        for (Parameter p : m.parameters().list()) names.add(p.name());
        assertEquals(List.of("net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "net.4.weight", "net.4.bias"), names);
        int[][] shapes = {{8, 5}, {8}, {6, 8}, {6}, {3, 6}, {3}};
        for (int i = 0; i < shapes.length; i++) assertArrayEquals(shapes[i], m.parameters().list().get(i).shape());
        assertEquals(8 * 5 + 8 + 6 * 8 + 6 + 3 * 6 + 3, m.parameterCount());
        assertThrows(IllegalArgumentException.class, () -> new MlpClassifier(1, 5));
    }

    @Test
    void initialisationIsTorchLinearDefault() {
        MlpClassifier m = new MlpClassifier(2, 64, 32, 4);
        for (Parameter p : m.parameters().list()) {
            int fanIn = p.name().startsWith("net.0") ? 64 : 32;
            double bound = 1 / Math.sqrt(fanIn);
            double s2 = 0;
            for (float x : p.value().toArray()) {
                assertTrue(Math.abs(x) <= bound, p.name());
                s2 += x * x;
            }
            if (p.size() >= 128) {
                // U(−b, b) has variance b²/3; relative sd of the sample variance ≈ sqrt(0.8/n) ≤ 8%
                assertEquals(bound * bound / 3, s2 / p.size(), 0.3 * bound * bound / 3, p.name());
            }
        }
        MlpClassifier same = new MlpClassifier(2, 64, 32, 4);
        assertArrayEquals(m.parameters().values(), same.parameters().values());
    }

    @Test
    void forwardIsLinearReluLinear() {
        MlpClassifier m = new MlpClassifier(3, 4, 5, 2);
        Tensor x = Tensor.zeros(3, 4);
        Philox.stream(1, "x").fillGaussian(x.data(), 0, 12, 0);
        Tensor y = m.forward(Variable.constant(x)).value();
        Tensor w0 = m.parameters().get("net.0.weight").value();
        Tensor b0 = m.parameters().get("net.0.bias").value();
        Tensor w2 = m.parameters().get("net.2.weight").value();
        Tensor b2 = m.parameters().get("net.2.bias").value();
        for (int r = 0; r < 3; r++) {
            double[] h = new double[5];
            for (int o = 0; o < 5; o++) {
                double s = b0.get(o);
                for (int i = 0; i < 4; i++) s += x.at(r, i) * (double) w0.at(o, i);
                h[o] = Math.max(0, s);
            }
            for (int o = 0; o < 2; o++) {
                double s = b2.get(o);
                for (int i = 0; i < 5; i++) s += h[i] * w2.at(o, i);
                assertEquals(s, y.at(r, o), 1e-5);
            }
        }
    }

    @Test
    void lossGradientMatchesFiniteDifferences() {
        // Every parameter entry; central differences of the float32 loss with h = 1e-3 (ReLU kinks: a
        // pre-activation within h of 0 would break the check, which for this fixed seed none is).
        // Tolerance |a − n| ≤ 2e-2·|n| + 1e-4: round-off 2⁻²⁴·L/2h ≈ 1e-4 at L ≈ 1.
        MlpClassifier m = new MlpClassifier(4, 6, 7, 5, 3);
        Tensor x = Tensor.zeros(8, 6);
        Philox.stream(5, "x").fillGaussian(x.data(), 0, x.size(), 0);
        int[] y = {0, 2, 1, 1, -1, 2, 0, 1};
        FlatParameters ps = m.parameters();
        ps.zeroGrad();
        F.crossEntropy(m.forward(Variable.constant(x)), y).backward();
        float[] grad = ps.grads().clone();
        double maxAbs = 0;
        for (int i = 0; i < ps.size(); i++) {
            float x0 = ps.values()[i];
            float xp = x0 + 1e-3f;
            float xm = x0 - 1e-3f;
            ps.values()[i] = xp;
            double fp = loss(m, x, y);
            ps.values()[i] = xm;
            double fm = loss(m, x, y);
            ps.values()[i] = x0;
            double n = (fp - fm) / ((double) xp - xm);
            assertEquals(n, grad[i], 2e-2 * Math.abs(n) + 1e-4, "entry " + i);
            maxAbs = Math.max(maxAbs, Math.abs(n));
        }
        assertTrue(maxAbs > 1e-2);
    }

    static double loss(MlpClassifier m, Tensor x, int[] y) {
        try (NoGrad ignored = NoGrad.open()) {
            return F.crossEntropy(m.forward(Variable.constant(x)), y).item();
        }
    }
}
