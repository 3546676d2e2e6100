package dev.descent.zo;

import java.util.function.ToDoubleFunction;

/**
 * ZoVH's curvature-aware zeroth-order algorithm (paper Alg. 1) on a double-precision objective:
 * each iteration t draws K Gaussian directions u_{t,k} (from {@link HessianDirections}, key
 * (seed, t, k)), queries y_{t,k} = f(θ_t + μu_{t,k}) — K evaluations, f(θ_t) itself is not queried —,
 * appends the pairs to the N·K history ({@link ZovhHistory}), and steps
 * θ_{t+1} = θ_t − η p with p the bias-corrected product of eq. 16 (N = 1) / eq. 122 (N &gt; 1) over
 * every pair in the history ({@link ZovhEstimator#product}); plain SGD as in every reference
 * configuration. Defaults follow the synthetic configuration of the reference
 * ({@code synthetic.yaml}, paper Tab. 5): K = 3, μ = 0.1, λ = 0.1, N = 4 ({@code num_histories: 3}
 * plus the current iteration); η has no universal default (1e-5 there for d = 10⁴) and is required.
 * The first iteration runs with only K pairs (n = K ≥ 3 is needed for the n − 2 of eq. 16).
 */
public final class CurvatureAwareZo {
    private final ToDoubleFunction<double[]> f;
    private final double[] theta;
    private final double mu;
    private final double lambda;
    private final double lr;
    private final int k;
    private final ZovhHistory history;
    private final long seed;
    private long step;
    private long queries;

    /**
     * @param start      θ_0 (copied)
     * @param k          directions per iteration K (≥ 3 — the product divides by n − 2 and the first
     *                   iteration has n = K)
     * @param histories  history length N (≥ 1; 1 = no reuse)
     */
    public CurvatureAwareZo(ToDoubleFunction<double[]> f, double[] start, double lr, double mu, double lambda, int k, int histories, long seed) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(mu > 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("mu must be > 0, got " + mu);
        if (!(lambda > 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
        if (k < 3) throw new IllegalArgumentException("queries per iteration (K) must be >= 3, got " + k);
        this.f = f;
        this.theta = start.clone();
        this.lr = lr;
        this.mu = mu;
        this.lambda = lambda;
        this.k = k;
        this.history = new ZovhHistory(histories, k);
        this.seed = seed;
    }

    /** One iteration of Alg. 1 (K function evaluations). */
    public void step() {
        int d = theta.length;
        for (int q = 0; q < k; q++) {
            double[] u = HessianDirections.gaussian(seed, step, q, d);
            history.add(u, f.applyAsDouble(HessianEstimator.shifted(theta, u, mu)));
        }
        queries += k;
        double[] p = ZovhEstimator.product(history.directions(), history.values(), mu, lambda);
        for (int i = 0; i < d; i++) theta[i] -= lr * p[i];
        step++;
    }

    /** The current iterate (a view; do not modify). */
    public double[] theta() { return theta; }

    /** Function evaluations so far. */
    public long queries() { return queries; }

    /** Iterations so far. */
    public long steps() { return step; }
}
