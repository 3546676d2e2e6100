package dev.descent.peft;

import dev.descent.linalg.SymmetricEigen;
import dev.descent.tensor.Tensor;

/**
 * LoRA-Pro's gradient adjustment (Wang et al., "LoRA-Pro: Are Low-Rank Adapters Properly Optimized?",
 * ICLR 2025; the authors' code, mrflogs/LoRA-Pro at commit {@code fe2602725b21f6b1c689462d73553f3e50b3d565},
 * {@code DeepSpeed-0.15.1/deepspeed/runtime/zero/stage_1_and_2.py}, {@code lorapro_full_adjustment}).
 *
 * <p>A LoRA step with gradients {@code g_A}, {@code g_B} moves the product {@code W = W₀ + s·B A} by the
 * <em>equivalent gradient</em> {@code g̃ = s·B g_A + s·g_B A} (to first order). Plain LoRA uses
 * {@code g_A = s·Bᵀ G}, {@code g_B = s·G Aᵀ} with {@code G = ∂L/∂W}. LoRA-Pro picks instead the pair
 * whose equivalent gradient is closest to {@code G} in Frobenius norm,
 * <pre>
 *   min over g_A, g_B of ‖s·B g_A + s·g_B A − G‖²_F,
 * </pre>
 * whose solutions (paper, Theorem 2.1) are, for any r×r matrix X,
 * <pre>
 *   g_A = (1/s²) (BᵀB)⁻¹ g_A^lora + X A
 *   g_B = (1/s²) [I − B (BᵀB)⁻¹ Bᵀ] g_B^lora (AAᵀ)⁻¹ − B X
 * </pre>
 * (written with the LoRA gradients, since {@code Bᵀ G = g_A^lora / s} and {@code G Aᵀ = g_B^lora / s}: the
 * full gradient G is never formed). The equivalent gradient is then {@code P_B G + (I − P_B) G P_A}, the
 * orthogonal projection of G onto the matrices {@code B Y + Z A} (P_B, P_A the projections onto B's
 * columns and A's rows), so the residual {@code G − g̃ = (I − P_B) G (I − P_A)} satisfies
 * {@code Bᵀ(G − g̃) = 0} and {@code (G − g̃) Aᵀ = 0}. X only moves the pair along the directions that
 * cancel in the product; the paper (Theorem 2.3) takes the X that keeps the adjusted gradients closest to
 * the plain ones, the solution of the Sylvester equation
 * <pre>
 *   BᵀB X + X AAᵀ = −(1/s²) (BᵀB)⁻¹ g_A^lora Aᵀ
 * </pre>
 * solved here exactly through the eigendecompositions of the two symmetric matrices
 * ({@code BᵀB = P Λ Pᵀ}, {@code AAᵀ = Q M Qᵀ}: {@code X = P [(Pᵀ C Q)_ij / (λ_i + μ_j)] Qᵀ}).
 * As in the authors' code, the inverses are pseudo-inverses of {@code BᵀB + δI}, {@code AAᵀ + δI} with
 * δ = 1e-8; with B = 0 (the first step of the default initialisation) this gives {@code g_A = 0},
 * {@code X = 0} and {@code g_B = (1/s²) g_B^lora (AAᵀ)⁻¹}, the code's special case for its first step.
 * Everything is computed in float64 (the code uses the parameters' precision).
 */
public final class LoraPro {
    /** The regulariser added to BᵀB and AAᵀ before inverting them (the authors' {@code delta}). */
    public static final double DELTA = 1e-8;

    private LoraPro() {}

    /**
     * Replaces the LoRA gradients of one adapter pair by LoRA-Pro's adjusted gradients, in place.
     *
     * @param a  A row-major {@code [r, in]}; {@code gA} its gradient, same shape
     * @param b  B row-major {@code [out, r]}; {@code gB} its gradient, same shape
     * @param s  the adapter's scale (lora_alpha / r)
     */
    public static void adjust(Tensor a, Tensor b, Tensor gA, Tensor gB, int r, int in, int out, double s) {
        double[] av = toDouble(a, r * in);
        double[] bv = toDouble(b, out * r);
        double[] ga = toDouble(gA, r * in);
        double[] gb = toDouble(gB, out * r);
        double[][] adjusted = adjusted(av, bv, ga, gb, r, in, out, s);
        store(adjusted[0], gA);
        store(adjusted[1], gB);
    }

