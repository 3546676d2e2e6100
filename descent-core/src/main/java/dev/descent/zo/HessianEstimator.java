package dev.descent.zo;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Randomised zeroth-order Hessian estimators at a point x from a budget of Q function evaluations,
 * all with Gaussian directions u_k ~ N(0, I) from {@link HessianDirections} (seed, step 0, query k)
 * and smoothing radius μ. In the policy-optimisation view of the ZoVH paper (Qiu et al., ICML 2026,
 * Prop. 3.2/3.3, Cor. 3.4/3.6) they differ only in the baseline b subtracted from f(x + μu):
 * <ul>
 *   <li>{@code stein1} (eq. 2, b = 0): Ĥ = (1/K) Σ f(x+μu_k)/μ² (u_k u_kᵀ − I), K = Q;</li>
 *   <li>{@code stein2} (eq. 3, anchor b = f(x)): Ĥ = (1/K) Σ (f(x+μu_k) − f(x))/μ² (u_k u_kᵀ − I), K = Q − 1;</li>
 *   <li>{@code stein3} (eq. 4, anchor + antithetic pairs): Ĥ = (1/(2K)) Σ (f⁺_k − 2f(x) + f⁻_k)/μ² (u_k u_kᵀ − I),
 *       f^±_k = f(x ± μu_k), K = ⌊(Q − 1)/2⌋ (the reference code's K' so the total stays within Q);</li>
 *   <li>{@code cd} (eq. 5, randomised central difference, rank-one, no identity correction):
 *       Ĥ = (1/(2K)) Σ (f⁺_k − 2f(x) + f⁻_k)/μ² u_k u_kᵀ, K = ⌊(Q − 1)/2⌋ — biased by tr(∇²f)·I/2
 *       for a quadratic, as the paper notes (Cor. 3.6);</li>
 *   <li>{@code zovh} (eq. 10, averaged baseline b̂ = mean of the K = Q values, rank-one form, 1/(K−1);
 *       see {@link ZovhEstimator}); at a fixed point all Q queries are fresh (query reuse needs an
 *       optimisation trajectory: {@link ZovhHistory});</li>
 *   <li>{@code stein-optimal} (not in the paper as an estimator: the sample version of its
 *       variance-optimal constant baseline, eq. 13, b* = E[f(x+μu) w(u)]/E[w(u)] with
 *       w(u) = ‖uuᵀ − I‖²_F = ‖u‖⁴ − 2‖u‖² + d, in the Stein form of Prop. 3.2): Ĥ = (1/K) Σ
 *       (f(x+μu_k) − b_k)/μ² (u_k u_kᵀ − I) with the leave-one-out b_k = Σ_{j≠k} w_j y_j / Σ_{j≠k} w_j,
 *       K = Q, so b_k is independent of u_k and the estimate stays unbiased (our choice).</li>
 * </ul>
 * Gradient estimates from the same queries: stein1/stein2/stein-optimal (1/K) Σ (y_k − b)/μ u_k;
 * stein3/cd (1/K) Σ (f⁺_k − f⁻_k)/(2μ) u_k; zovh eq. 6. The regularised inverse is the exact
 * (Ĥ + λI)⁻¹ for every estimator (by LU, which equals eq. 14 for ZoVH), and the product is
 * (Ĥ + λI)⁻¹ĝ for all of them; ZoVH's own approximations (eq. 15 inverse, eq. 16 bias-corrected
 * product) are in {@link ZovhEstimator} and compared separately by {@link HessianComparison}.
 */
public enum HessianEstimator {
    STEIN1("stein1", 1),
    STEIN2("stein2", 2),
    STEIN3("stein3", 3),
    CD("cd", 3),
    ZOVH("zovh", 3),
    STEIN_OPTIMAL("stein-optimal", 2);

    private final String cliName;
    private final int minQueries;

    HessianEstimator(String cliName, int minQueries) {
        this.cliName = cliName;
        this.minQueries = minQueries;
    }

    /** The name used on the command line and in results. */
    public String cliName() { return cliName; }

    /** The least query budget the estimator accepts. */
    public int minQueries() { return minQueries; }

    /** The estimator called {@code name}; the message lists the valid names otherwise. */
    public static HessianEstimator byName(String name) {
        for (HessianEstimator e : values()) if (e.cliName.equals(name)) return e;
        throw new IllegalArgumentException("unknown estimator '" + name + "'; valid: " + names());
    }

    /** Every valid name, comma separated. */
    public static String names() {
        return Arrays.stream(values()).map(HessianEstimator::cliName).collect(Collectors.joining(", "));
    }

