package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.function.Supplier;

/**
 * Central finite-difference checks of a backward, with the tolerance argument of {@code GradCheckTest}:
 * the scalar is {@code L = Σ w_i·out_i} for fixed Gaussian weights w (every output element counts with
 * its own weight); the numerical derivative {@code (L(x+h) − L(x−h)) / (x₊ − x₋)} is summed in double
 * with the actual float32 step. Each element must satisfy
 * {@code |a − n| ≤ 1e-2·max(|a|, |n|) + 1e-3·max_j|n_j| + 8·2⁻²⁴·Σ|w·out|/(2h)} (1% relative error on the
 * entries that matter, plus float32 round-off of the forward divided by 2h), and the whole gradient a
 * relative L2 error below 1e-2. A wrong backward (a missing term, a transposition) gives O(1) errors.
 */
final class FiniteDifferences {
    private static final double U = 0x1p-24;

    private FiniteDifferences() {}

    /** Fixed weights w for an output of {@code n} elements. */
    static float[] weights(int n) {
        float[] w = new float[n];
        Philox.stream(12345, "fd/weights").fillGaussian(w, 0, n, 0);
        return w;
    }

    /**
     * Compares {@code analytic[j]} with the numerical derivative of Σ w·out with respect to
     * {@code data[off + j]}, for every j; {@code out} recomputes the forward from the current data.
     */
    static void check(String name, Supplier<Tensor> out, float[] w, float[] data, int off, float[] analytic, double h) {
        double[] numeric = new double[analytic.length];
        double noise = 0;
        for (int j = 0; j < analytic.length; j++) {
            float x0 = data[off + j];
            float xp = (float) (x0 + h);
            float xm = (float) (x0 - h);
            data[off + j] = xp;
            Tensor op = out.get();
            double fp = weighted(op, w, false);
            double ap = weighted(op, w, true);
            data[off + j] = xm;
            double fm = weighted(out.get(), w, false);
            data[off + j] = x0;
            numeric[j] = (fp - fm) / ((double) xp - xm);
            noise = Math.max(noise, 8 * U * ap / ((double) xp - xm));
        }
        double maxN = 0;
        for (double v : numeric) maxN = Math.max(maxN, Math.abs(v));
        assertTrue(maxN > 0, name + ": degenerate check, numeric gradient is 0");
        double diff2 = 0;
        double norm2 = 0;
        for (int j = 0; j < numeric.length; j++) {
            double a = analytic[j];
            double n = numeric[j];
            double tol = 1e-2 * Math.max(Math.abs(a), Math.abs(n)) + 1e-3 * maxN + noise;
            assertEquals(n, a, tol, name + "[" + j + "]: analytic " + a + ", numeric " + n);
            diff2 += (a - n) * (a - n);
            norm2 += n * n;
        }
        assertTrue(Math.sqrt(diff2 / norm2) < 1e-2, name + ": relative L2 error " + Math.sqrt(diff2 / norm2));
    }

    private static double weighted(Tensor out, float[] w, boolean abs) {
        double s = 0;
        for (int i = 0; i < out.size(); i++) {
            double v = (double) w[i] * out.get(i);
            s += abs ? Math.abs(v) : v;
        }
        return s;
    }
}
