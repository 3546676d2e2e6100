package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The activation layers: values against their definitions in double, backwards against finite differences. */
class ActivationsTest {
    /** Gaussian inputs [3, 7] scaled by 2, with |x| ≥ 0.05 so that h = 1e-2 never crosses ReLU's kink. */
    static Tensor input(long seed) {
        Tensor x = Tensor.zeros(3, 7);
        Philox.stream(seed, "activations").fillGaussian(x.data(), 0, x.size(), 0);
        for (int i = 0; i < x.size(); i++) {
            float v = 2 * x.data()[i];
            x.data()[i] = v >= 0 ? v + 0.05f : v - 0.05f;
        }
        return x;
    }

    /** Checks {@code layer}'s backward on {@link #input} against central differences. */
    static void checkBackward(String name, Layer layer, long seed) {
        Tensor x = input(seed);
        Variable leaf = new Variable(x.copy(), true);
        Variable out = layer.forward(leaf);
        float[] w = FiniteDifferences.weights(out.size());
        out.backward(Tensor.of(w.clone(), out.shape()));
        FiniteDifferences.check(name, () -> {
            try (NoGrad ignored = NoGrad.open()) {
                return layer.forward(Variable.constant(x)).value();
            }
        }, w, x.data(), 0, leaf.grad().toArray(), 1e-2);
    }

    @Test
    void backwardsMatchFiniteDifferences() {
        checkBackward("ReLU", new ReLU(), 1);
        checkBackward("GELU", new GELU(), 2);
        checkBackward("Tanh", new Tanh(), 3);
        checkBackward("Sigmoid", new Sigmoid(), 4);
    }

    @Test
    void valuesMatchTheirDefinitions() {
        Tensor x = input(5);
        Variable c = Variable.constant(x);
        float[] relu = new ReLU().forward(c).value().toArray();
        float[] tanh = new Tanh().forward(c).value().toArray();
        float[] sigmoid = new Sigmoid().forward(c).value().toArray();
        for (int i = 0; i < x.size(); i++) {
            double v = x.get(i);
            assertEquals(Math.max(0, v), relu[i], 0);
            assertEquals(Math.tanh(v), tanh[i], 1e-6);
            // float32 rounding of a value in (0, 1): within 2⁻²⁴ of the double result
            assertEquals(1 / (1 + Math.exp(-v)), sigmoid[i], 0x1p-24);
        }
        // GELU(x) = x·Φ(x); Φ(1) = 0.8413447460685429, Φ(−2) = 0.022750131948179195 (scipy.stats.norm.cdf)
        float[] gelu = new GELU().forward(Variable.constant(Tensor.of(new float[] {1f, -2f}, 2))).value().toArray();
        assertEquals(0.8413447460685429, gelu[0], 1e-6);
        assertEquals(-2 * 0.022750131948179195, gelu[1], 1e-6);
    }

    @Test
    void sigmoidSaturatesWithoutOverflow() {
        float[] y = new Sigmoid().forward(Variable.constant(Tensor.of(new float[] {-1000f, -100f, 0f, 100f, 1000f}, 5))).value().toArray();
        assertEquals(0f, y[0], 0);
        assertEquals(Math.exp(-100), y[1], 0x1p-149); // a float subnormal: within one ulp
        assertEquals(0.5f, y[2], 0);
        assertEquals(1f, y[3], 0);
        assertEquals(1f, y[4], 0);
    }
}
