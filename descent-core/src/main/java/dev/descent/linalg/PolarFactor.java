package dev.descent.linalg;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The polar factor U Vᵀ of a rows×cols matrix G = U Σ Vᵀ (thin SVD, {@link Svd}) and its nuclear norm
 * ‖G‖_* = Σσ, in a workspace that keeps one EJML decomposition per matrix shape: after the first call
 * for a shape, {@link #polar} allocates nothing, so an optimizer can call it every step.
 *
 * <p>Singular values at or below 1e-12·σ_max (and so all of an all-zero matrix) are dropped: their
 * directions get 0 in the factor and nothing in the norm, so a rank-deficient G gives the partial isometry
 * of its range rather than an arbitrary completion.
 */
public final class PolarFactor {
    /** Relative threshold below which a singular direction is treated as absent. */
    public static final double RANK_TOLERANCE = 1e-12;

    private final List<Shape> shapes = new ArrayList<>();

    /** Decomposition and buffers for one shape. */
    private static final class Shape {
        final int rows;
        final int cols;
        final DMatrixRMaj a;
        final DMatrixRMaj u;
        final DMatrixRMaj v;
        final SingularValueDecomposition_F64<DMatrixRMaj> svd;

        Shape(int rows, int cols) {
            int k = Math.min(rows, cols);
            this.rows = rows;
            this.cols = cols;
            this.a = new DMatrixRMaj(rows, cols);
            this.u = new DMatrixRMaj(rows, k);
            this.v = new DMatrixRMaj(cols, k);
            this.svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
        }
    }

    private Shape shape(int rows, int cols) {
        for (Shape s : shapes) if (s.rows == rows && s.cols == cols) return s;
        Shape s = new Shape(rows, cols);
        shapes.add(s);
        return s;
    }

    /**
     * Overwrites the rows×cols row-major {@code g} with its polar factor U Vᵀ and returns the nuclear norm
     * Σσ (over the kept singular values). A matrix with a NaN or infinite value has no polar factor: it
     * becomes all NaN and the norm is NaN (a diverged step stays visibly non-finite instead of throwing).
     */
    public double polar(double[] g, int rows, int cols) {
        Dense.checkShape(g, rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            if (!Double.isFinite(g[i])) {
                // no polar factor of a non-finite matrix: NaN out, as the rest of a diverged step, for the caller's finiteness check
                java.util.Arrays.fill(g, 0, rows * cols, Double.NaN);
                return Double.NaN;
            }
        }
        Shape s = shape(rows, cols);
        System.arraycopy(g, 0, s.a.data, 0, rows * cols);
        if (!s.svd.decompose(s.a)) throw new ArithmeticException("SVD of a " + rows + "x" + cols + " matrix did not converge");
        double[] sigma = s.svd.getSingularValues();
        int k = Math.min(rows, cols);
        double max = 0;
        for (int j = 0; j < k; j++) max = Math.max(max, sigma[j]);
        s.svd.getU(s.u, false);
        s.svd.getV(s.v, false);
        double nuclear = 0;
        double[] u = s.u.data;
        for (int j = 0; j < k; j++) {
            if (sigma[j] > RANK_TOLERANCE * max && sigma[j] > 0) {
                nuclear += sigma[j];
            } else {
                for (int i = 0; i < rows; i++) u[i * k + j] = 0;
            }
        }
        double[] v = s.v.data;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                double acc = 0;
                for (int j = 0; j < k; j++) acc += u[i * k + j] * v[c * k + j];
                g[i * cols + c] = acc;
            }
        }
        return nuclear;
    }
}