    /**
     * The estimate at {@code x} from at most {@code queries} evaluations of {@code f}.
     *
     * @param lambda the ridge λ of the regularised inverse and the product
     * @param seed   keys the directions (step 0, query k)
     */
    public HessianEstimate estimate(ToDoubleFunction<double[]> f, double[] x, int queries, double mu, double lambda, long seed) {
        if (queries < minQueries) throw new IllegalArgumentException("queries must be >= " + minQueries + " for " + cliName + ", got " + queries);
        if (!(mu > 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("mu must be > 0, got " + mu);
        if (!(lambda > 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
        int d = x.length;
        return switch (this) {
            case ZOVH -> zovh(f, x, queries, mu, lambda, seed);
            case STEIN1, STEIN2, STEIN_OPTIMAL -> oneSided(f, x, queries, mu, lambda, seed, d);
            case STEIN3, CD -> antithetic(f, x, queries, mu, lambda, seed, d);
        };
    }

    private static HessianEstimate zovh(ToDoubleFunction<double[]> f, double[] x, int queries, double mu, double lambda, long seed) {
        int d = x.length;
        double[][] u = new double[queries][];
        double[] y = new double[queries];
        for (int k = 0; k < queries; k++) {
            u[k] = HessianDirections.gaussian(seed, 0, k, d);
            y[k] = f.applyAsDouble(shifted(x, u[k], mu));
        }
        double[] h = ZovhEstimator.hessian(u, y, mu);
        // eq. 14 is exact; for n > d the d × d LU costs less than the n × n Woodbury core.
        double[] inv = queries <= d ? ZovhEstimator.inverseWoodbury(u, y, mu, lambda)
                : HessianMatrices.inverse(HessianMatrices.plusDiagonal(h, d, lambda), d);
        double[] g = ZovhEstimator.gradient(u, y, mu);
        return new HessianEstimate(h, g, inv, HessianMatrices.times(inv, d, g), queries);
    }

    private HessianEstimate oneSided(ToDoubleFunction<double[]> f, double[] x, int queries, double mu, double lambda, long seed, int d) {
        int used = queries;
        double anchor = 0;
        int k = queries;
        if (this == STEIN2) {
            anchor = f.applyAsDouble(x.clone());
            k = queries - 1;
        }
        double[][] u = new double[k][];
        double[] y = new double[k];
        for (int j = 0; j < k; j++) {
            u[j] = HessianDirections.gaussian(seed, 0, j, d);
            y[j] = f.applyAsDouble(shifted(x, u[j], mu));
        }
        double[] b = new double[k];
        if (this == STEIN_OPTIMAL) {
            b = leaveOneOutOptimalBaselines(u, y);
        } else {
            Arrays.fill(b, anchor);
        }
        double[] h = new double[d * d];
        double[] g = new double[d];
        for (int j = 0; j < k; j++) {
            double w = (y[j] - b[j]) / (mu * mu) / k;
            addStein(h, u[j], w, d);
            double r = (y[j] - b[j]) / mu / k;
            for (int i = 0; i < d; i++) g[i] += r * u[j][i];
        }
        return finish(h, g, lambda, d, used);
    }

    private HessianEstimate antithetic(ToDoubleFunction<double[]> f, double[] x, int queries, double mu, double lambda, long seed, int d) {
        int k = (queries - 1) / 2;
        double f0 = f.applyAsDouble(x.clone());
        double[] h = new double[d * d];
        double[] g = new double[d];
        for (int j = 0; j < k; j++) {
            double[] u = HessianDirections.gaussian(seed, 0, j, d);
            double plus = f.applyAsDouble(shifted(x, u, mu));
            double minus = f.applyAsDouble(shifted(x, u, -mu));
            double w = (plus - 2 * f0 + minus) / (mu * mu) / (2.0 * k);
            if (this == STEIN3) addStein(h, u, w, d);
            else HessianMatrices.addOuter(h, d, w, u, u);
            double r = (plus - minus) / (2 * mu) / k;
            for (int i = 0; i < d; i++) g[i] += r * u[i];
        }
        return finish(h, g, lambda, d, 1 + 2 * k);
    }

    /**
     * Leave-one-out sample versions of the variance-optimal Stein baseline (eq. 13):
     * b_k = Σ_{j≠k} w_j y_j / Σ_{j≠k} w_j with w_j = ‖u_j u_jᵀ − I‖²_F = ‖u_j‖⁴ − 2‖u_j‖² + d.
     */
    public static double[] leaveOneOutOptimalBaselines(double[][] u, double[] y) {
        int k = y.length;
        int d = u[0].length;
        double[] w = new double[k];
        double sw = 0;
        double swy = 0;
        for (int j = 0; j < k; j++) {
            double n2 = ZovhEstimator.dot(u[j], u[j]);
            w[j] = n2 * n2 - 2 * n2 + d;
            sw += w[j];
            swy += w[j] * y[j];
        }
        double[] b = new double[k];
        for (int j = 0; j < k; j++) b[j] = (swy - w[j] * y[j]) / (sw - w[j]);
        return b;
    }

    private static HessianEstimate finish(double[] h, double[] g, double lambda, int d, int queries) {
        double[] inv = HessianMatrices.inverse(HessianMatrices.plusDiagonal(h, d, lambda), d);
        return new HessianEstimate(h, g, inv, HessianMatrices.times(inv, d, g), queries);
    }

    /** h += w (u uᵀ − I). */
    static void addStein(double[] h, double[] u, double w, int d) {
        HessianMatrices.addOuter(h, d, w, u, u);
        for (int i = 0; i < d; i++) h[i * d + i] -= w;
    }

    static double[] shifted(double[] x, double[] u, double mu) {
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) p[i] = x[i] + mu * u[i];
        return p;
    }
}
