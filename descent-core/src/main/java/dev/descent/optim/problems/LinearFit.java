package dev.descent.optim.problems;

import java.util.List;

/**
 * A tiny linear least-squares fit with a matrix {@code w} [2, 3] and a vector {@code b} [2], so
 * matrix-aware optimizers see both kinds of parameter (the benchmark harness builds every optimizer
 * setting of a grid over it before any run starts, to refuse a bad setting early). r_j = W x_j + b − y_j for four fixed inputs x_j, with y_j = W* x_j + b*
 * (minimum 0); f = ½ Σ_j ‖r_j‖².
 */
public final class LinearFit implements Problem {
    private static final int OUT = 2;
    private static final int IN = 3;
    private static final double[][] X = {{1, 0, 0.5}, {0, 1, -0.5}, {1, 1, 1}, {-1, 0.5, 0}};
    private static final double[][] W_STAR = {{0.5, -1, 0.25}, {1, 0.5, -0.5}};
    private static final double[] B_STAR = {0.1, -0.2};
    /** y_j = W* x_j + b*, the targets. */
    private static final double[][] Y = targets();

    @Override
    public String name() { return "linear-fit"; }

    @Override
    public List<String> names() { return List.of("w", "b"); }

    @Override
    public List<int[]> shapes() { return List.of(new int[] {OUT, IN}, new int[] {OUT}); }

    @Override
    public float[] start() { return new float[OUT * IN + OUT]; }

    private static double[][] targets() {
        double[][] y = new double[X.length][OUT];
        for (int j = 0; j < X.length; j++) {
            for (int o = 0; o < OUT; o++) {
                double s = 0;
                for (int i = 0; i < IN; i++) s += W_STAR[o][i] * X[j][i];
                y[j][o] = s + B_STAR[o];
            }
        }
        return y;
    }

    /** W x_j + b for the parameters (or direction) {@code p} laid out as [w, b]. */
    private static double[][] predict(float[] p) {
        double[][] r = new double[X.length][OUT];
        for (int j = 0; j < X.length; j++) {
            for (int o = 0; o < OUT; o++) {
                double s = p[OUT * IN + o];
                for (int i = 0; i < IN; i++) s += p[o * IN + i] * X[j][i];
                r[j][o] = s;
            }
        }
        return r;
    }

    private static double[][] residual(float[] p) {
        double[][] r = predict(p);
        for (int j = 0; j < X.length; j++) for (int o = 0; o < OUT; o++) r[j][o] -= Y[j][o];
        return r;
    }

    @Override
    public double loss(float[] p) {
        double f = 0;
        for (double[] r : residual(p)) for (double v : r) f += 0.5 * v * v;
        return f;
    }

    @Override
    public double lossAndGradient(float[] p, float[] g) {
        double[][] r = residual(p);
        jt(r, g);
        double f = 0;
        for (double[] row : r) for (double v : row) f += 0.5 * v * v;
        return f;
    }

    /** Jᵀ e for a residual-shaped e ([4][2]). */
    private static void jt(double[][] e, float[] out) {
        java.util.Arrays.fill(out, 0f);
        for (int o = 0; o < OUT; o++) {
            double sb = 0;
            for (int i = 0; i < IN; i++) {
                double s = 0;
                for (int j = 0; j < X.length; j++) s += e[j][o] * X[j][i];
                out[o * IN + i] = (float) s;
            }
            for (int j = 0; j < X.length; j++) sb += e[j][o];
            out[OUT * IN + o] = (float) sb;
        }
    }

    /** H v = Jᵀ J v (the problem is linear in its parameters). */
    @Override
    public void hessianVectorProduct(float[] p, float[] v, float[] out) {
        jt(predict(v), out);
    }

    @Override
    public int residuals() { return X.length * OUT; }

    @Override
    public void jacobianTransposeTimes(float[] p, float[] e, float[] out) {
        double[][] m = new double[X.length][OUT];
        for (int j = 0; j < X.length; j++) for (int o = 0; o < OUT; o++) m[j][o] = e[j * OUT + o];
        jt(m, out);
    }

    @Override
    public double minimumLoss() { return 0; }
}
