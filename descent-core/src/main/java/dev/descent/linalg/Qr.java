package dev.descent.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Thin QR decomposition A = Q R of a rows×cols matrix, k = min(rows, cols): EJML's Householder QR, float64.
 * The signs are EJML's (R's diagonal is not forced positive).
 *
 * @param q Q row-major (rows×k), orthonormal columns
 * @param r R row-major (k×cols), upper triangular
 */
public record Qr(int rows, int cols, double[] q, double[] r) {

    /** Decomposes the rows×cols row-major {@code a} (not modified). */
    public static Qr of(double[] a, int rows, int cols) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(rows, cols);
        if (!qr.decompose(Dense.copyOf(a, rows, cols))) throw new ArithmeticException("QR decomposition failed");
        return new Qr(rows, cols, Dense.values(qr.getQ(null, true)), Dense.values(qr.getR(null, true)));
    }
}
