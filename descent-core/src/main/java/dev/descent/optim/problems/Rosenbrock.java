package dev.descent.optim.problems;

import java.util.List;

/**
 * The Rosenbrock function in d ≥ 2 dimensions, in the "extended" chained form of
 * scipy.optimize.rosen: f(x) = Σ_{i=0}^{d−2} [100 (x_{i+1} − x_i²)² + (1 − x_i)²], minimum 0 at
 * (1, …, 1), started at the classical (−1.2, 1, −1.2, 1, …). For d = 2 this is the textbook
 * f(x, y) = (1 − x)² + 100 (y − x²)² from (−1.2, 1.0), the {@code rosenbrock} of {@link Problems}
 * (one parameter {@code xy} of shape [2]); other dimensions name their parameter {@code x}.
 *
 * <p>Derivatives are exact (as scipy's rosen_der / rosen_hess):
 * ∂f/∂x_i = −400 x_i (x_{i+1} − x_i²) − 2(1 − x_i) + 200 (x_i − x_{i−1}²) (terms present when the
 * index exists); the Hessian is tridiagonal with H_ii = 1200 x_i² − 400 x_{i+1} + 2 (i &lt; d−1) plus
 * 200 (i &gt; 0) and H_{i,i+1} = H_{i+1,i} = −400 x_i. As a sum of squares the residuals are
 * r = (1 − x_i, 10 (x_{i+1} − x_i²)) for i = 0 … d−2.
 *
 * <p>The same function serves the optimizer traces (float32 parameters, {@link Problem}) and the
 * zeroth-order Hessian comparisons (double, {@link SmoothFunction}); both evaluate in double through
 * the same loss and gradient formulas. The one place the two uses round differently is the Hessian's
 * diagonal: {@link #hessian} sums scipy's expanded form and {@link #hessianVectorProduct} the factored
 * form 2 − 400 (x_{i+1} − 3 x_i²); both are kept so that the recorded ZoVH results and the optimizer
 * traces (Sophia's curvature) stay bit-identical. {@code RosenbrockTest} checks they agree.
 */
public final class Rosenbrock implements Problem, SmoothFunction {
    private final int d;

    /** The two-dimensional function (x, y). */
    public Rosenbrock() {
        this(2);
    }

    public Rosenbrock(int d) {
        if (d < 2) throw new IllegalArgumentException("dim must be >= 2 for rosenbrock, got " + d);
        this.d = d;
    }

    @Override public String name() { return "rosenbrock"; }
    @Override public int dim() { return d; }

    @Override
    public List<String> names() { return List.of(d == 2 ? "xy" : "x"); }

    @Override
    public List<int[]> shapes() { return List.of(new int[] {d}); }

    @Override
    public double[] point() {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) x[i] = i % 2 == 0 ? -1.2 : 1.0;
        return x;
    }

    @Override
    public float[] start() { return toFloat(point()); }

    @Override public double minimum() { return 0; }
    @Override public double minimumLoss() { return 0; }

    @Override
    public double value(double[] x) {
        double s = 0;
        for (int i = 0; i < d - 1; i++) {
            double b = 1 - x[i];
            double a = x[i + 1] - x[i] * x[i];
            s += b * b + 100 * a * a;
        }
        return s;
    }

    /**
     * ∇f; each component is its one or two terms added directly (no accumulation from +0), so the
     * sign of a zero gradient is that of the formula.
     */
    @Override
    public double[] gradient(double[] x) {
        double[] g = new double[d];
        for (int i = 0; i < d; i++) {
            double gi = 0;
            if (i < d - 1) gi = -2 * (1 - x[i]) - 400 * x[i] * (x[i + 1] - x[i] * x[i]);
            if (i > 0) {
                double t = 200 * (x[i] - x[i - 1] * x[i - 1]);
                gi = i < d - 1 ? gi + t : t;
            }
            g[i] = gi;
        }
        return g;
    }

    /**
     * ∇²f written as scipy's rosen_hess writes it: H_ii = 1200 x_i² − 400 x_{i+1} + 2 (i &lt; d−1)
     * plus 200 (i &gt; 0), summed in that order; the ZoVH Hessian results were recorded with it.
     */
    @Override
    public double[] hessian(double[] x) {
        double[] h = new double[d * d];
        for (int i = 0; i < d - 1; i++) {
            h[i * d + i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            h[(i + 1) * d + i + 1] += 200;
            h[i * d + i + 1] = -400 * x[i];
            h[(i + 1) * d + i] = -400 * x[i];
        }
        return h;
    }

    /** H_ii in the factored form 2 − 400 (x_{i+1} − 3 x_i²) (+ 200), the optimizer traces' form. */
    private double diagonal(double[] x, int i) {
        if (i == d - 1) return 200;
        double h = 2 - 400 * (x[i + 1] - 3 * x[i] * x[i]);
        return i > 0 ? h + 200 : h;
    }

    @Override
    public double loss(float[] p) { return value(toDouble(p)); }

    @Override
    public double lossAndGradient(float[] p, float[] g) {
        double[] x = toDouble(p);
        double[] grad = gradient(x);
        for (int i = 0; i < d; i++) g[i] = (float) grad[i];
        return value(x);
    }

    /** (H v)_i = H_{i,i−1} v_{i−1} + H_ii v_i + H_{i,i+1} v_{i+1}, in that order. */
    @Override
    public void hessianVectorProduct(float[] p, float[] v, float[] out) {
        double[] x = toDouble(p);
        for (int i = 0; i < d; i++) {
            double s = diagonal(x, i) * v[i];
            if (i > 0) s = -400 * x[i - 1] * v[i - 1] + s;
            if (i < d - 1) s += -400 * x[i] * v[i + 1];
            out[i] = (float) s;
        }
    }

    @Override
    public int residuals() { return 2 * (d - 1); }

    /** e = (e_{2i}, e_{2i+1}) pairs the residuals (1 − x_i, 10 (x_{i+1} − x_i²)). */
    @Override
    public void jacobianTransposeTimes(float[] p, float[] e, float[] out) {
        for (int i = 0; i < d; i++) {
            double s = 0;
            double xi = p[i];
            if (i < d - 1) s = -e[2 * i] - 20 * xi * e[2 * i + 1];
            if (i > 0) {
                double t = 10.0 * e[2 * i - 1];
                s = i < d - 1 ? s + t : t;
            }
            out[i] = (float) s;
        }
    }

    private static double[] toDouble(float[] p) {
        double[] x = new double[p.length];
        for (int i = 0; i < p.length; i++) x[i] = p[i];
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) p[i] = (float) x[i];
        return p;
    }
}
