package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each kernel against a straightforward double-precision reference. */
class KernelsTest {
    static final float ULP1 = Math.ulp(1f); // 1.19e-7

    static float[] gauss(long seed, int n, float scale) {
        float[] a = new float[n];
        Philox.stream(seed, "kernels").fillGaussian(a, 0, n, 0);
        for (int i = 0; i < n; i++) a[i] *= scale;
        return a;
    }

    // ------------------------------------------------------------------ high-precision erf

    /**
     * erf(x) in double: for |x| < 3 the all-positive series
     * erf(x) = 2/√π · e^{−x²} · Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (A&S 7.1.6; no cancellation);
     * beyond, 1 − erfc(x) with erfc from its continued fraction.
     */
    static double erf(double x) {
        if (x < 0) return -erf(-x);
        if (x >= 3) return 1 - erfc(x);
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    /**
     * erfc(x) in double; for x ≥ 3 the continued fraction (A&S 7.1.14)
     * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated backwards.
     */
    static double erfc(double x) {
        if (x < 3) return 1 - erf(x);
        double f = x;
        for (int k = 200; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** Φ(x) = ½ erfc(−x/√2), accurate in both tails. */
    static double phi(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    @Test
    void referenceErfMatchesPublishedValues() {
        // values from CPython's math.erf / math.erfc (correctly rounded to ~1 ulp)
        assertEquals(0.8427007929497149, erf(1), 1e-15);
        assertEquals(0.5204998778130465, erf(0.5), 1e-15);
        assertEquals(-0.999593047982555, erf(-2.5), 1e-15);
        assertEquals(2.2090496998585438e-05, erfc(3), 1e-18);
        assertEquals(1.5374597944280351e-12, erfc(5), 1e-25);
        assertEquals(erfc(3 - 1e-10) - 1e-10 * 2 / Math.sqrt(Math.PI) * Math.exp(-9), erfc(3), 1e-15); // branches meet
    }

    @Test
    void geluMatchesExactErfGelu() {
        // Grid over [-8, 8] plus random points; lengths not a multiple of the vector width so both the
        // vector loop and the scalar tail run.
        int n = 3203;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -8f + 16f * i / (n - 1);
        float[] r = gauss(1, 517, 2f);
        float[] all = new float[n + r.length];
        System.arraycopy(x, 0, all, 0, n);
        System.arraycopy(r, 0, all, n, r.length);
        float[] y = new float[all.length];
        Gelu.forward(all, 0, y, 0, all.length);
        float[] dx = new float[all.length];
        float[] dy = new float[all.length];
        java.util.Arrays.fill(dy, 1f);
        java.util.Arrays.fill(dx, 0.25f);
        Gelu.backward(all, 0, dy, 0, dx, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            double v = all[i];
            double ref = v * phi(v);
            // A&S 7.1.26 has |erf error| ≤ 1.5e-7; its float32 evaluation (a degree-5 polynomial whose
            // terms reach ~1.5 and partly cancel, times exp) adds up to ~4 ulp(1). Φ = (1 + erf)/2 halves
            // that, and gelu = x·Φ scales it by |x|: |error| ≤ |x|·(7.5e-8 + 2·ulp(1)) + 2 ulp(y).
            double tol = Math.abs(v) * (7.5e-8 + 2 * ULP1) + 2 * Math.ulp((float) Math.abs(ref)) + 1e-30;
            assertEquals(ref, y[i], tol, "gelu(" + v + ")");
            double dref = phi(v) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
            // derivative: Φ error plus |x|·φ(x) in float (≤ 0.25), few ulps of values ≤ 1.1
            assertEquals(0.25 + dref, dx[i], 7.5e-8 + (2 + Math.abs(v)) * 2 * ULP1, "gelu'(" + v + ")");
        }
        // the scalar erf too: A&S bound plus the float evaluation error discussed above
        for (float v = -5f; v <= 5f; v += 0.01f) assertEquals(erf(v), Gelu.erf(v), 1.5e-7 + 4 * ULP1, "erf(" + v + ")");
    }

    /**
     * The blocked backward (Φ stored per block, then the update) gives the bits of the single vector
     * loop it replaced, written out here as it was: d = x·φ(x) + Φ(x) by one fma, dx = dy·d + dx by
     * another. Lengths cover one and several blocks and scalar tails.
     */
    @Test
    void geluBackwardEqualsTheSingleLoopForm() {
        jdk.incubator.vector.VectorSpecies<Float> sp = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        for (int n : new int[] {5, 1023, 1025, 3203, 40_000}) {
            float[] x = gauss(11 + n, n, 3f);
            float[] dy = gauss(12 + n, n, 1f);
            float[] dx = gauss(13 + n, n, 0.5f);
            float[] expected = dx.clone();
            int i = 0;
            for (; i < sp.loopBound(n); i += sp.length()) {
                var v = jdk.incubator.vector.FloatVector.fromArray(sp, x, i);
                var pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(0.39894228040143268f);
                var z = v.mul(0.70710678118654752f);
                var az = z.abs();
                var t = jdk.incubator.vector.FloatVector.broadcast(sp, 1f).div(az.fma(0.3275911f, 1f));
                var poly = t.fma(1.061405429f, -1.453152027f).fma(t, jdk.incubator.vector.FloatVector.broadcast(sp, 1.421413741f))
                        .fma(t, jdk.incubator.vector.FloatVector.broadcast(sp, -0.284496736f))
                        .fma(t, jdk.incubator.vector.FloatVector.broadcast(sp, 0.254829592f)).mul(t);
                var erfAbs = poly.mul(VectorMath.exp(az.mul(az).neg())).neg().add(1f);
                var cdf = erfAbs.blend(erfAbs.neg(), z.compare(jdk.incubator.vector.VectorOperators.LT, 0f)).add(1f).mul(0.5f);
                var d = v.fma(pdf, cdf);
                jdk.incubator.vector.FloatVector.fromArray(sp, dy, i).fma(d, jdk.incubator.vector.FloatVector.fromArray(sp, expected, i))
                        .intoArray(expected, i);
            }
            for (; i < n; i++) {
                float v = x[i];
                float c = 0.5f * (1f + Gelu.erf(v * 0.70710678118654752f));
                float pdf = VectorMath.exp(-0.5f * v * v) * 0.39894228040143268f;
                expected[i] += dy[i] * (c + v * pdf);
            }
            int threads = Parallel.threads();
            Parallel.setThreads(1); // one chunk, as the reference above (each chunk has its own tail)
            try {
                Gelu.backward(x, 0, dy, 0, dx, 0, n);
            } finally {
                Parallel.setThreads(threads);
            }
            for (int k = 0; k < n; k++) assertEquals(Float.floatToIntBits(expected[k]), Float.floatToIntBits(dx[k]), "n=" + n + " element " + k);
        }
    }

    @Test
    void softmaxRowsMatchReferenceIncludingLargeLogits() {
        float[][] rows = {
            {1f, 2f, 3f},
            {1000f, 1001f, 1002f},
            {-1000f, -1001f, -999f, -1e4f},
            gauss(2, 37, 3f),
            gauss(3, 129, 20f),
            {88f, 89f, -88f, 100f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 50f},
            {5f},
        };
        for (float[] x : rows) {
            int n = x.length;
            double max = Double.NEGATIVE_INFINITY;
            for (float v : x) max = Math.max(max, v);
            double z = 0;
            for (float v : x) z += Math.exp(v - max);
            double logZ = max + Math.log(z);
            float[] p = new float[n + 2];
            float ret = Softmax.row(x, 0, p, 1, n);
            float[] lp = new float[n];
            Softmax.logRow(x, 0, lp, 0, n);
            // log Σ exp: float max plus log of a sum ≥ 1 accurate to a few ulps
            assertEquals(logZ, ret, 4 * Math.ulp((float) Math.abs(logZ)) + 1e-6);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double ref = Math.exp(x[i] - logZ);
                assertTrue(Float.isFinite(p[1 + i]));
                // probabilities: relative error a few ulps (exp, sum of n terms, one multiply)
                assertEquals(ref, p[1 + i], ref * (6 + n) * ULP1 + 1e-30, "softmax at " + i);
                // log-probabilities: absolute error a few ulps of the magnitudes involved
                double lref = x[i] - logZ;
                assertEquals(lref, lp[i], 4 * Math.ulp(Math.max(Math.abs((float) lref), (float) Math.abs(logZ))) + 1e-6,
                        "logSoftmax at " + i);
                total += p[1 + i];
            }
            assertEquals(1.0, total, n * ULP1 * 2);
            assertEquals(0f, p[0]);
            assertEquals(0f, p[n + 1]);
        }
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] out = {7f, 7f};
        assertEquals(Float.NEGATIVE_INFINITY, Softmax.row(masked, 0, out, 0, 2));
        assertEquals(0f, out[0]);
    }

    /**
     * The vector exponential gives the bits of the scalar one in every lane (what lets a row's last
     * partial vector be one masked vector instead of scalar calls): 2²⁰ evenly spaced arguments over
     * [−100, 100] (past both clamps), 2²⁰ of them in [−1, 1], the 33 floats around each point where
     * x·log₂e + ½ crosses an integer (where the floor that picks the power of two changes), and the
     * special values.
     */
    @Test
    void vectorExpGivesTheBitsOfScalarExp() {
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int grid = 1 << 21;
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88f, 88.00001f,
            -87.3365478515625f, -87.33655f, Float.MIN_VALUE};
        int edges = (128 - -126 + 1) * 33;
        int used = grid + edges + special.length;
        int n = (used + species.length() - 1) / species.length() * species.length(); // the rest are zeros
        float[] x = new float[n];
        for (int i = 0; i < grid / 2; i++) x[i] = -100f + 200f * i / (grid / 2);
        for (int i = grid / 2; i < grid; i++) x[i] = -1f + 2f * (i - grid / 2) / (grid / 2);
        int at = grid;
        for (int k = -126; k <= 128; k++) {
            float edge = (float) ((k - 0.5) / 1.4426950408889634);
            for (int d = -16; d <= 16; d++) x[at++] = Float.intBitsToFloat(Float.floatToRawIntBits(edge) + d);
        }
        System.arraycopy(special, 0, x, at, special.length);
        float[] y = new float[n];
        for (int i = 0; i < n; i += species.length()) {
            VectorMath.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, i)).intoArray(y, i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(VectorMath.exp(x[i])), Float.floatToRawIntBits(y[i]), "exp(" + x[i] + ")");
        }
    }

    /**
     * The row softmax with its last partial vector computed as a masked vector gives the bits of the
     * earlier form (whole vectors, then scalar exponentials added one at a time), written out here,
     * for every length up to four vectors; {@link Softmax#probabilities} gives the same bits as
     * {@link Softmax#row}.
     */
    @Test
    void softmaxRowTailGivesTheBitsOfScalarExponentials() {
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int lanes = species.length();
        for (int n = 1; n <= 4 * lanes + 1; n++) {
            float[] x = gauss(40 + n, n, 4f);
            float max = Float.NEGATIVE_INFINITY;
            for (float v : x) max = Math.max(max, v);
            float[] expected = new float[n];
            var acc = jdk.incubator.vector.FloatVector.zero(species);
            int i = 0;
            for (; i + lanes <= n; i += lanes) {
                var e = VectorMath.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, i).sub(max));
                e.intoArray(expected, i);
                acc = acc.add(e);
            }
            float sum = VectorMath.sumLanes(acc);
            for (; i < n; i++) {
                expected[i] = VectorMath.exp(x[i] - max);
                sum += expected[i];
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) expected[j] *= inv;
            float[] p = new float[n];
            float logZ = Softmax.row(x, 0, p, 0, n);
            float[] q = x.clone();
            Softmax.probabilities(q, 0, q, 0, n); // in place, as the attention calls it
            assertEquals(max + (float) StrictMath.log(sum), logZ, "log-partition, n = " + n);
            for (int j = 0; j < n; j++) {
                assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(p[j]), "row, n = " + n + ", at " + j);
                assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(q[j]), "probabilities, n = " + n + ", at " + j);
            }
        }
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Softmax.probabilities(masked, 0, masked, 0, 2);
        assertEquals(0f, masked[0]);
        assertEquals(0f, masked[1]);
    }

    /**
     * Once compiled, the attention's softmax rows allocate nothing: the form that accumulated the sum
     * in a conditionally updated vector allocated 12,288 bytes for every 128 causal rows (its vectors
     * became heap objects), however long it ran. Checked in a fresh JVM ({@link SoftmaxAllocation}),
     * as in a training run: which code the JIT compiles first decides whether a vector helper is
     * inlined, and the other tests of this JVM call the same helpers with other inputs.
     */
    @Test
    void softmaxRowsAllocateNothingOnceCompiled() throws Exception {
        String out = FreshJvm.run(SoftmaxAllocation.class);
        assertTrue(out.contains("least 0 bytes"), "bytes allocated by 128 softmax rows in the least of the rounds: " + out);
    }

    @Test
    void softmaxBackwardRowsMatchReference() {
        int n = 23;
        float[] x = gauss(4, n, 2f);
        float[] dy = gauss(5, n, 1f);
        float[] y = new float[n];
        Softmax.row(x, 0, y, 0, n);
        float[] dx = new float[n];
        Softmax.backwardRow(y, 0, dy, 0, dx, 0, n);
        float[] ly = new float[n];
        Softmax.logRow(x, 0, ly, 0, n);
        float[] ldx = new float[n];
        Softmax.logBackwardRow(ly, 0, dy, 0, ldx, 0, n);
        double dot = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) y[i] * dy[i];
            sum += dy[i];
        }
        for (int i = 0; i < n; i++) {
            assertEquals(y[i] * (dy[i] - dot), dx[i], 1e-6);
            assertEquals(dy[i] - Math.exp(ly[i]) * sum, ldx[i], 1e-5);
        }
    }

    @Test
    void layerNormForwardMatchesReference() {
        int rows = 7;
        int n = 45;
        float[] x = gauss(6, rows * n + 3, 3f);
        for (int i = 0; i < x.length; i++) x[i] += 10f; // non-zero mean
        float[] w = gauss(7, n, 1f);
        float[] b = gauss(8, n, 1f);
        float eps = 1e-5f;
        for (int variant = 0; variant < 3; variant++) {
            float[] ww = variant == 2 ? null : w;
            float[] bb = variant >= 1 ? null : b;
            float[] y = new float[rows * n + 1];
            float[] mean = new float[rows];
            float[] rstd = new float[rows];
            LayerNormKernel.forward(x, 3, ww, 0, bb, 0, eps, rows, n, y, 1, mean, rstd);
            for (int r = 0; r < rows; r++) {
                double mu = 0;
                for (int i = 0; i < n; i++) mu += x[3 + r * n + i];
                mu /= n;
                double var = 0;
                for (int i = 0; i < n; i++) var += Math.pow(x[3 + r * n + i] - mu, 2);
                var /= n; // biased, as torch
                double rs = 1 / Math.sqrt(var + eps);
                assertEquals(mu, mean[r], 1e-5 * Math.abs(mu));
                assertEquals(rs, rstd[r], 1e-5 * rs);
                for (int i = 0; i < n; i++) {
                    double h = (x[3 + r * n + i] - mu) * rs;
                    double ref = h * (ww == null ? 1 : ww[i]) + (bb == null ? 0 : bb[i]);
                    // x − μ loses log2(|μ|/σ) ≈ 2 bits; 1e-5 absolute on O(1) outputs is ~100 ulps
                    assertEquals(ref, y[1 + r * n + i], 1e-5 * (1 + Math.abs(ref)), "variant " + variant);
                }
            }
            assertEquals(0f, y[0]);
        }
    }

    /**
     * The row-fused layer-norm backward gives the bits of the per-operation form it replaced, written
     * out here: x̂ = (x − μ)·r, dx̂ = dy ⊙ w, the chunk sums dw += fma(dy, x̂), db += dy, then
     * dx += r·((dx̂ − m1) − x̂·m2) with m1 and m2 from {@link Reductions}. Row lengths with and without
     * a partial last vector, with and without w, dw and db, and two threads (two chunks whose sums
     * are added in order).
     */
    @Test
    void layerNormBackwardGivesTheBitsOfThePerOperationForm() {
        int threads = Parallel.threads();
        Parallel.setThreads(2);
        try {
            int rows = 300;
            for (int n : new int[] {192, 37, 5}) {
                for (int mode = 0; mode < 3; mode++) {
                    boolean withW = mode != 1;
                    boolean withDw = mode != 2;
                    float[] x = gauss(50 + n, rows * n, 3f);
                    float[] w = gauss(51 + n, n, 1f);
                    float[] dy = gauss(52 + n, rows * n, 1f);
                    float[] y = new float[rows * n];
                    float[] mean = new float[rows];
                    float[] rstd = new float[rows];
                    LayerNormKernel.forward(x, 0, w, 0, null, 0, 1e-5f, rows, n, y, 0, mean, rstd);
                    float[] dx = gauss(53 + n, rows * n, 1f);
                    float[] dxRef = dx.clone();
                    float[] dw = gauss(54 + n, n, 1f);
                    float[] dwRef = dw.clone();
                    float[] db = gauss(55 + n, n, 1f);
                    float[] dbRef = db.clone();
                    LayerNormKernel.backward(dy, 0, x, 0, withW ? w : null, 0, mean, rstd, rows, n, dx, 0,
                            withDw ? dw : null, 0, db, 0);
                    int chunks = Parallel.chunkCount(rows, Math.max(1, 4096 / n));
                    float[] xh = new float[n];
                    float[] g = new float[n];
                    for (int c = 0; c < chunks; c++) {
                        float[] dwSum = new float[n];
                        float[] dbSum = new float[n];
                        for (int r = Parallel.bound(rows, chunks, c); r < Parallel.bound(rows, chunks, c + 1); r++) {
                            for (int i = 0; i < n; i++) {
                                xh[i] = (x[r * n + i] - mean[r]) * rstd[r];
                                g[i] = withW ? dy[r * n + i] * w[i] : dy[r * n + i];
                                dwSum[i] = Math.fma(dy[r * n + i], xh[i], dwSum[i]);
                                dbSum[i] = dbSum[i] + dy[r * n + i];
                            }
                            float m1 = Reductions.sum(g, 0, n) / n;
                            float m2 = Reductions.dot(g, 0, xh, 0, n) / n;
                            for (int i = 0; i < n; i++) dxRef[r * n + i] += rstd[r] * (g[i] - m1 - xh[i] * m2);
                        }
                        for (int i = 0; i < n; i++) {
                            if (withDw) dwRef[i] = dwRef[i] + dwSum[i];
                            dbRef[i] = dbRef[i] + dbSum[i];
                        }
                    }
                    String at = "n = " + n + ", mode " + mode;
                    assertEquals(java.util.Arrays.toString(dxRef), java.util.Arrays.toString(dx), "dx, " + at);
                    assertEquals(java.util.Arrays.toString(dwRef), java.util.Arrays.toString(dw), "dw, " + at);
                    assertEquals(java.util.Arrays.toString(dbRef), java.util.Arrays.toString(db), "db, " + at);
                    for (int i = 0; i < dx.length; i++) {
                        assertEquals(Float.floatToRawIntBits(dxRef[i]), Float.floatToRawIntBits(dx[i]), "dx bits, " + at);
                    }
                }
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void layerNormBackwardMatchesReference() {
        int rows = 5;
        int n = 19;
        float[] x = gauss(9, rows * n, 2f);
        float[] w = gauss(10, n, 1f);
        float[] dy = gauss(11, rows * n, 1f);
        float[] y = new float[rows * n];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        LayerNormKernel.forward(x, 0, w, 0, null, 0, 1e-5f, rows, n, y, 0, mean, rstd);
        float[] dx = new float[rows * n];
        float[] dw = new float[n];
        float[] db = new float[n];
        LayerNormKernel.backward(dy, 0, x, 0, w, 0, mean, rstd, rows, n, dx, 0, dw, 0, db, 0);
        double[] dwRef = new double[n];
        double[] dbRef = new double[n];
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int i = 0; i < n; i++) mu += x[r * n + i];
            mu /= n;
            double var = 0;
            for (int i = 0; i < n; i++) var += Math.pow(x[r * n + i] - mu, 2);
            double rs = 1 / Math.sqrt(var / n + 1e-5);
            double[] xh = new double[n];
            double[] g = new double[n];
            double m1 = 0;
            double m2 = 0;
            for (int i = 0; i < n; i++) {
                xh[i] = (x[r * n + i] - mu) * rs;
                g[i] = dy[r * n + i] * w[i];
                m1 += g[i] / n;
                m2 += g[i] * xh[i] / n;
                dwRef[i] += dy[r * n + i] * xh[i];
                dbRef[i] += dy[r * n + i];
            }
            for (int i = 0; i < n; i++) assertEquals(rs * (g[i] - m1 - xh[i] * m2), dx[r * n + i], 1e-5);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(dwRef[i], dw[i], 1e-5);
            assertEquals(dbRef[i], db[i], 1e-5);
        }
    }

    @Test
    void reductionsMatchReference() {
        for (int n : new int[] {0, 1, 7, 8, 16, 33, 1000, 5003}) {
            float[] a = gauss(12 + n, n + 5, 1f);
            float[] b = gauss(13 + n, n + 5, 1f);
            double s = 0;
            double abs = 0;
            double dot = 0;
            double dotAbs = 0;
            double ss = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                s += a[2 + i];
                abs += Math.abs(a[2 + i]);
                dot += (double) a[2 + i] * b[5 - 3 + i];
                dotAbs += Math.abs((double) a[2 + i] * b[2 + i]);
                ss += (double) a[2 + i] * a[2 + i];
                max = Math.max(max, a[2 + i]);
            }
            // recursive float summation: |error| ≤ n·u·Σ|a_i| (u = 2^-24)
            double u = 0x1p-24;
            assertEquals(s, Reductions.sum(a, 2, n), n * u * abs + 1e-30, "sum " + n);
            assertEquals(dot, Reductions.dot(a, 2, b, 2, n), n * u * dotAbs + 1e-30, "dot " + n);
            assertEquals(ss, Reductions.sumOfSquares(a, 2, n), 4096 * u * ss + 1e-30, "sumsq " + n);
            assertEquals(ss, Reductions.sumOfSquaresParallel(a, 2, n), 4096 * u * ss + 1e-30);
            assertEquals((float) max, Reductions.max(a, 2, n), 0f);
        }
        float[] big = gauss(20, 300_000, 1f);
        double ss = 0;
        for (float v : big) ss += (double) v * v;
        assertEquals(ss, Reductions.sumOfSquaresParallel(big, 0, big.length), 1e-6 * ss);
        assertEquals(Reductions.sumOfSquaresParallel(big, 0, big.length),
                Reductions.sumOfSquaresParallel(big, 0, big.length), 0.0, "deterministic");

        float[] m = {1, 2, 3, 4, 5, 6};
        float[] cs = {10, 20, 30};
        Reductions.addColumnSums(m, 0, 2, 3, cs, 0);
        assertEquals(15f, cs[0]);
        assertEquals(27f, cs[1]);
        assertEquals(39f, cs[2]);
        assertTrue(Reductions.allFinite(m, 0, 6));
        assertFalse(Reductions.allFinite(new float[] {1, Float.NaN}, 0, 2));
        assertFalse(Reductions.allFinite(new float[] {Float.POSITIVE_INFINITY}, 0, 1));
        assertTrue(Reductions.allFinite(new float[] {Float.NaN, 1}, 1, 1));
    }

    @Test
    void elementwiseMatchesReference() {
        int n = 77;
        float[] a = gauss(30, n + 1, 2f);
        float[] b = gauss(31, n + 2, 2f);
        float[] c = gauss(32, n, 2f);
        for (Elementwise.Op op : Elementwise.Op.values()) {
            float[] out = new float[n];
            Elementwise.apply(op, a, 1, b, 2, out, 0, n);
            float[] sr = new float[n];
            Elementwise.applyScalarRight(op, a, 1, 1.5f, sr, 0, n);
            float[] sl = new float[n];
            Elementwise.applyScalarLeft(op, 1.5f, b, 2, sl, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals((float) ref(op, a[1 + i], b[2 + i]), out[i], 0f);
                assertEquals((float) ref(op, a[1 + i], 1.5), sr[i], 0f);
                assertEquals((float) ref(op, 1.5, b[2 + i]), sl[i], 0f);
            }
        }
        float[] y = c.clone();
        Elementwise.axpy(0.5f, a, 1, y, 0, n);
        float[] f = new float[n];
        Elementwise.fma(a, 1, b, 2, c, 0, f, 0, n);
        float[] rl = new float[n];
        Elementwise.relu(a, 1, rl, 0, n);
        float[] th = new float[n];
        Elementwise.tanh(a, 1, th, 0, n);
        float[] ex = new float[n];
        Elementwise.exp(a, 1, ex, 0, n);
        float[] pos = new float[n];
        for (int i = 0; i < n; i++) pos[i] = Math.abs(a[1 + i]) + 1e-3f;
        float[] lg = new float[n];
        Elementwise.log(pos, 0, lg, 0, n);
        float[] sc = c.clone();
        Elementwise.scale(-3f, sc, 0, n);
        for (int i = 0; i < n; i++) {
            double ai = a[1 + i];
            assertEquals((float) (c[i] + 0.5 * ai), y[i], Math.ulp(y[i]));
            assertEquals((float) (ai * b[2 + i] + c[i]), f[i], 0f); // fused: one rounding
            assertEquals((float) Math.max(ai, 0), rl[i], 0f);
            // exp: VectorMath's Cephes expf, relative error ≈ 2e-7 (≤ 3 ulps). tanh = 1 − 2/(e^{2x} + 1)
            // inherits that and the cancellation of 1 − …, an absolute error of a couple of ulp(1)
            // (so near 0 its relative error grows; PyTorch's tanh is accurate to ulps there).
            assertEquals(Math.tanh(ai), th[i], 2 * Math.ulp(1f) + 2 * Math.ulp((float) Math.abs(Math.tanh(ai))));
            assertEquals(Math.exp(ai), ex[i], 3 * Math.ulp((float) Math.exp(ai)));
            assertEquals(Math.log(pos[i]), lg[i], 2 * Math.ulp((float) Math.abs(Math.log(pos[i]))) + 1e-30);
            assertEquals(-3f * c[i], sc[i], 0f);
        }
    }

    static double ref(Elementwise.Op op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
        };
    }

    @Test
    void embeddingGatherAndScatterAdd() {
        float[] table = new float[2 + 5 * 3];
        for (int i = 0; i < 15; i++) table[2 + i] = i;
        int[] idx = {4, 0, 4, 2};
        float[] out = new float[12];
        EmbeddingKernel.gather(table, 2, 5, 3, idx, out, 0);
        float[] expected = {12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8};
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, out);
        float[] dtable = new float[15];
        float[] dout = new float[12];
        for (int i = 0; i < 12; i++) dout[i] = i + 1;
        EmbeddingKernel.scatterAdd(dout, 0, idx, 3, dtable, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new float[] {4, 5, 6, 0, 0, 0, 10, 11, 12, 0, 0, 0, 1 + 7, 2 + 8, 3 + 9}, dtable);
        var e = assertThrows(IndexOutOfBoundsException.class,
                () -> EmbeddingKernel.gather(table, 2, 5, 3, new int[] {1, 5}, new float[6], 0));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> EmbeddingKernel.gather(table, 2, 5, 3, new int[] {-1}, new float[3], 0));
    }
}
