package dev.descent.optim.problems;

import java.util.List;

/**
 * f(x, y) = (1 − x)² + 100 (y − x²)², started at (−1.2, 1.0); minimum 0 at (1, 1). One parameter
 * {@code xy} of shape [2].
 */
public final class Rosenbrock implements Problem {
    @Override
    public String name() { return "rosenbrock"; }

    @Override
    public List<String> names() { return List.of("xy"); }

    @Override
    public List<int[]> shapes() { return List.of(new int[] {2}); }

    @Override
    public float[] start() { return new float[] {-1.2f, 1.0f}; }

    @Override
    public double loss(float[] p) {
        double x = p[0];
        double y = p[1];
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    @Override
    public double lossAndGradient(float[] p, float[] g) {
        double x = p[0];
        double y = p[1];
        double r = y - x * x;
        g[0] = (float) (-2 * (1 - x) - 400 * x * r);
        g[1] = (float) (200 * r);
        return (1 - x) * (1 - x) + 100 * r * r;
    }

    @Override
    public void hessianVectorProduct(float[] p, float[] v, float[] out) {
        double x = p[0];
        double y = p[1];
        double hxx = 2 - 400 * (y - 3 * x * x);
        double hxy = -400 * x;
        double hyy = 200;
        out[0] = (float) (hxx * v[0] + hxy * v[1]);
        out[1] = (float) (hxy * v[0] + hyy * v[1]);
    }

    /** r = (1 − x, 10 (y − x²)). */
    @Override
    public int residuals() { return 2; }

    @Override
    public void jacobianTransposeTimes(float[] p, float[] e, float[] out) {
        double x = p[0];
        out[0] = (float) (-e[0] - 20 * x * e[1]);
        out[1] = (float) (10.0 * e[1]);
    }

    @Override
    public double minimumLoss() { return 0; }
}
