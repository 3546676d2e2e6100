package dev.descent.optim.problems;

import java.util.List;

/**
 * Least-squares matrix fit: one parameter {@code w}, a hidden 8×4 matrix W; A (4×6) with
 * A[k][j] = cos(k + 2j), B (8×6) with B[i][j] = sin(i·j + 1); f(W) = ½ ‖W A − B‖²_F, started at
 * W[i][k] = 0.1 (i − k). ∇f = (W A − B) Aᵀ; H·V = V A Aᵀ. The minimum is the least-squares residual
 * ½ ‖B (I − A⁺A)‖²_F, computed here in double.
 */
public final class MatrixFit implements Problem {
    public static final int ROWS = 8;
    public static final int INNER = 4;
    public static final int COLS = 6;
    private final double[][] a = new double[INNER][COLS];
    private final double[][] b = new double[ROWS][COLS];

    public MatrixFit() {
        for (int k = 0; k < INNER; k++) for (int j = 0; j < COLS; j++) a[k][j] = Math.cos(k + 2 * j);
        for (int i = 0; i < ROWS; i++) for (int j = 0; j < COLS; j++) b[i][j] = Math.sin(i * j + 1);
    }

    @Override
    public String name() { return "matrix-fit"; }

    @Override
    public List<String> names() { return List.of("w"); }

    @Override
    public List<int[]> shapes() { return List.of(new int[] {ROWS, INNER}); }

    @Override
    public float[] start() {
        float[] w = new float[ROWS * INNER];
        for (int i = 0; i < ROWS; i++) for (int k = 0; k < INNER; k++) w[i * INNER + k] = (float) (0.1 * (i - k));
        return w;
    }

    private double[][] residual(float[] w) {
        double[][] r = new double[ROWS][COLS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) {
                double s = -b[i][j];
                for (int k = 0; k < INNER; k++) s += w[i * INNER + k] * a[k][j];
                r[i][j] = s;
            }
        }
        return r;
    }

    @Override
    public double loss(float[] w) {
        double f = 0;
        for (double[] row : residual(w)) for (double v : row) f += 0.5 * v * v;
        return f;
    }

    @Override
    public double lossAndGradient(float[] w, float[] g) {
        double[][] r = residual(w);
        double f = 0;
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) f += 0.5 * r[i][j] * r[i][j];
            for (int k = 0; k < INNER; k++) {
                double s = 0;
                for (int j = 0; j < COLS; j++) s += r[i][j] * a[k][j];
                g[i * INNER + k] = (float) s;
            }
        }
        return f;
    }

    @Override
    public void hessianVectorProduct(float[] w, float[] v, float[] out) {
        for (int i = 0; i < ROWS; i++) {
            for (int k = 0; k < INNER; k++) {
                double s = 0;
                for (int l = 0; l < INNER; l++) {
                    double aat = 0;
                    for (int j = 0; j < COLS; j++) aat += a[l][j] * a[k][j];
                    s += v[i * INNER + l] * aat;
                }
                out[i * INNER + k] = (float) s;
            }
        }
    }

    /** r = W A − B (8×6, row-major); Jᵀ E = E Aᵀ. */
    @Override
    public int residuals() { return ROWS * COLS; }

    @Override
    public void jacobianTransposeTimes(float[] w, float[] e, float[] out) {
        for (int i = 0; i < ROWS; i++) {
            for (int k = 0; k < INNER; k++) {
                double s = 0;
                for (int j = 0; j < COLS; j++) s += e[i * COLS + j] * a[k][j];
                out[i * INNER + k] = (float) s;
            }
        }
    }

    /** ½ ‖B − W* A‖² with W* = B Aᵀ (A Aᵀ)⁻¹, by Gaussian elimination in double. */
    @Override
    public double minimumLoss() {
        double[][] aat = new double[INNER][INNER];
        for (int k = 0; k < INNER; k++) for (int l = 0; l < INNER; l++) for (int j = 0; j < COLS; j++) aat[k][l] += a[k][j] * a[l][j];
        double f = 0;
        for (int i = 0; i < ROWS; i++) {
            double[] rhs = new double[INNER];
            for (int k = 0; k < INNER; k++) for (int j = 0; j < COLS; j++) rhs[k] += b[i][j] * a[k][j];
            double[] wRow = solve(aat, rhs);
            for (int j = 0; j < COLS; j++) {
                double s = -b[i][j];
                for (int k = 0; k < INNER; k++) s += wRow[k] * a[k][j];
                f += 0.5 * s * s;
            }
        }
        return f;
    }

    private static double[] solve(double[][] m, double[] rhs) {
        int n = rhs.length;
        double[][] x = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, x[i], 0, n);
            x[i][n] = rhs[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(x[r][c]) > Math.abs(x[piv][c])) piv = r;
            double[] t = x[c];
            x[c] = x[piv];
            x[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = x[r][c] / x[c][c];
                for (int k = c; k <= n; k++) x[r][k] -= f * x[c][k];
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = x[i][n] / x[i][i];
        return out;
    }
}
