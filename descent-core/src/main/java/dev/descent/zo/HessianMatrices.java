package dev.descent.zo;

/**
 * The little dense linear algebra the Hessian estimators need, in double precision, on square
 * matrices stored row-major in a {@code double[d*d]}: products, Frobenius norms, and inverses and
 * solves by LU decomposition with partial pivoting (Golub &amp; Van Loan, Alg. 3.4.1). Meant for
 * d up to a few hundred (the cost is O(d³)); the estimators themselves never need more than an
 * n × n solve with n the number of queries (Woodbury, eq. 14 of the ZoVH paper).
 */
public final class HessianMatrices {
    private HessianMatrices() {}

    /** The d × d identity times {@code scale}. */
    public static double[] scaledIdentity(int d, double scale) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = scale;
        return m;
    }

    /** a ← a + c·x yᵀ for the d×d row-major matrix a (one rank-1 term of the estimators' sums). */
    public static void addOuter(double[] a, int d, double c, double[] x, double[] y) {
        for (int r = 0; r < d; r++) {
            double cr = c * x[r];
            int row = r * d;
            for (int k = 0; k < d; k++) a[row + k] += cr * y[k];
        }
    }

    /** A copy of {@code a} with {@code lambda} added to its diagonal. */
    public static double[] plusDiagonal(double[] a, int d, double lambda) {
        double[] m = a.clone();
        for (int i = 0; i < d; i++) m[i * d + i] += lambda;
        return m;
    }

    /** y = A x for a d × d matrix A. */
    public static double[] times(double[] a, int d, double[] x) {
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += a[i * d + j] * x[j];
            y[i] = s;
        }
        return y;
    }

    /** Frobenius norm (or Euclidean norm of a vector). */
    public static double norm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }

    /** ‖estimate − exact‖_F / ‖exact‖_F (vectors alike). */
    public static double relativeError(double[] estimate, double[] exact) {
        if (estimate.length != exact.length) throw new IllegalArgumentException("sizes differ: " + estimate.length + " vs " + exact.length);
        double num = 0;
        for (int i = 0; i < exact.length; i++) {
            double r = estimate[i] - exact[i];
            num += r * r;
        }
        return Math.sqrt(num) / norm(exact);
    }

    /** The inverse of a d × d matrix; all NaN when a pivot is exactly zero (or not finite). */
    public static double[] inverse(double[] a, int d) {
        Lu lu = new Lu(a, d);
        double[] inv = new double[d * d];
        double[] e = new double[d];
        for (int j = 0; j < d; j++) {
            java.util.Arrays.fill(e, 0);
            e[j] = 1;
            double[] col = lu.solve(e);
            for (int i = 0; i < d; i++) inv[i * d + j] = col[i];
        }
        return inv;
    }

    /** x with A x = b; all NaN when a pivot is exactly zero (or not finite). */
    public static double[] solve(double[] a, int d, double[] b) {
        return new Lu(a, d).solve(b);
    }

    /** PA = LU with partial pivoting, L unit lower triangular; both stored in one matrix. */
    private static final class Lu {
        private final double[] lu;
        private final int[] pivot;
        private final int d;
        private final boolean singular;

        Lu(double[] a, int d) {
            if (a.length != d * d) throw new IllegalArgumentException("matrix has " + a.length + " entries, expected " + d + "×" + d);
            this.d = d;
            this.lu = a.clone();
            this.pivot = new int[d];
            boolean sing = false;
            for (int k = 0; k < d; k++) {
                int p = k;
                for (int i = k + 1; i < d; i++) if (Math.abs(lu[i * d + k]) > Math.abs(lu[p * d + k])) p = i;
                pivot[k] = p;
                if (p != k) {
                    for (int j = 0; j < d; j++) {
                        double t = lu[k * d + j];
                        lu[k * d + j] = lu[p * d + j];
                        lu[p * d + j] = t;
                    }
                }
                double piv = lu[k * d + k];
                if (piv == 0 || !Double.isFinite(piv)) {
                    sing = true;
                    break;
                }
                for (int i = k + 1; i < d; i++) {
                    double m = lu[i * d + k] / piv;
                    lu[i * d + k] = m;
                    if (m != 0) for (int j = k + 1; j < d; j++) lu[i * d + j] -= m * lu[k * d + j];
                }
            }
            this.singular = sing;
        }

        double[] solve(double[] b) {
            double[] x = b.clone();
            if (singular) {
                java.util.Arrays.fill(x, Double.NaN);
                return x;
            }
            for (int k = 0; k < d; k++) {
                int p = pivot[k];
                if (p != k) {
                    double t = x[k];
                    x[k] = x[p];
                    x[p] = t;
                }
            }
            for (int i = 0; i < d; i++) {
                double s = x[i];
                for (int j = 0; j < i; j++) s -= lu[i * d + j] * x[j];
                x[i] = s;
            }
            for (int i = d - 1; i >= 0; i--) {
                double s = x[i];
                for (int j = i + 1; j < d; j++) s -= lu[i * d + j] * x[j];
                x[i] = s / lu[i * d + i];
            }
            return x;
        }
    }
}
