package dev.descent.optim.problems;

import java.util.List;

/**
 * f(x) = ½ Σ_{i=0}^{9} (i + 1) x_i², started at x_i = 1; minimum 0 at the origin; condition
 * number 10. One parameter {@code x} of shape [10].
 */
public final class Quadratic implements Problem {
    public static final int N = 10;

    @Override
    public String name() { return "quadratic"; }

    @Override
    public List<String> names() { return List.of("x"); }

    @Override
    public List<int[]> shapes() { return List.of(new int[] {N}); }

    @Override
    public float[] start() {
        float[] s = new float[N];
        java.util.Arrays.fill(s, 1f);
        return s;
    }

    @Override
    public double loss(float[] p) {
        double f = 0;
        for (int i = 0; i < N; i++) f += 0.5 * (i + 1) * (double) p[i] * p[i];
        return f;
    }

    @Override
    public double lossAndGradient(float[] p, float[] g) {
        for (int i = 0; i < N; i++) g[i] = (float) ((i + 1) * (double) p[i]);
        return loss(p);
    }

    @Override
    public void hessianVectorProduct(float[] p, float[] v, float[] out) {
        for (int i = 0; i < N; i++) out[i] = (float) ((i + 1) * (double) v[i]);
    }

    /** r_i = √(i+1) · x_i. */
    @Override
    public int residuals() { return N; }

    @Override
    public void jacobianTransposeTimes(float[] p, float[] e, float[] out) {
        for (int i = 0; i < N; i++) out[i] = (float) (Math.sqrt(i + 1) * e[i]);
    }

    @Override
    public double minimumLoss() { return 0; }
}