    /** The adjusted {@code {g_A [r, in], g_B [out, r]}} of the LoRA gradients {@code ga}, {@code gb} (row-major, float64). */
    public static double[][] adjusted(double[] a, double[] b, double[] ga, double[] gb, int r, int in, int out, double s) {
        double inv2 = 1 / (s * s);
        double[] btb = gram(b, out, r, true);        // BᵀB [r, r]
        double[] aat = gram(a, r, in, false);        // AAᵀ [r, r]
        SymmetricEigen eb = SymmetricEigen.of(regularised(btb, r), r);
        SymmetricEigen ea = SymmetricEigen.of(regularised(aat, r), r);
        double[] btbInv = pinv(eb);
        double[] aatInv = pinv(ea);
        // C = −(1/s²) (BᵀB)⁻¹ g_A Aᵀ; X solves BᵀB X + X AAᵀ = C (the regularised matrices, as their eigenvectors are).
        double[] pbGa = mul(btbInv, ga, r, r, in);                    // (BᵀB)⁻¹ g_A  [r, in]
        double[] c = mulT(pbGa, a, r, in, r);                          // … Aᵀ        [r, r]
        for (int i = 0; i < c.length; i++) c[i] *= -inv2;
        double[] x = sylvester(eb, ea, c, r);
        double[] newA = mul(x, a, r, r, in);                           // X A
        for (int i = 0; i < newA.length; i++) newA[i] += inv2 * pbGa[i];
        // [I − B (BᵀB)⁻¹ Bᵀ] g_B (AAᵀ)⁻¹ − B X
        double[] gbPa = mul(gb, aatInv, out, r, r);                    // g_B (AAᵀ)⁻¹ [out, r]
        double[] btGbPa = tMul(b, gbPa, out, r, r);                    // Bᵀ (…)      [r, r]
        double[] proj = mul(b, mul(btbInv, btGbPa, r, r, r), out, r, r); // B (BᵀB)⁻¹ Bᵀ (…)
        double[] bx = mul(b, x, out, r, r);
        double[] newB = new double[out * r];
        for (int i = 0; i < newB.length; i++) newB[i] = inv2 * (gbPa[i] - proj[i]) - bx[i];
        return new double[][] {newA, newB};
    }

    /** The equivalent gradient {@code s·B g_A + s·g_B A} [out, in] of a pair of adapter gradients (float64). */
    public static double[] equivalentGradient(double[] a, double[] b, double[] ga, double[] gb, int r, int in, int out, double s) {
        double[] e = mul(b, ga, out, r, in);
        double[] f = mul(gb, a, out, r, in);
        for (int i = 0; i < e.length; i++) e[i] = s * (e[i] + f[i]);
        return e;
    }

    /** Solves {@code M₁ X + X M₂ = C} for symmetric M₁ = P Λ Pᵀ, M₂ = Q M Qᵀ (r×r), with λ_i + μ_j ≠ 0. */
    static double[] sylvester(SymmetricEigen m1, SymmetricEigen m2, double[] c, int r) {
        double[] p = m1.vectors();
        double[] q = m2.vectors();
        double[] f = mul(tMul(p, c, r, r, r), q, r, r, r);            // Pᵀ C Q
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) f[i * r + j] /= m1.values()[i] + m2.values()[j];
        }
        return mulT(mul(p, f, r, r, r), q, r, r, r);                   // P F Qᵀ
    }

    private static double[] regularised(double[] m, int r) {
        double[] out = m.clone();
        for (int i = 0; i < r; i++) out[i * r + i] += DELTA;
        return out;
    }

    /** The pseudo-inverse from an eigendecomposition (eigenvalues at round-off level of the largest count as 0, as pinv's rcond). */
    private static double[] pinv(SymmetricEigen e) {
        int n = e.n();
        double max = 0;
        for (double v : e.values()) max = Math.max(max, Math.abs(v));
        double cut = max * n * 0x1p-52;
        double[] out = new double[n * n];
        for (int k = 0; k < n; k++) {
            double l = e.values()[k];
            if (Math.abs(l) <= cut) continue;
            for (int i = 0; i < n; i++) {
                double vi = e.vectors()[i * n + k] / l;
                for (int j = 0; j < n; j++) out[i * n + j] += vi * e.vectors()[j * n + k];
            }
        }
        return out;
    }

    /** {@code MᵀM} ({@code transposeFirst}, M [rows, cols] → [cols, cols]) or {@code M Mᵀ} ([rows, rows]). */
    private static double[] gram(double[] m, int rows, int cols, boolean transposeFirst) {
        return transposeFirst ? tMul(m, m, rows, cols, cols) : mulT(m, m, rows, cols, rows);
    }

    /** X [n, k] · Y [k, m]. */
    static double[] mul(double[] x, double[] y, int n, int k, int m) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double v = x[i * k + p];
                if (v == 0) continue;
                for (int j = 0; j < m; j++) out[i * m + j] += v * y[p * m + j];
            }
        }
        return out;
    }

    /** Xᵀ Y with X [k, n], Y [k, m]. */
    static double[] tMul(double[] x, double[] y, int k, int n, int m) {
        double[] out = new double[n * m];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < n; i++) {
                double v = x[p * n + i];
                if (v == 0) continue;
                for (int j = 0; j < m; j++) out[i * m + j] += v * y[p * m + j];
            }
        }
        return out;
    }

    /** X Yᵀ with X [n, k], Y [m, k]. */
    static double[] mulT(double[] x, double[] y, int n, int k, int m) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) acc += x[i * k + p] * y[j * k + p];
                out[i * m + j] = acc;
            }
        }
        return out;
    }

    static double[] toDouble(Tensor t, int n) {
        if (t.size() != n) throw new IllegalArgumentException("expected " + n + " elements, got " + t.size());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = t.data()[t.offset() + i];
        return out;
    }

    private static void store(double[] v, Tensor t) {
        for (int i = 0; i < v.length; i++) t.data()[t.offset() + i] = (float) v[i];
    }
}
