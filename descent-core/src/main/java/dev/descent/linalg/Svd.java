package dev.descent.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Thin singular value decomposition A = U diag(σ) Vᵀ of a rows×cols matrix, k = min(rows, cols): EJML's
 * bidiagonalisation followed by implicit-shift QR, float64.
 *
 * @param u     U row-major (rows×k), orthonormal columns
 * @param sigma the singular values σ, descending, ≥ 0
 * @param v     V row-major (cols×k), orthonormal columns
 */
public record Svd(int rows, int cols, double[] u, double[] sigma, double[] v) {

    /** Decomposes the rows×cols row-major {@code a} (not modified). */
    public static Svd of(double[] a, int rows, int cols) {
        int k = Math.min(rows, cols);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
        if (!svd.decompose(Dense.copyOf(a, rows, cols))) throw new ArithmeticException("SVD did not converge");
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) sigma[i] = w.get(i, i);
        return new Svd(rows, cols, Dense.values(u), sigma, Dense.values(v));
    }
}
