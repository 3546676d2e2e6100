package dev.descent.optim;

import static dev.descent.optim.MatrixMomentum.momentumThen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * REG (Z. Liu et al., "REG: A Regularization Optimizer for Robust Training Dynamics", arXiv 2510.03691),
 * from its abstract: Muon with the matrix sign replaced by row-and-column scaling (RACS). The registered
 * {@code reg} applies it to hidden matrices and AdamW to the rest ({@link MatrixHybrid}).
 */
public final class Reg {
    private Reg() {}

    /**
     * The Row-and-Column-Scaling (RACS) operator of REG, in float64, in place on the rows×cols
     * row-major matrix {@code x}. The abstract specifies only "row-and-column scaling, grounded in
     * balancing a matrix"; the choices made here ([INF]):
     * <ul>
     *   <li>{@code sinkhorn} (default): matrix balancing by alternating normalisation — divide every
     *       row by its RMS, then every column by its RMS, {@code iters} times (Sinkhorn–Knopp on the
     *       squared entries). The fixed point D_r X D_c has every row and column RMS 1, i.e. entries of
     *       RMS ≈ 1 like Adam's/sign updates (the abstract's "consistent with the AdamW paradigm"),
     *       while keeping the matrix's sign pattern and relative structure (far less drastic than the
     *       matrix sign, which flattens all singular values). Default 5 iterations: on dense matrices
     *       the row and column RMS are within a few percent of 1 after 2–3 alternations, and each costs
     *       only two passes over the matrix.</li>
     *   <li>{@code factored}: the one-shot scaling X_ij / sqrt(R_i C_j / S) with R_i, C_j the row and
     *       column mean squares and S the overall mean square (an Adafactor-like rank-1 estimate of
     *       the entry scale); the same RMS-1 scale without iteration.</li>
     * </ul>
     * {@code eps} is added to each RMS before dividing (zero rows/columns stay zero).
     */
    public static void racs(double[] x, int rows, int cols, boolean factored, int iters, double eps,
                            double[] rowScratch, double[] colScratch) {
        if (factored) {
            double total = 0;
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += x[r * cols + c] * x[r * cols + c];
                rowScratch[r] = s / cols;
                total += s;
            }
            double mean = total / ((double) rows * cols);
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int r = 0; r < rows; r++) s += x[r * cols + c] * x[r * cols + c];
                colScratch[c] = s / rows;
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double scale = mean > 0 ? Math.sqrt(rowScratch[r] * colScratch[c] / mean) : 0;
                    x[r * cols + c] /= scale + eps;
                }
            }
            return;
        }
        for (int it = 0; it < iters; it++) {
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += x[r * cols + c] * x[r * cols + c];
                double inv = 1 / (Math.sqrt(s / cols) + eps);
                for (int c = 0; c < cols; c++) x[r * cols + c] *= inv;
            }
            for (int c = 0; c < cols; c++) colScratch[c] = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) colScratch[c] += x[r * cols + c] * x[r * cols + c];
            }
            for (int c = 0; c < cols; c++) colScratch[c] = 1 / (Math.sqrt(colScratch[c] / rows) + eps);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) x[r * cols + c] *= colScratch[c];
            }
        }
    }

    /**
     * REG's direction: Muon's momentum (lerp form, β) and Nesterov blend, with the matrix sign NS(U)
     * replaced by {@link #racs}(U) — the only change the abstract names. No shape factor: RACS output
     * already has entry RMS ≈ 1, the AdamW scale, which is why REG's default learning rate is
     * AdamW-like (3e-4, the same as the aux AdamW) rather than Muon's 0.02. State scalars:
     * {@code momentum}, {@code nesterov}, {@code racs_factored} (0/1), {@code racs_iters}, {@code racs_eps}.
     */
    public static GradientTransformation scaleByReg(double momentum, boolean nesterov, boolean factored, int iters, double eps) {
        Hyper.positiveCount("racs_iters", iters);
        Hyper.positive("racs_eps", eps);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("racs_factored", factored ? 1.0 : 0.0);
        extra.put("racs_iters", (double) iters);
        extra.put("racs_eps", eps);
        Object key = new Object();
        return momentumThen(momentum, nesterov, extra, (slot, u, off, st, sc) -> {
            double[][] rc = st.cached(key, () -> {
                int r = 1;
                int c = 1;
                for (ParamSlot p : sc.params.slots()) {
                    r = Math.max(r, p.rows());
                    c = Math.max(c, p.cols());
                }
                return new double[][] {new double[r], new double[c]};
            });
            int n = slot.size();
            sc.load(u, off, n);
            racs(sc.d, slot.rows(), slot.cols(), st.get("racs_factored") != 0, (int) st.get("racs_iters"), st.get("racs_eps"), rc[0], rc[1]);
            sc.store(u, off, n);
        });
    }
}
