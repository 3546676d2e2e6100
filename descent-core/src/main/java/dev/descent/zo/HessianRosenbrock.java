package dev.descent.zo;

/**
 * The n-dimensional Rosenbrock function (the "extended" chained form of scipy.optimize.rosen):
 * f(x) = Σ_{i=0}^{d−2} [100 (x_{i+1} − x_i²)² + (1 − x_i)²], minimum 0 at (1, …, 1).
 * Gradient and Hessian are exact (as scipy's rosen_der / rosen_hess):
 * ∂f/∂x_i = −400 x_i (x_{i+1} − x_i²) − 2(1 − x_i) + 200 (x_i − x_{i−1}²) (terms present when the index exists);
 * H_ii = 1200 x_i² − 400 x_{i+1} + 2 (i &lt; d−1) plus 200 (i &gt; 0); H_{i,i+1} = H_{i+1,i} = −400 x_i.
 * Comparison point and start: the classical (−1.2, 1, −1.2, 1, …).
 */
public final class HessianRosenbrock implements HessianFunction {
    private final int d;

    public HessianRosenbrock(int d) {
        if (d < 2) throw new IllegalArgumentException("dim must be >= 2 for rosenbrock, got " + d);
        this.d = d;
    }

    @Override public String name() { return "rosenbrock"; }
    @Override public int dim() { return d; }

    @Override
    public double value(double[] x) {
        double s = 0;
        for (int i = 0; i < d - 1; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    @Override
    public double[] gradient(double[] x) {
        double[] g = new double[d];
        for (int i = 0; i < d - 1; i++) {
            double a = x[i + 1] - x[i] * x[i];
            g[i] += -400 * x[i] * a - 2 * (1 - x[i]);
            g[i + 1] += 200 * a;
        }
        return g;
    }

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

    @Override
    public double[] point() {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) x[i] = i % 2 == 0 ? -1.2 : 1.0;
        return x;
    }

    @Override public double minimum() { return 0; }
}
