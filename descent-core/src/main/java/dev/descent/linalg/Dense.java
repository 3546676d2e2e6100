package dev.descent.linalg;

import org.ejml.data.DMatrixRMaj;

/** Conversions between row-major arrays and EJML matrices, and shape checks shared by the wrappers. */
final class Dense {
    private Dense() {}

    /** A copy of the rows×cols row-major {@code a} as an EJML matrix (EJML's own layout is row-major too). */
    static DMatrixRMaj copyOf(double[] a, int rows, int cols) {
        checkShape(a, rows, cols);
        return new DMatrixRMaj(rows, cols, true, a);
    }

    static void checkShape(double[] a, int rows, int cols) {
        if (rows < 1 || cols < 1) throw new IllegalArgumentException("matrix shape " + rows + "x" + cols + " must be at least 1x1");
        if (a.length < (long) rows * cols) {
            throw new IllegalArgumentException("matrix of " + a.length + " values is too short for " + rows + "x" + cols);
        }
    }

    static void checkSquare(double[] a, int n) {
        checkShape(a, n, n);
    }

    /** The first rows·cols values of {@code m}'s row-major storage, copied. */
    static double[] values(DMatrixRMaj m) {
        return java.util.Arrays.copyOf(m.data, m.numRows * m.numCols);
    }
}
