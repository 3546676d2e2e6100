package dev.descent.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.nn.Linear;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.util.function.Supplier;

/**
 * The tiny fixed problem of the LoRA variants' golden tests, the same as {@code bench/golden/lora_variants.py}:
 * in = 5, out = 4, r = 2, batch 3, the loss {@code L = Σ c ⊙ y}; every array filled by
 * {@code f(k, i) = sin(0.37·i·k + 0.1·k)·scale} (i the row-major index).
 */
final class VariantFixture {
    static final int IN = 5, OUT = 4, R = 2, N = 3;
    static final float LR = 0.1f;

    private VariantFixture() {}

    static float[] fill(int k, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (Math.sin(0.37 * i * k + 0.1 * k) * scale);
        return out;
    }

    static float[] w0() { return fill(1, OUT * IN, 0.5); }

    static Tensor x() { return Tensor.of(fill(2, N * IN, 1.0), N, IN); }

    static Tensor c() { return Tensor.of(fill(3, N * OUT, 1.0), N, OUT); }

    static float[] a0() { return fill(4, R * IN, 0.4); }

    static float[] b0() { return fill(5, OUT * R, 0.3); }

    /** A bias-free Linear in → out with weight W0. */
    static Linear base() {
        Linear l = new Linear(IN, OUT, false);
        set(l.weight, w0());
        return l;
    }

    static void set(Parameter p, float[] v) {
        Tensor t = p.value();
        System.arraycopy(v, 0, t.data(), t.offset(), t.size());
    }

    /** A model holding one layer under the name {@code x} (the layer's dotted path). */
    static final class Holder extends Module {
        Holder(Module layer) { module("x", layer); }
    }

    /** Backward of {@code L = Σ c ⊙ layer(x)}: the gradients accumulate into the layer's parameters. */
    static void backward(Module layer) {
        Variable y = ((LinearLayer) layer).forward(Variable.constant(x()));
        y.backward(c());
    }

    static void assertClose(double[] expected, Tensor actual, double tol, String what) {
        assertEquals(expected.length, actual.size(), what + ": size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.get(i), tol * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    /**
     * Central finite differences of {@code L = Σ w ⊙ out()} with respect to every element of
     * {@code data}, against {@code analytic}: each within 1% of the larger of the two plus 1e-3 of the
     * largest numerical entry, and the whole within 1% in L2 (a missing term or a transposition gives
     * O(1) errors). The forward runs in float32, so h is large enough (1e-2) for its round-off.
     */
    static void finiteDifferences(String name, Supplier<Tensor> out, Tensor w, Tensor data, float[] analytic) {
        double h = 1e-2;
        double[] numeric = new double[analytic.length];
        float[] d = data.data();
        for (int j = 0; j < analytic.length; j++) {
            int at = data.offset() + j;
            float x0 = d[at];
            d[at] = (float) (x0 + h);
            double fp = dot(out.get(), w);
            d[at] = (float) (x0 - h);
            double fm = dot(out.get(), w);
            d[at] = x0;
            numeric[j] = (fp - fm) / (2 * h);
        }
        double max = 0;
        for (double v : numeric) max = Math.max(max, Math.abs(v));
        assertTrue(max > 0, name + ": degenerate check");
        double diff2 = 0;
        double norm2 = 0;
        for (int j = 0; j < numeric.length; j++) {
            double tol = 1e-2 * Math.max(Math.abs(analytic[j]), Math.abs(numeric[j])) + 1e-3 * max;
            assertEquals(numeric[j], analytic[j], tol, name + "[" + j + "]");
            diff2 += (analytic[j] - numeric[j]) * (analytic[j] - numeric[j]);
            norm2 += numeric[j] * numeric[j];
        }
        assertTrue(Math.sqrt(diff2 / norm2) < 1e-2, name + ": relative L2 error " + Math.sqrt(diff2 / norm2));
    }

    /**
     * The input gradient of {@code L = Σ w ⊙ layer(x)} against central finite differences
     * ({@link #finiteDifferences}) over every element of x.
     */
    static void inputGradientMatchesFiniteDifferences(LinearLayer layer, Tensor w) {
        Tensor xv = x();
        Variable x = new Variable(xv, true);
        layer.forward(x).backward(w);
        finiteDifferences("dL/dx", () -> {
            try (NoGrad ignored = NoGrad.open()) {
                return layer.forward(Variable.constant(xv)).value();
            }
        }, w, xv, x.grad().toArray());
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += (double) a.get(i) * b.get(i);
        return s;
    }

    /** The forward's output without a graph. */
    static Tensor forward(Module layer) {
        try (NoGrad ignored = NoGrad.open()) {
            return ((LinearLayer) layer).forward(Variable.constant(x())).value();
        }
    }
}
