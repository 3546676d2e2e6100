package dev.descent.federated;

import dev.descent.linalg.Cholesky;

/**
 * OptEx with SGD (Shu, Fang, He and Yu, "OptEx: Expediting First-Order Optimization with Approximately
 * Parallelized Iterations", NeurIPS 2024, arXiv:2402.11427), as its authors' JAX code computes it
 * (youyve/OptEx commit {@code 26c4c9e38db7ec13c18ff1ab1672b529e65821ba}, {@code optex_jax/OptEx_JAX.py},
 * {@code run_optex} and {@code get_proxy_grad_func}). A kernel regression on the history of (point,
 * gradient) pairs predicts gradients, so the next N − 1 iterates can be guessed sequentially without
 * evaluating the objective, and the N true gradients at the guessed points are then evaluated in parallel.
 * One sequential iteration from x with parallelism N:
 * <pre>
 *   μ(x) = k(x/c, X/c) (k(X/c, X/c) + σ I)⁻¹ G         (kernelized gradient estimate; μ = 0 with &lt; 2 pairs)
 *   k(a, b) = (1 + √5 r + 5r²/3) exp(−√5 r),  r = ‖a − b‖/ℓ          (Matérn ν = 5/2, sklearn's {@code 1.0 * Matern})
 *   c = mean_j √‖X_j‖                                      (the code's normalisation, a square root of the norm)
 *   p_0 = x,  p_{k+1} = p_k − η μ(p_k)   (k &lt; N − 1)           (proxy iterates)
 *   g_k = ∇f(p_k; batch k),  x ← p_{N−1} − η g_{N−1}       (N gradients in parallel; the last one is kept, idx = −1)
 *   history ← the last {@code history} of history ∪ {(p_k, g_k)}
 * </pre>
 * Defaults, the code's: ℓ = 0.1, σ = 0.001, history 50; N is the user's ({@code optex_parallel}, 4 here).
 * Choices: SGD only (the code takes any optax optimizer; SGD has no state to carry through the proxy
 * steps); the regression is solved by Cholesky where the code inverts (the same matrix up to rounding), as
 * (K + σI)⁻¹k(x) per query rather than (K + σI)⁻¹G once (the same product, cheaper when d ≫ history).
 */
public final class OptEx {
    /** A stochastic gradient: evaluation k (0 … N − 1) of the current sequential iteration at point x. */
    @FunctionalInterface
    public interface StochasticGradient {
        void gradient(double[] x, int evaluation, double[] out);
    }

    private final int dim;
    private final int parallel;
    private final int historySize;
    private final double lengthScale;
    private final double noise;
    private final double learningRate;
    /** The history as a ring of slots: points, gradients, √‖point‖, and the pairwise squared distances of the slots. */
    private final double[][] points;
    private final double[][] grads;
    private final double[] rootNorms;
    private final double[][] squaredDistances;
    private int count;
    private int next;

    /**
     * @param dim          parameters d
     * @param parallel     N ≥ 1 (1 is plain SGD)
     * @param historySize  pairs kept, ≥ 2
     * @param lengthScale  ℓ > 0
     * @param noise        σ ≥ 0 added to the kernel matrix's diagonal
     * @param learningRate η > 0 of both the proxy and the real steps
     */
    public OptEx(int dim, int parallel, int historySize, double lengthScale, double noise, double learningRate) {
        if (parallel < 1) throw new IllegalArgumentException("optex_parallel must be >= 1, got " + parallel);
        if (historySize < 2) throw new IllegalArgumentException("optex_history must be >= 2, got " + historySize);
        if (!(lengthScale > 0)) throw new IllegalArgumentException("optex_lengthscale must be > 0, got " + lengthScale);
        if (!(noise >= 0)) throw new IllegalArgumentException("optex_noise must be >= 0, got " + noise);
        if (!(learningRate > 0)) throw new IllegalArgumentException("the OptEx learning rate must be > 0, got " + learningRate);
        this.dim = dim;
        this.parallel = parallel;
        this.historySize = historySize;
        this.lengthScale = lengthScale;
        this.noise = noise;
        this.learningRate = learningRate;
        this.points = new double[historySize][];
        this.grads = new double[historySize][];
        this.rootNorms = new double[historySize];
        this.squaredDistances = new double[historySize][historySize];
    }

