package dev.descent.optim.problems;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.zo.HessianMatrices;

/**
 * L2-regularised logistic regression on a two-class dataset (by default breast_cancer, 569 × 30,
 * features standardised with the whole set's mean and population standard deviation, then a constant
 * 1 appended for the bias, so d = 31):
 * f(θ) = (1/n) Σ_i [log(1 + e^{z_i}) − y_i z_i] + (λ/2)‖θ‖², z = Xθ, y ∈ {0, 1};
 * ∇f = Xᵀ(σ(z) − y)/n + λθ; ∇²f = Xᵀ S X/n + λI with S = diag(σ(z_i)(1 − σ(z_i))).
 * The penalty covers the bias too (so the Hessian is exactly that formula); λ defaults to 1e-3.
 * log(1 + e^z) is evaluated stably as max(z, 0) + log1p(e^{−|z|}).
 * Comparison point and start: θ = 0. {@link #minimum()} is found by Newton's method with the exact
 * Hessian when the object is built (the objective is strongly convex).
 */
public final class RegularizedLogistic implements SmoothFunction {
    /** The L2 weight used when none is given. */
    public static final double DEFAULT_L2 = 1e-3;

    private final String name;
    private final double[] x; // n × d row-major, last column 1
    private final double[] y;
    private final int n;
    private final int d;
    private final double l2;
    private final double minimum;

    /** breast_cancer, standardised, with a bias column, λ = {@link #DEFAULT_L2}. */
    public static RegularizedLogistic breastCancer() {
        return of("logreg-breast-cancer", Datasets.breastCancer(), DEFAULT_L2);
    }

    /** Logistic regression on a two-class dataset, standardised here, with a bias column. */
    public static RegularizedLogistic of(String name, ClassificationData data, double l2) {
        if (data.classes() != 2) throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes; logistic regression needs 2");
        ClassificationData s = data.fitStandardizer().apply(data);
        int n = s.rows();
        int d = s.cols() + 1;
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < s.cols(); j++) x[i * d + j] = s.features()[i * s.cols() + j];
            x[i * d + d - 1] = 1;
            y[i] = s.labels()[i];
        }
        return new RegularizedLogistic(name, x, y, n, d, l2);
    }

    private RegularizedLogistic(String name, double[] x, double[] y, int n, int d, double l2) {
        if (!(l2 > 0)) throw new IllegalArgumentException("l2 must be > 0, got " + l2);
        this.name = name;
        this.x = x;
        this.y = y;
        this.n = n;
        this.d = d;
        this.l2 = l2;
        this.minimum = newtonMinimum();
    }

    private double newtonMinimum() {
        double[] theta = new double[d];
        for (int it = 0; it < 50; it++) {
            double[] g = gradient(theta);
            if (HessianMatrices.norm(g) < 1e-13) break;
            double[] step = HessianMatrices.solve(hessian(theta), d, g);
            for (int j = 0; j < d; j++) theta[j] -= step[j];
        }
        return value(theta);
    }

    public double l2() { return l2; }
    public int rows() { return n; }

    @Override public String name() { return name; }
    @Override public int dim() { return d; }

    private double z(double[] theta, int i) {
        double s = 0;
        for (int j = 0; j < d; j++) s += x[i * d + j] * theta[j];
        return s;
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    @Override
    public double value(double[] theta) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double z = z(theta, i);
            s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
        }
        double r = 0;
        for (double t : theta) r += t * t;
        return s / n + 0.5 * l2 * r;
    }

    @Override
    public double[] gradient(double[] theta) {
        double[] g = new double[d];
        for (int i = 0; i < n; i++) {
            double e = sigmoid(z(theta, i)) - y[i];
            for (int j = 0; j < d; j++) g[j] += x[i * d + j] * e;
        }
        for (int j = 0; j < d; j++) g[j] = g[j] / n + l2 * theta[j];
        return g;
    }

    @Override
    public double[] hessian(double[] theta) {
        double[] h = new double[d * d];
        for (int i = 0; i < n; i++) {
            double p = sigmoid(z(theta, i));
            double w = p * (1 - p);
            for (int a = 0; a < d; a++) {
                double xa = w * x[i * d + a];
                for (int b = 0; b < d; b++) h[a * d + b] += xa * x[i * d + b];
            }
        }
        for (int k = 0; k < h.length; k++) h[k] /= n;
        for (int a = 0; a < d; a++) h[a * d + a] += l2;
        return h;
    }

    @Override public double[] point() { return new double[d]; }

    @Override public double minimum() { return minimum; }
}
