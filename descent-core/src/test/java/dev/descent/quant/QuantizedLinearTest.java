package dev.descent.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Int8BlockTensor;
import dev.descent.tensor.Philox;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link QuantizedLinear} against {@link dev.descent.nn.Linear}'s arithmetic ({@link F#linear}) over the
 * decoded weight, and its input gradient against central finite differences.
 */
class QuantizedLinearTest {
    static float[] gaussian(int n, String purpose, float scale) {
        float[] v = new float[n];
        Philox.stream(7, purpose).fillGaussian(v, 0, n, 0);
        for (int i = 0; i < n; i++) v[i] *= scale;
        return v;
    }

    static StoredTensor nf4(int out, int in) {
        return NormalFloat4.quantize(Tensor.of(gaussian(out * in, "w", 0.05f), out, in), true).tensor();
    }

    /** Several rows take the tiled GEMM, whose every output is Gemm's dot over the full in-dimension: bit-identical. */
    @Test
    void forwardAndInputGradientEqualLinearOverTheDecodedWeightBitForBit() {
        for (StoredTensor w : new StoredTensor[] {nf4(160, 384), Int8BlockTensor.encode(Tensor.of(gaussian(160 * 384, "w8", 0.05f), 160, 384)),
                                                  nf4(96, 1536)}) {
            int out = w.shape()[0];
            int in = w.shape()[1];
            int rows = 70;
            Tensor bias = Tensor.of(gaussian(out, "b", 0.1f), out);
            QuantizedLinear q = new QuantizedLinear(w, bias);
            Variable xq = new Variable(Tensor.of(gaussian(rows * in, "x", 1f), rows, in), true);
            Variable xr = new Variable(Tensor.of(xq.value().data().clone(), rows, in), true);
            Variable yq = q.forward(xq);
            Variable yr = F.linear(xr, Variable.constant(w.toFloat32()), Variable.constant(bias));
            assertArrayEquals(yr.value().data(), yq.value().data(), "forward " + w);
            Tensor seed = Tensor.of(gaussian(rows * out, "dy", 1f), rows, out);
            yq.backward(seed);
            yr.backward(Tensor.of(seed.data().clone(), rows, out));
            assertArrayEquals(xr.grad().data(), xq.grad().data(), "input gradient " + w);
        }
    }

    /**
     * One row uses the format's matvec kernel, which sums in {@code Reductions.dot}'s order instead of
     * Gemm's: each output then differs from Linear's by at most the two sums' rounding bounds,
     * 2·in·2⁻²⁴·Σ|w·x| (the classical γ_n bound of a length-n float32 sum, for each side).
     */
    @Test
    void batchOneMatvecPathIsWithinTheSummationBound() {
        StoredTensor w = nf4(128, 384);
        int in = 384;
        QuantizedLinear q = new QuantizedLinear(w, null);
        float[] x = gaussian(in, "x1", 1f);
        float[] y = q.forward(Variable.constant(Tensor.of(x, 1, in))).value().data();
        float[] ref = F.linear(Variable.constant(Tensor.of(x.clone(), 1, in)), Variable.constant(w.toFloat32()), null).value().data();
        Tensor wf = w.toFloat32();
        for (int o = 0; o < 128; o++) {
            double abs = 0;
            for (int c = 0; c < in; c++) abs += Math.abs((double) wf.get(o * in + c) * x[c]);
            assertEquals(ref[o], y[o], 2 * in * 0x1p-24 * abs, "row " + o);
        }
    }

    /** dx of Σ wᵢ·yᵢ against central differences (the layer is linear in x, so only rounding separates them). */
    @Test
    void inputGradientMatchesFiniteDifferences() {
        StoredTensor w = nf4(64, 128);
        QuantizedLinear q = new QuantizedLinear(w, Tensor.of(gaussian(64, "b", 0.1f), 64));
        int rows = 3;
        float[] xs = gaussian(rows * 128, "xfd", 1f);
        float[] weights = gaussian(rows * 64, "fdw", 1f);
        Variable x = new Variable(Tensor.of(xs, rows, 128), true);
        q.forward(x).backward(Tensor.of(weights.clone(), rows, 64));
        float[] analytic = x.grad().data();
        double h = 1e-2;
        for (int j = 0; j < xs.length; j++) {
            float x0 = xs[j];
            xs[j] = (float) (x0 + h);
            double fp = weighted(q, xs, rows, weights);
            xs[j] = (float) (x0 - h);
            double fm = weighted(q, xs, rows, weights);
            double step = (double) (float) (x0 + h) - (float) (x0 - h);
            xs[j] = x0;
            double numeric = (fp - fm) / step;
            assertEquals(numeric, analytic[j], 1e-2 * Math.abs(numeric) + 2e-3, "dx[" + j + "]");
        }
    }

    static double weighted(QuantizedLinear q, float[] xs, int rows, float[] weights) {
        float[] y = q.forward(Variable.constant(Tensor.of(xs, rows, 128))).value().data();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) weights[i] * y[i];
        return s;
    }

    @Test
    void weightIsFrozenAndHasNoGradient() {
        QuantizedLinear q = new QuantizedLinear(nf4(64, 64), Tensor.of(new float[64], 64));
        assertEquals(1, q.namedParameters().size(), "only the bias is a parameter");
        assertTrue(q.namedParameters().values().stream().noneMatch(p -> p.isTrainable()), "frozen by default");
        Variable x = new Variable(Tensor.of(gaussian(2 * 64, "x", 1f), 2, 64), true);
        q.forward(x).backward(Tensor.of(new float[2 * 64], 2, 64));
        assertNull(q.bias.grad());
        assertEquals(64, q.inFeatures());
        assertEquals(64, q.outFeatures());
        assertThrows(IllegalArgumentException.class, () -> q.forward(Variable.constant(Tensor.zeros(2, 32))));
    }
}