    /** One sequential iteration: x (length d) is replaced by the kept iterate. */
    public void iterate(double[] x, StochasticGradient f) {
        Estimate mu = estimate();
        double[][] proxies = new double[parallel][];
        proxies[0] = x.clone();
        double[] guess = new double[dim];
        for (int k = 1; k < parallel; k++) {
            mu.at(proxies[k - 1], guess);
            proxies[k] = new double[dim];
            for (int i = 0; i < dim; i++) proxies[k][i] = proxies[k - 1][i] - learningRate * guess[i];
        }
        double[][] evaluated = new double[parallel][dim];
        for (int k = 0; k < parallel; k++) f.gradient(proxies[k], k, evaluated[k]);
        double[] last = proxies[parallel - 1];
        for (int i = 0; i < dim; i++) x[i] = last[i] - learningRate * evaluated[parallel - 1][i];
        for (int k = 0; k < parallel; k++) remember(proxies[k], evaluated[k]);
    }

    /** Adds a pair to the history, replacing the oldest when full; its distances to the others are computed once. */
    private void remember(double[] point, double[] gradient) {
        int slot = next;
        next = (next + 1) % historySize;
        count = Math.min(count + 1, historySize);
        points[slot] = point;
        grads[slot] = gradient;
        double sq = 0;
        for (double v : point) sq += v * v;
        rootNorms[slot] = Math.sqrt(Math.sqrt(sq));
        for (int j = 0; j < count; j++) {
            double d2 = j == slot ? 0 : squaredDistance(point, points[j]);
            squaredDistances[slot][j] = d2;
            squaredDistances[j][slot] = d2;
        }
    }

    private static double squaredDistance(double[] a, double[] b) {
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sq += d * d;
        }
        return sq;
    }

    /** The kernelized estimate μ at x from the current history (0 with fewer than two pairs). */
    double[] proxyGradient(double[] x) {
        double[] out = new double[dim];
        estimate().at(x, out);
        return out;
    }

    /** Pairs in the history. */
    int historyLength() { return count; }

    /**
     * The regression of the current history. With the Cholesky factor of K + σI (K from the cached distances
     * scaled by 1/c²), a query costs one kernel row, one triangular solve a = (K + σI)⁻¹k(x) and μ(x) = Σ_j a_j G_j.
     */
    private Estimate estimate() {
        int n = count;
        if (n < 2) return (x, out) -> java.util.Arrays.fill(out, 0);
        double c = 0;
        for (int j = 0; j < n; j++) c += rootNorms[j];
        double scale = c / n;
        double[] k = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) k[a * n + b] = matern(Math.sqrt(squaredDistances[a][b]) / scale) + (a == b ? noise : 0);
        }
        double[] lower = Cholesky.of(k, n).lower();
        return (x, out) -> {
            double[] a = new double[n];
            for (int j = 0; j < n; j++) a[j] = matern(Math.sqrt(squaredDistance(x, points[j])) / scale);
            for (int j = 0; j < n; j++) { // L y = k
                double s = a[j];
                for (int b = 0; b < j; b++) s -= lower[j * n + b] * a[b];
                a[j] = s / lower[j * n + j];
            }
            for (int j = n - 1; j >= 0; j--) { // Lᵀ a = y
                double s = a[j];
                for (int b = j + 1; b < n; b++) s -= lower[b * n + j] * a[b];
                a[j] = s / lower[j * n + j];
            }
            java.util.Arrays.fill(out, 0);
            for (int j = 0; j < n; j++) {
                double w = a[j];
                double[] g = grads[j];
                for (int i = 0; i < dim; i++) out[i] += w * g[i];
            }
        };
    }

    /** Matérn 5/2 with length scale ℓ and unit variance, of a distance between normalised points. */
    private double matern(double distance) {
        double r = distance / lengthScale;
        double s5 = Math.sqrt(5) * r;
        return (1 + s5 + 5 * r * r / 3) * Math.exp(-s5);
    }

    @FunctionalInterface
    private interface Estimate {
        void at(double[] x, double[] out);
    }
}
