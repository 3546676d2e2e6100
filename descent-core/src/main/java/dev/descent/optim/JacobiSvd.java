package dev.descent.optim;

/**
 * A small float64 singular value decomposition by one-sided (Hestenes) Jacobi rotations, for the
 * exact polar factor UVᵀ and the nuclear norm used by spectral steepest descent. One-sided Jacobi
 * orthogonalises the columns of the tall orientation (m ≥ n) by plane rotations accumulated in V,
 * so that A V = U Σ; it is accurate to a few ulps of σ_max and costs O(m n² · sweeps), fine for
 * matrices up to a few hundred on a side (no dependency on a linear-algebra library).
 *
 * <p>The tall matrix is kept column-major, so that the column dot products and rotations of the
 * inner loops run over contiguous memory (V too; the arithmetic and its order are those of the textbook
 * row-major loop, so the result is the same to the bit).
 *
 * <p>An instance is a workspace for matrices up to a given size; {@link #polar} allocates nothing.
 */
public final class JacobiSvd {
    private static final int MAX_SWEEPS = 60;
    private final int maxSmall;
    private final double[] a;
    private final double[] v;
    private final double[] sigma;

    public JacobiSvd(int maxSmall, int maxElements) {
        this.maxSmall = maxSmall;
        this.a = new double[maxElements];
        this.v = new double[maxSmall * maxSmall];
        this.sigma = new double[maxSmall];
    }

    public static JacobiSvd forParams(ParamSet params) {
        int small = 1;
        int elements = 1;
        for (ParamSlot s : params.slots()) {
            small = Math.max(small, Math.min(s.rows(), s.cols()));
            elements = Math.max(elements, s.size());
        }
        return new JacobiSvd(small, elements);
    }

    /**
     * Overwrites the rows×cols row-major matrix {@code g} with its polar factor U Vᵀ (singular values
     * below 1e-12·σ_max, and so those of an all-zero matrix, are dropped: their directions get 0) and
     * returns the nuclear norm Σσ.
     */
    public double polar(double[] g, int rows, int cols) {
        boolean wide = rows < cols;
        int m = Math.max(rows, cols);
        int n = Math.min(rows, cols);
        if (n > maxSmall || (long) m * n > a.length) throw new IllegalArgumentException(rows + "x" + cols + " exceeds this SVD workspace");
        // a (m×n, column-major: element (i, j) at j·m + i) = the tall orientation of g
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (wide) a[r * m + c] = g[r * cols + c];
                else a[c * m + r] = g[r * cols + c];
            }
        }
        for (int i = 0; i < n * n; i++) v[i] = 0;
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    int cp = p * m, cq = q * m;
                    for (int i = 0; i < m; i++) {
                        double ap = a[cp + i];
                        double aq = a[cq + i];
                        alpha += ap * ap;
                        beta += aq * aq;
                        gamma += ap * aq;
                    }
                    if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) t = 1;
                    double cs = 1 / Math.sqrt(1 + t * t);
                    double sn = cs * t;
                    for (int i = 0; i < m; i++) {
                        double ap = a[cp + i];
                        double aq = a[cq + i];
                        a[cp + i] = cs * ap - sn * aq;
                        a[cq + i] = sn * ap + cs * aq;
                    }
                    for (int i = 0; i < n; i++) {
                        double vp = v[p * n + i];
                        double vq = v[q * n + i];
                        v[p * n + i] = cs * vp - sn * vq;
                        v[q * n + i] = sn * vp + cs * vq;
                    }
                }
            }
            if (!rotated) break;
        }
        double max = 0;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) s += a[j * m + i] * a[j * m + i];
            sigma[j] = Math.sqrt(s);
            max = Math.max(max, sigma[j]);
        }
        double nuclear = 0;
        for (int j = 0; j < n; j++) {
            if (sigma[j] > 1e-12 * max && sigma[j] > 0) {
                nuclear += sigma[j];
                for (int i = 0; i < m; i++) a[j * m + i] /= sigma[j];   // column j of U
            } else {
                for (int i = 0; i < m; i++) a[j * m + i] = 0;
            }
        }
        // polar (m×n) = U Vᵀ, written back in g's orientation
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < n; k++) {
                double acc = 0;
                for (int j = 0; j < n; j++) acc += a[j * m + i] * v[j * n + k];
                if (wide) g[k * cols + i] = acc;
                else g[i * cols + k] = acc;
            }
        }
        return nuclear;
    }

    /** The singular values found by the latest {@link #polar} call (the first min(rows, cols), unsorted). */
    public double[] lastSingularValues(int count) {
        return java.util.Arrays.copyOf(sigma, count);
    }
}
