package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.ParamSet;
import dev.descent.tensor.Philox;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZoGraspTest {
    /** "w" [3, 4] (prunable, offsets 0..11) and "b" [2] (dense, offsets 12..13). */
    private static final int N = 14;
    private static final int P = 12;

    private static ParamSet set(float[] values) {
        return ParamSet.of(values, List.of("w", "b"), List.of(new int[] {3, 4}, new int[] {2}));
    }

    private static float[] start() {
        float[] t = new float[N];
        for (int i = 0; i < N; i++) t[i] = (float) (Math.cos(0.9 * i + 0.4) * (1 + 0.1 * i));
        return t;
    }

    private static double[] gradient(CoordinateGradientEstimatorTest.Quadratic f, float[] t) {
        double[] g = new double[N];
        for (int i = 0; i < N; i++) g[i] = f.grad(t, i);
        return g;
    }

    /**
     * On f = ½θᵀAθ + bᵀθ, with the directions u_i read from the Java generator (Philox stream
     * (seed, "zograsp/dirs"), values [i·12, (i+1)·12)):
     * <pre>
     *   ĝ(θ) = (1/q) Σ [u_iᵀ∇f(θ) + (μ/2) u_iᵀA u_i] u_i             (exact expansion of the quotient)
     *   Ĥg   = (1/q) Σ u_i u_iᵀ A Δ / μ,   Δ = fl32(θ + μ ĝ(θ)) − θ    (the μ² terms cancel with common directions)
     *   S    = −θ ⊙ Ĥg
     * </pre>
     * Tolerance, derived: the only error is float32 storage of the query points. A query point
     * x + μu is off by e_j ≤ 2^-24(|x_j| + μ|u_j|) per coordinate, which moves a quotient by at most
     * E_D = Σ_j |∇f_j|·e_j / μ (with |∇f_j| bounded along the query); ĝ then moves by ≤ E_g = E_D·max|u|,
     * Ĥg by ≤ 2E_g/μ + ‖A‖_∞(E_g + 2^-23 max|θ'|/μ) (the second term: θ' itself is rounded and
     * computed from the perturbed ĝ), and S_j by |θ_j| times that; the test allows twice it.
     */
    @Test
    void scoreMatchesTheQuadraticIdentity() {
        var f = new CoordinateGradientEstimatorTest.Quadratic(N);
        float[] t = start();
        float[] before = t.clone();
        int q = 64;
        double mu = 0.05;
        long seed = 3;
        float[] s = ZoGrasp.scores(t, () -> f.loss(t), set(t), ZoGrasp.MATRICES, q, mu, seed);
        for (int i = 0; i < N; i++) assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(t[i]), "restored " + i);

        double[][] u = new double[q][P];
        float[] row = new float[P];
        double maxU = 0;
        for (int i = 0; i < q; i++) {
            Philox.stream(seed, "zograsp/dirs").fillGaussian(row, 0, P, (long) i * P);
            for (int j = 0; j < P; j++) {
                u[i][j] = row[j];
                maxU = Math.max(maxU, Math.abs(row[j]));
            }
        }
        double[] grad = gradient(f, t);
        double[] g0 = new double[P];
        for (int i = 0; i < q; i++) {
            double dot = 0;
            double quad = 0;
            for (int j = 0; j < P; j++) {
                dot += u[i][j] * grad[j];
                for (int k = 0; k < P; k++) quad += u[i][j] * f.a[j][k] * u[i][k];
            }
            for (int j = 0; j < P; j++) g0[j] += (dot + mu / 2 * quad) * u[i][j] / q;
        }
        double[] delta = new double[P];
        double maxShifted = 0;
        for (int j = 0; j < P; j++) {
            float shifted = (float) (t[j] + mu * g0[j]);
            delta[j] = (double) shifted - t[j];
            maxShifted = Math.max(maxShifted, Math.abs(shifted));
        }
        double[] aDelta = new double[P];
        for (int j = 0; j < P; j++) for (int k = 0; k < P; k++) aDelta[j] += f.a[j][k] * delta[k];
        double[] hg = new double[P];
        for (int i = 0; i < q; i++) {
            double dot = 0;
            for (int j = 0; j < P; j++) dot += u[i][j] * aDelta[j];
            for (int j = 0; j < P; j++) hg[j] += dot * u[i][j] / q / mu;
        }
        // The tolerance of the class comment.
        double aInf = 0;
        for (int j = 0; j < N; j++) {
            double r = 0;
            for (int k = 0; k < N; k++) r += Math.abs(f.a[j][k]);
            aInf = Math.max(aInf, r);
        }
        double maxTheta = Math.max(maxShifted, 0);
        for (float v : t) maxTheta = Math.max(maxTheta, Math.abs(v));
        double gradBound = 0;
        for (int j = 0; j < N; j++) gradBound = Math.max(gradBound, Math.abs(grad[j]));
        gradBound += aInf * (mu * maxU + Math.abs(mu) * 100); // |∇f| along any query point (|ĝ| < 100 checked below)
        double eD = 0;
        for (int j = 0; j < P; j++) eD += gradBound * Math.ulp(1f) / 2 * (maxTheta + mu * maxU) / mu;
        double eG = eD * maxU;
        double eH = 2 * eG / mu + aInf * (eG + Math.ulp(1f) * maxTheta / mu);
        for (int j = 0; j < P; j++) {
            assertTrue(Math.abs(g0[j]) < 100, "bound premise");
            double expected = -t[j] * hg[j];
            double tol = 2 * Math.abs(t[j]) * eH + 1e-6 * Math.abs(expected);
            assertEquals(expected, s[j], tol, "score " + j + " (tolerance " + tol + ")");
        }
        assertEquals(0f, s[12]);
        assertEquals(0f, s[13]);
    }

    /** With many directions the estimate approaches the exact GraSP score −θ ⊙ (A ∇f): correlation > 0.95. */
    @Test
    void scoreCorrelatesWithTheExactScore() {
        var f = new CoordinateGradientEstimatorTest.Quadratic(N);
        float[] t = start();
        float[] s = ZoGrasp.scores(t, () -> f.loss(t), set(t), ZoGrasp.MATRICES, 4000, 1e-3, 11);
        double[] grad = gradient(f, t);
        double[] exact = new double[P];
        for (int j = 0; j < P; j++) {
            double hg = 0;
            for (int k = 0; k < N; k++) hg += f.a[j][k] * grad[k];
            exact[j] = -t[j] * hg;
        }
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int j = 0; j < P; j++) {
            sx += exact[j];
            sy += s[j];
            sxx += exact[j] * exact[j];
            syy += (double) s[j] * s[j];
            sxy += exact[j] * s[j];
        }
        double corr = (sxy - sx * sy / P) / Math.sqrt((sxx - sx * sx / P) * (syy - sy * sy / P));
        assertTrue(corr > 0.95, "correlation " + corr);
    }

    /**
     * layer_random, recomputed through {@link Philox#nextInt}: in each prunable tensor with n entries of
     * which the reference keeps c, the kept ones are the first c positions of a partial Fisher–Yates
     * shuffle of 0 … n − 1 (position j swaps with j + nextInt(j, n − j)) driven by the stream
     * (seed, "zograsp/layer_random") derived by the draw and then by the tensor's index.
     */
    @Test
    void layerRandomMaskIsTheDocumentedShuffle() {
        float[] reference = new float[N];
        for (int i = 0; i < N; i++) reference[i] = i % 3 == 0 ? 0f : 1f; // w keeps 8 of 12
        float[] out = new float[N];
        ZoGrasp.layerRandomMask(reference, set(start()), ZoGrasp.MATRICES, 9, 4, out);
        int[] order = new int[P];
        for (int i = 0; i < P; i++) order[i] = i;
        Philox rng = Philox.stream(9, "zograsp/layer_random").derive(4).derive(0);
        for (int j = 0; j < 8; j++) {
            int r = j + rng.nextInt(j, P - j);
            int t = order[j];
            order[j] = order[r];
            order[r] = t;
        }
        float[] expected = new float[N];
        for (int j = 0; j < 8; j++) expected[order[j]] = 1f;
        expected[12] = expected[13] = 1f;
        for (int i = 0; i < N; i++) assertEquals(expected[i], out[i], "entry " + i);
    }

    /** The mask drops round(s·n) of the prunable coordinates, those of smallest |S|, and keeps every bias. */
    @Test
    void maskKeepsTheDocumentedFraction() {
        float[] t = start();
        float[] score = new float[N];
        for (int i = 0; i < N; i++) score[i] = (float) Math.sin(3.1 * i) * (i % 2 == 0 ? -1 : 1);
        for (double sparsity : new double[] {0, 0.25, 0.5, 0.9}) {
            float[] mask = ZoGrasp.mask(score, set(t), ZoGrasp.MATRICES, sparsity);
            int kept = 0;
            double minKept = Double.MAX_VALUE, maxDropped = -1;
            for (int j = 0; j < P; j++) {
                if (mask[j] == 1f) {
                    kept++;
                    minKept = Math.min(minKept, Math.abs(score[j]));
                } else {
                    assertEquals(0f, mask[j]);
                    maxDropped = Math.max(maxDropped, Math.abs(score[j]));
                }
            }
            assertEquals(P - Math.round(sparsity * P), kept, "kept at sparsity " + sparsity);
            assertTrue(maxDropped <= minKept, "dropped only the smallest |S|");
            assertEquals(1f, mask[12]);
            assertEquals(1f, mask[13]);

            float[] random = new float[N];
            ZoGrasp.layerRandomMask(mask, set(t), ZoGrasp.MATRICES, 5, 2, random);
            int keptRandom = 0;
            for (int j = 0; j < P; j++) keptRandom += (int) random[j];
            assertEquals(kept, keptRandom, "layer_random keeps the per-layer count");
            assertEquals(1f, random[12]);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZoGrasp.mask(score, set(t), ZoGrasp.MATRICES, 1.0)).getMessage().contains("sparsity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZoGrasp.mask(score, set(t), ZoGrasp.MATRICES, -0.1)).getMessage().contains("sparsity"));
    }
}
