package dev.descent.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Eigendecomposition of a real symmetric n×n matrix, A = Q diag(λ) Qᵀ, with Q orthogonal: EJML's symmetric
 * QR algorithm (tridiagonalisation, then implicit QR), float64. Only the lower and upper triangles'
 * average matters in exact arithmetic; the input is expected symmetric (not checked beyond finiteness).
 *
 * @param values  the eigenvalues λ, ascending
 * @param vectors Q row-major (n×n): column j is the unit eigenvector of {@code values[j]}
 */
public record SymmetricEigen(int n, double[] values, double[] vectors) {

    /** Decomposes the symmetric n×n row-major {@code a} (not modified). */
    public static SymmetricEigen of(double[] a, int n) {
        Dense.checkSquare(a, n);
        for (int i = 0; i < n * n; i++) {
            if (!Double.isFinite(a[i])) throw new IllegalArgumentException("matrix value " + a[i] + " at " + i + " is not finite");
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(Dense.copyOf(a, n, n))) throw new ArithmeticException("symmetric eigendecomposition did not converge");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(eig.getEigenvalue(x).real, eig.getEigenvalue(y).real));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = eig.getEigenvalue(order[j]).real;
            DMatrixRMaj q = eig.getEigenVector(order[j]);
            for (int i = 0; i < n; i++) vectors[i * n + j] = q.get(i, 0);
        }
        return new SymmetricEigen(n, values, vectors);
    }
}
