package dev.descent.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * Cholesky factor of a symmetric positive definite n×n matrix, A = L Lᵀ with L lower triangular and a
 * positive diagonal: EJML's Cholesky, float64 (reads the lower triangle).
 *
 * @param lower L row-major (n×n), zeros above the diagonal
 */
public record Cholesky(int n, double[] lower) {

    /**
     * Factors the symmetric n×n row-major {@code a} (not modified).
     *
     * @throws IllegalArgumentException if {@code a} is not positive definite
     */
    public static Cholesky of(double[] a, int n) {
        Dense.checkSquare(a, n);
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        if (!chol.decompose(Dense.copyOf(a, n, n))) {
            throw new IllegalArgumentException("matrix (" + n + "x" + n + ") is not positive definite");
        }
        double[] l = Dense.values(chol.getT(null));
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) l[i * n + j] = 0;
        return new Cholesky(n, l);
    }
}
