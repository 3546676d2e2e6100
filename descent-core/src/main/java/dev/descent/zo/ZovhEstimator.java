package dev.descent.zo;

/**
 * The ZoVH estimators (Qiu, Hong, Xu, Shu, "Revisiting Zeroth-Order Hessian Approximation: A
 * Single-Step Policy Optimization Lens", ICML 2026, arXiv 2605.30960; author code Qjbtiger/ZoVH) over
 * a set of n (direction, value) pairs (u_j, y_j = f(θ_j + μ u_j)) — the K fresh queries of one
 * iteration, or with query reuse the N·K pairs of the history buffer (eq. 10). f(θ) itself is never
 * queried. With the averaged baseline and ν_j the scaled deviations
 * <pre>
 *   b̂ = (1/n) Σ_j y_j,        ν_j = (y_j − b̂)/μ²,
 * </pre>
 * the suite is
 * <ul>
 *   <li>Hessian (eq. 9/10, Def. 4.1/4.2): Ĥ = (1/(n−1)) Σ_j ν_j u_j u_jᵀ — unbiased for ∇²F_μ
 *       (Thm. 4.6); the 1/(n−1) corrects for b̂ being a sample mean;</li>
 *   <li>gradient (eq. 6): ĝ = (1/(n−1)) Σ_j ((y_j − b̂)/μ) u_j;</li>
 *   <li>exact regularised inverse (eq. 14, Woodbury): with U = [u_1 … u_n], D = diag(ν_j/(n−1)),
 *       (Ĥ + λI)⁻¹ = I/λ − U (D⁻¹ + UᵀU/λ)⁻¹ Uᵀ/λ² (needs every ν_j ≠ 0);</li>
 *   <li>approximate inverse (eq. 15, UᵀU replaced by its diagonal; exact for pairwise orthogonal u_j):
 *       H̃⁻¹ = I/λ − Σ_j ν_j/(λ²(n−1) + λ ν_j ‖u_j‖²) u_j u_jᵀ;</li>
 *   <li>bias-corrected inverse-Hessian–gradient product (eq. 16, Def. 5.3; eq. 122 with reuse):
 *       p = Σ_j (μ ν_j/λ) [1/(n−1) − (c_j/(n−2))/(λ(n−1) + ν_j ‖u_j‖²)] u_j with the leave-one-out
 *       c_j = u_jᵀ Σ_{i≠j} ν_i u_i = u_jᵀ s − ν_j ‖u_j‖², s = Σ_i ν_i u_i. It is computed in the
 *       factored O(nd) form of the reference code (spec 01_zovh.md, "equivalent factored form"):
 *       a_j = ν_j/(λ(n−1) + ν_j‖u_j‖²), e_j = ((n−1) u_jᵀĝ − ((y_j − b̂)/μ)‖u_j‖²)/(n−2),
 *       p = (ĝ − Σ_j a_j e_j u_j)/λ.</li>
 * </ul>
 * Importance weights are 𝒲 ≡ 1 as in every reference configuration (historical pairs are used as if
 * on-policy). Nothing is guarded against the singular denominators λ(n−1) + ν_j‖u_j‖² ≈ 0 (the
 * reference does nothing either; Thm. 5.2 assumes them bounded away from 0): a zero one gives a
 * non-finite result, which callers see. n ≥ 3 is required by the product (division by n − 2) and
 * n ≥ 2 by the others.
 *
 * <p>All arithmetic is in double; matrices are d × d row-major {@code double[]}; {@code u[j]} is
 * direction j.
 */
public final class ZovhEstimator {
    private ZovhEstimator() {}

    /** The averaged baseline b̂ = mean of y (eq. 8/10). */
    public static double baseline(double[] y) {
        double s = 0;
        for (double v : y) s += v;
        return s / y.length;
    }

    /** ν_j = (y_j − b̂)/μ². */
    public static double[] nu(double[] y, double mu) {
        double b = baseline(y);
        double[] nu = new double[y.length];
        for (int j = 0; j < y.length; j++) nu[j] = (y[j] - b) / (mu * mu);
        return nu;
    }

    /** Ĥ = (1/(n−1)) Σ ν_j u_j u_jᵀ (eq. 10). */
    public static double[] hessian(double[][] u, double[] y, double mu) {
        check(u, y, mu, 2);
        int n = y.length;
        int d = u[0].length;
        double[] nu = nu(y, mu);
        double[] h = new double[d * d];
        for (int j = 0; j < n; j++) {
            HessianMatrices.addOuter(h, d, nu[j] / (n - 1), u[j], u[j]);
        }
        return h;
    }

    /** ĝ = (1/(n−1)) Σ ((y_j − b̂)/μ) u_j (eq. 6). */
    public static double[] gradient(double[][] u, double[] y, double mu) {
        check(u, y, mu, 2);
        int n = y.length;
        int d = u[0].length;
        double b = baseline(y);
        double[] g = new double[d];
        for (int j = 0; j < n; j++) {
            double r = (y[j] - b) / mu / (n - 1);
            for (int i = 0; i < d; i++) g[i] += r * u[j][i];
        }
        return g;
    }

