package dev.descent.linalg;

/**
 * Matrix functions built on the decompositions of this package.
 *
 * <ul>
 *   <li>{@link #inversePthRoot}: A^{−1/p} = Q diag(λ^{−1/p}) Qᵀ of a symmetric positive definite A
 *       (Shampoo's preconditioner roots), through {@link SymmetricEigen};</li>
 *   <li>{@link #polar}: the orthogonal polar factor U Vᵀ of G = U Σ Vᵀ (the exact answer Newton–Schulz
 *       approximates), through {@link Svd}.</li>
 * </ul>
 */
public final class MatrixFunctions {
    private MatrixFunctions() {}

    /**
     * A^{−1/p} for the symmetric positive definite n×n row-major {@code a} (not modified), p ≥ 1.
     *
     * @throws IllegalArgumentException if p < 1 or an eigenvalue of {@code a} is not positive (the root of
     *                                  a singular or indefinite matrix is not defined; callers that want a
     *                                  damped root add ε·I first)
     */
    public static double[] inversePthRoot(double[] a, int n, int p) {
        if (p < 1) throw new IllegalArgumentException("p = " + p + " must be >= 1");
        SymmetricEigen eig = SymmetricEigen.of(a, n);
        double[] scale = new double[n];
        for (int j = 0; j < n; j++) {
            double lambda = eig.values()[j];
            if (!(lambda > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite: eigenvalue " + lambda);
            }
            scale[j] = Math.pow(lambda, -1.0 / p);
        }
        double[] q = eig.vectors();
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < n; c++) {
                double acc = 0;
                for (int j = 0; j < n; j++) acc += q[i * n + j] * scale[j] * q[c * n + j];
                out[i * n + c] = acc;
            }
        }
        return out;
    }

    /**
     * The polar factor U Vᵀ of the rows×cols row-major {@code g} (not modified), singular values at or
     * below {@link PolarFactor#RANK_TOLERANCE}·σ_max dropped. Allocates; {@link PolarFactor} is the
     * workspace form for repeated calls.
     */
    public static double[] polar(double[] g, int rows, int cols) {
        double[] out = java.util.Arrays.copyOf(g, rows * cols);
        new PolarFactor().polar(out, rows, cols);
        return out;
    }
}
