package dev.descent.optim.problems;

import dev.descent.tensor.Philox;
import dev.descent.zo.HessianMatrices;

/**
 * An ill-conditioned quadratic with a known Hessian: f(x) = ½ xᵀ H x, H = Q diag(λ) Qᵀ, with
 * eigenvalues λ_i = κ^{i/(d−1)} spaced log-uniformly from 1 to the condition number κ, and Q the
 * orthogonal factor of a d × d standard Gaussian matrix (modified Gram–Schmidt on its columns), drawn
 * from the Philox stream (seed 0, "zo/hessian/quadratic").derive(d), so it depends on d only.
 * ∇f = H x, ∇²f = H, minimum 0 at x = 0. Comparison point and start: x = (1, …, 1).
 */
public final class IllConditionedQuadratic implements SmoothFunction {
    private final int d;
    private final double condition;
    private final double[] h;

    public IllConditionedQuadratic(int d, double condition) {
        if (d < 1) throw new IllegalArgumentException("dim must be >= 1, got " + d);
        if (!(condition >= 1) || !Double.isFinite(condition)) throw new IllegalArgumentException("condition must be >= 1, got " + condition);
        this.d = d;
        this.condition = condition;
        double[] q = orthogonal(d);
        this.h = new double[d * d];
        for (int k = 0; k < d; k++) {
            double lambda = d == 1 ? 1 : Math.pow(condition, k / (double) (d - 1));
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) h[i * d + j] += lambda * q[i * d + k] * q[j * d + k];
            }
        }
        // Symmetric to the last bit, so estimates and exact inverses see the same matrix.
        for (int i = 0; i < d; i++) for (int j = i + 1; j < d; j++) h[j * d + i] = h[i * d + j];
    }

    /** Columns of a seeded Gaussian matrix, orthonormalised by modified Gram–Schmidt (row-major result). */
    private static double[] orthogonal(int d) {
        Philox rng = Philox.stream(0, "zo/hessian/quadratic").derive(d);
        double[][] cols = new double[d][d];
        for (int k = 0; k < d; k++) for (int i = 0; i < d; i++) cols[k][i] = rng.gaussian((long) k * d + i);
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += cols[k][i] * cols[j][i];
                for (int i = 0; i < d; i++) cols[k][i] -= dot * cols[j][i];
            }
            double n = 0;
            for (int i = 0; i < d; i++) n += cols[k][i] * cols[k][i];
            n = Math.sqrt(n);
            for (int i = 0; i < d; i++) cols[k][i] /= n;
        }
        double[] q = new double[d * d];
        for (int k = 0; k < d; k++) for (int i = 0; i < d; i++) q[i * d + k] = cols[k][i];
        return q;
    }

    public double condition() { return condition; }

    @Override public String name() { return "quadratic"; }
    @Override public int dim() { return d; }

    @Override
    public double value(double[] x) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            double r = 0;
            for (int j = 0; j < d; j++) r += h[i * d + j] * x[j];
            s += x[i] * r;
        }
        return 0.5 * s;
    }

    @Override public double[] gradient(double[] x) { return HessianMatrices.times(h, d, x); }
    @Override public double[] hessian(double[] x) { return h.clone(); }

    @Override
    public double[] point() {
        double[] x = new double[d];
        java.util.Arrays.fill(x, 1.0);
        return x;
    }

    @Override public double minimum() { return 0; }
}
