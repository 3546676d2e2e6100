package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.linalg.Cholesky;

/**
 * A classifier head on fixed features that can be updated exactly, one class at a time: per-class
 * sums and counts and the total second moment Σ f fᵀ. Two rules:
 * <ul>
 *   <li>{@code ncm} (nearest class mean): score_c(f) = −‖f − μ_c‖².</li>
 *   <li>{@code lda} (linear discriminant analysis with a shared covariance, as First-Session
 *       Adaptation's head): Σ = (Σ_i f_i f_iᵀ − Σ_c n_c μ_c μ_cᵀ)/(N − C), the pooled within-class
 *       covariance, shrunk towards a scaled identity Σ_α = (1 − α)Σ + α·(tr Σ / d)·I, and
 *       score_c(f) = μ_cᵀ Σ_α⁻¹ f − ½ μ_cᵀ Σ_α⁻¹ μ_c (equal class priors).</li>
 * </ul>
 * Open choice: the shrinkage α (default 0.1) is fixed here rather than fitted (the FSA code uses a
 * shrinkage parameter as well; Ledoit–Wolf would fit it from the data).
 */
final class LdaHead {
    private final int d;
    private final boolean lda;
    private final double shrinkage;
    private final double[][] sums;
    private final long[] counts;
    private final double[] moment;

    LdaHead(int features, int classes, boolean lda, double shrinkage) {
        if (!(shrinkage >= 0 && shrinkage <= 1)) throw new IllegalArgumentException("shrinkage must be in [0, 1], got " + shrinkage);
        this.d = features;
        this.lda = lda;
        this.shrinkage = shrinkage;
        this.sums = new double[classes][features];
        this.counts = new long[classes];
        this.moment = new double[features * features];
    }

    /** Adds the rows of {@code data} (features, labels) to the statistics. */
    void add(ClassificationData data) {
        float[] f = data.features();
        for (int i = 0; i < data.rows(); i++) {
            int c = data.labels()[i];
            counts[c]++;
            for (int a = 0; a < d; a++) {
                double fa = f[i * d + a];
                sums[c][a] += fa;
                for (int b = 0; b < d; b++) moment[a * d + b] += fa * f[i * d + b];
            }
        }
    }

    /** Scores {@code [rows, classes]} (classes never seen score −∞). */
    double[][] scores(ClassificationData data) {
        int classes = counts.length;
        double[][] mu = new double[classes][];
        int seen = 0;
        long n = 0;
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) continue;
            seen++;
            n += counts[c];
            mu[c] = new double[d];
            for (int a = 0; a < d; a++) mu[c][a] = sums[c][a] / counts[c];
        }
        double[][] w = new double[classes][];
        double[] bias = new double[classes];
        if (lda) {
            double[] cov = moment.clone();
            for (int c = 0; c < classes; c++) {
                if (mu[c] == null) continue;
                for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) cov[a * d + b] -= counts[c] * mu[c][a] * mu[c][b];
            }
            double dof = n > seen ? n - seen : Math.max(1, n);
            double trace = 0;
            for (int a = 0; a < d; a++) trace += cov[a * d + a] / dof;
            double ridge = shrinkage * trace / d + 1e-9; // a tiny floor keeps the factorisation defined for constant features
            for (int k = 0; k < cov.length; k++) cov[k] = (1 - shrinkage) * cov[k] / dof;
            for (int a = 0; a < d; a++) cov[a * d + a] += ridge;
            double[] l = Cholesky.of(cov, d).lower();
            for (int c = 0; c < classes; c++) {
                if (mu[c] == null) continue;
                w[c] = solve(l, mu[c]);
                double q = 0;
                for (int a = 0; a < d; a++) q += mu[c][a] * w[c][a];
                bias[c] = -0.5 * q;
            }
        }
        double[][] out = new double[data.rows()][classes];
        float[] f = data.features();
        for (int i = 0; i < data.rows(); i++) {
            for (int c = 0; c < classes; c++) {
                if (mu[c] == null) {
                    out[i][c] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double s = 0;
                if (lda) {
                    for (int a = 0; a < d; a++) s += w[c][a] * f[i * d + a];
                    s += bias[c];
                } else {
                    for (int a = 0; a < d; a++) s -= (f[i * d + a] - mu[c][a]) * (f[i * d + a] - mu[c][a]);
                }
                out[i][c] = s;
            }
        }
        return out;
    }

    /** x with L Lᵀ x = b (forward then back substitution). */
    private double[] solve(double[] l, double[] b) {
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * d + k] * y[k];
            y[i] = s / l[i * d + i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
            x[i] = s / l[i * d + i];
        }
        return x;
    }
}