    /** (Ĥ + λI)⁻¹ by the Woodbury identity (eq. 14); O(n d² + n³). */
    public static double[] inverseWoodbury(double[][] u, double[] y, double mu, double lambda) {
        check(u, y, mu, 2);
        checkLambda(lambda);
        int n = y.length;
        int d = u[0].length;
        double[] nu = nu(y, mu);
        // M = D⁻¹ + UᵀU/λ (n × n)
        double[] m = new double[n * n];
        for (int j = 0; j < n; j++) {
            if (nu[j] == 0) throw new IllegalArgumentException("eq. 14 needs every nu_j != 0; nu_" + j + " = 0 (two equal function values at the baseline)");
            for (int k = 0; k < n; k++) m[j * n + k] = dot(u[j], u[k]) / lambda;
            m[j * n + j] += (n - 1) / nu[j];
        }
        double[] mInv = HessianMatrices.inverse(m, n);
        double[] out = HessianMatrices.scaledIdentity(d, 1 / lambda);
        // out −= U M⁻¹ Uᵀ / λ²: first W = M⁻¹ Uᵀ (n × d), then out[a][b] −= Σ_j u_j[a] W[j][b] / λ²
        double[][] w = new double[n][d];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                double c = mInv[j * n + k];
                for (int b = 0; b < d; b++) w[j][b] += c * u[k][b];
            }
        }
        double s = 1 / (lambda * lambda);
        for (int j = 0; j < n; j++) HessianMatrices.addOuter(out, d, -s, u[j], w[j]);
        return out;
    }

    /** H̃⁻¹ = I/λ − Σ_j ν_j/(λ²(n−1) + λν_j‖u_j‖²) u_j u_jᵀ (eq. 15). */
    public static double[] inverseApprox(double[][] u, double[] y, double mu, double lambda) {
        check(u, y, mu, 2);
        checkLambda(lambda);
        int n = y.length;
        int d = u[0].length;
        double[] nu = nu(y, mu);
        double[] out = HessianMatrices.scaledIdentity(d, 1 / lambda);
        for (int j = 0; j < n; j++) {
            double c = nu[j] / (lambda * lambda * (n - 1) + lambda * nu[j] * dot(u[j], u[j]));
            HessianMatrices.addOuter(out, d, -c, u[j], u[j]);
        }
        return out;
    }

    /** The bias-corrected product p ≈ (∇²F + λI)⁻¹∇F, eq. 16/122, factored O(nd) form. */
    public static double[] product(double[][] u, double[] y, double mu, double lambda) {
        check(u, y, mu, 3);
        checkLambda(lambda);
        int n = y.length;
        int d = u[0].length;
        double b = baseline(y);
        double[] g = gradient(u, y, mu);
        double[] p = g.clone();
        for (int j = 0; j < n; j++) {
            double r = (y[j] - b) / mu;
            double nuj = r / mu;
            double norm2 = dot(u[j], u[j]);
            double a = nuj / (lambda * (n - 1) + nuj * norm2);
            double e = ((n - 1) * dot(u[j], g) - r * norm2) / (n - 2);
            double c = a * e;
            for (int i = 0; i < d; i++) p[i] -= c * u[j][i];
        }
        for (int i = 0; i < d; i++) p[i] /= lambda;
        return p;
    }

    /** Eq. 16 exactly as printed (explicit leave-one-out sums, O(n²d)); for tests of {@link #product}. */
    public static double[] productAsPrinted(double[][] u, double[] y, double mu, double lambda) {
        check(u, y, mu, 3);
        checkLambda(lambda);
        int n = y.length;
        int d = u[0].length;
        double[] nu = nu(y, mu);
        double[] p = new double[d];
        for (int k = 0; k < n; k++) {
            double c = 0;
            for (int j = 0; j < n; j++) if (j != k) c += nu[j] * dot(u[k], u[j]);
            double coef = mu * nu[k] * (1 / (lambda * (n - 1))
                    - (c / (n - 2)) / (lambda * lambda * (n - 1) + lambda * nu[k] * dot(u[k], u[k])));
            for (int i = 0; i < d; i++) p[i] += coef * u[k][i];
        }
        return p;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void check(double[][] u, double[] y, double mu, int minPairs) {
        if (u.length != y.length) throw new IllegalArgumentException(u.length + " directions but " + y.length + " values");
        if (y.length < minPairs) throw new IllegalArgumentException("needs at least " + minPairs + " (direction, value) pairs, got " + y.length);
        if (!(mu > 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("mu must be > 0, got " + mu);
        for (double[] uj : u) if (uj.length != u[0].length) throw new IllegalArgumentException("directions of different lengths");
    }

    private static void checkLambda(double lambda) {
        if (!(lambda > 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
    }
}
