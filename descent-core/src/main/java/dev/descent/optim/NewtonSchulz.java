package dev.descent.optim;

import dev.descent.tensor.Gemm;

/**
 * Muon's quintic Newton–Schulz iteration ("zeropower", NS5): an approximate orthogonalisation
 * G = U S Vᵀ ↦ U S′ Vᵀ with S′ roughly in (0.5, 1.5), as in KellerJordan/Muon
 * ({@code zeropower_via_newtonschulz5}, see {@code specs/05_muon.md}):
 * <pre>
 *   X = G, transposed when rows &gt; cols (iterate on the wide orientation, so X Xᵀ is the small Gram matrix)
 *   X ← X / (‖X‖_F + 1e-7)
 *   repeat steps times:  A = X Xᵀ;  B = b·A + c·A·A;  X ← a·X + B·X      (a, b, c) = (3.4445, −4.7750, 2.0315)
 *   transpose back
 * </pre>
 * Two paths:
 * <ul>
 *   <li>an instance is a float32 workspace for matrices up to a given size; {@link #apply} runs the
 *       iteration with {@link Gemm} products and allocates nothing (optimizers keep one in
 *       {@link OptState#cached}). The Frobenius norm is accumulated in double. The reference runs in
 *       bfloat16; float32 is strictly more accurate and differs from a float64 run by about
 *       1e-6 relative (the iteration amplifies rounding by at most ≈ a⁵ ≈ 500×).</li>
 *   <li>{@link #orthogonalize(double[], int, int, int)}: a plain float64 reference (allocating) for
 *       tests and golden values.</li>
 * </ul>
 */
public final class NewtonSchulz {
    public static final double A = 3.4445;
    public static final double B = -4.7750;
    public static final double C = 2.0315;
    /** Added to the Frobenius norm before dividing. */
    public static final double NORM_EPS = 1e-7;

    private final int maxSmall;
    private final int maxElements;
    private float[] x;
    private float[] y;
    private final float[] gram;
    private final float[] poly;

    /**
     * A workspace for every matrix with min(rows, cols) ≤ {@code maxSmall} and rows·cols ≤
     * {@code maxElements}.
     */
    public NewtonSchulz(int maxSmall, int maxElements) {
        if (maxSmall < 1 || maxElements < 1) throw new IllegalArgumentException("workspace sizes must be positive");
        this.maxSmall = maxSmall;
        this.maxElements = maxElements;
        this.x = new float[maxElements];
        this.y = new float[maxElements];
        this.gram = new float[maxSmall * maxSmall];
        this.poly = new float[maxSmall * maxSmall];
    }

    /** A workspace large enough for every matrix parameter of {@code params} (vectors count as 1×n). */
    public static NewtonSchulz forParams(ParamSet params) {
        int small = 1;
        int elements = 1;
        for (ParamSlot s : params.slots()) {
            small = Math.max(small, Math.min(s.rows(), s.cols()));
            elements = Math.max(elements, s.size());
        }
        return new NewtonSchulz(small, elements);
    }

    /**
     * Writes NS(G) for the rows×cols row-major matrix G at {@code in[inOff..]} into
     * {@code out[outOff..]} (which may be the same range). Allocates nothing.
     */
    public void apply(float[] in, int inOff, int rows, int cols, float[] out, int outOff, int steps) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        int s = Math.min(rows, cols);
        int l = Math.max(rows, cols);
        if (s > maxSmall || (long) s * l > maxElements) {
            throw new IllegalArgumentException(rows + "x" + cols + " exceeds this Newton-Schulz workspace");
        }
        boolean tall = rows > cols;
        float[] xs = x;
        float[] ys = y;
        double sq = 0;
        for (int i = 0; i < rows * cols; i++) {
            double v = in[inOff + i];
            sq += v * v;
        }
        float inv = (float) (1.0 / (Math.sqrt(sq) + NORM_EPS));
        if (tall) {
            // X (cols×rows) = Gᵀ / norm
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) xs[c * rows + r] = in[inOff + r * cols + c] * inv;
            }
        } else {
            for (int i = 0; i < rows * cols; i++) xs[i] = in[inOff + i] * inv;
        }
        float a = (float) A;
        float b = (float) B;
        for (int it = 0; it < steps; it++) {
            // gram = X Xᵀ (s×s)
            Gemm.gemm(false, true, s, s, l, 1f, xs, 0, l, xs, 0, l, 0f, gram, 0, s);
            // poly = c·gram·gram + b·gram
            Gemm.gemm(false, false, s, s, s, (float) C, gram, 0, s, gram, 0, s, 0f, poly, 0, s);
            for (int i = 0; i < s * s; i++) poly[i] += b * gram[i];
            // Y = a·X + poly·X
            for (int i = 0; i < s * l; i++) ys[i] = a * xs[i];
            Gemm.gemm(false, false, s, l, s, 1f, poly, 0, s, xs, 0, l, 1f, ys, 0, l);
            float[] t = xs;
            xs = ys;
            ys = t;
        }
        if (tall) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) out[outOff + r * cols + c] = xs[c * rows + r];
            }
        } else {
            System.arraycopy(xs, 0, out, outOff, rows * cols);
        }
    }

    /**
     * The float64 reference: NS applied {@code steps} times to the rows×cols row-major matrix
     * {@code g}, as a new array (the same arithmetic order as the numpy worked examples).
     */
    public static double[] orthogonalize(double[] g, int rows, int cols, int steps) {
        if (g.length != rows * cols) throw new IllegalArgumentException("matrix has " + g.length + " values, expected " + rows * cols);
        boolean tall = rows > cols;
        int s = Math.min(rows, cols);
        int l = Math.max(rows, cols);
        double[] xs = new double[s * l];
        double sq = 0;
        for (double v : g) sq += v * v;
        double norm = Math.sqrt(sq) + NORM_EPS;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = g[r * cols + c] / norm;
                if (tall) xs[c * rows + r] = v;
                else xs[r * cols + c] = v;
            }
        }
        double[] gramM = new double[s * s];
        double[] polyM = new double[s * s];
        double[] ys = new double[s * l];
        for (int it = 0; it < steps; it++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    double acc = 0;
                    for (int k = 0; k < l; k++) acc += xs[i * l + k] * xs[j * l + k];
                    gramM[i * s + j] = acc;
                }
            }
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    double acc = 0;
                    for (int k = 0; k < s; k++) acc += gramM[i * s + k] * gramM[k * s + j];
                    polyM[i * s + j] = B * gramM[i * s + j] + C * acc;
                }
            }
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < l; j++) {
                    double acc = 0;
                    for (int k = 0; k < s; k++) acc += polyM[i * s + k] * xs[k * l + j];
                    ys[i * l + j] = A * xs[i * l + j] + acc;
                }
            }
            double[] t = xs;
            xs = ys;
            ys = t;
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) out[r * cols + c] = tall ? xs[c * rows + r] : xs[r * cols + c];
        }
        return out;
    }
}
