package dev.descent.zo;

import dev.descent.optim.problems.SmoothFunction;

/**
 * One estimator against the truth at a function's documented point: relative Frobenius errors
 * ‖Ĥ − H‖_F/‖H‖_F, ‖(Ĥ+λI)⁻¹ − (H+λI)⁻¹‖_F/‖(H+λI)⁻¹‖_F, ‖p̂ − (H+λI)⁻¹∇f‖/‖(H+λI)⁻¹∇f‖ (p̂ the
 * estimator's product, see {@link HessianEstimate}), ‖ĝ − ∇f‖/‖∇f‖, and for ZoVH also the error of
 * the approximate inverse of eq. 15. The reference is the exact Hessian ∇²f, not the smoothed ∇²F_μ.
 *
 * @param inverseEq15Error NaN for estimators other than zovh
 */
public record HessianComparison(String function, int dim, String estimator, int queries, int queriesUsed, double mu, double lambda, long seed,
                                double hessianError, double inverseError, double productError, double gradientError, double inverseEq15Error,
                                double productEq16Error) {

    /** Runs {@code estimator} on {@code f} at {@code f.point()} and compares. */
    public static HessianComparison run(SmoothFunction f, HessianEstimator estimator, int queries, double mu, double lambda, long seed) {
        return run(f, f.point(), estimator, queries, mu, lambda, seed);
    }

    /** Runs {@code estimator} on {@code f} at the point {@code x} (length {@code f.dim()}) and compares. */
    public static HessianComparison run(SmoothFunction f, double[] x, HessianEstimator estimator, int queries, double mu, double lambda, long seed) {
        int d = f.dim();
        if (x.length != d) throw new IllegalArgumentException("point has " + x.length + " coordinates, " + f.name() + " has dim " + d);
        x = x.clone();
        double[] h = f.hessian(x);
        double[] g = f.gradient(x);
        double[] inv = HessianMatrices.inverse(HessianMatrices.plusDiagonal(h, d, lambda), d);
        double[] product = HessianMatrices.times(inv, d, g);
        HessianEstimate e = estimator.estimate(f::value, x, queries, mu, lambda, seed);
        double eq15 = Double.NaN;
        double eq16 = Double.NaN;
        if (estimator == HessianEstimator.ZOVH) {
            double[][] u = new double[queries][];
            double[] y = new double[queries];
            for (int k = 0; k < queries; k++) {
                u[k] = HessianDirections.gaussian(seed, 0, k, d);
                y[k] = f.value(HessianEstimator.shifted(x, u[k], mu));
            }
            eq15 = HessianMatrices.relativeError(ZovhEstimator.inverseApprox(u, y, mu, lambda), inv);
            eq16 = HessianMatrices.relativeError(ZovhEstimator.product(u, y, mu, lambda), product);
        }
        return new HessianComparison(f.name(), d, estimator.cliName(), queries, e.queries(), mu, lambda, seed,
                HessianMatrices.relativeError(e.hessian(), h), HessianMatrices.relativeError(e.inverse(), inv),
                HessianMatrices.relativeError(e.product(), product), HessianMatrices.relativeError(e.gradient(), g), eq15, eq16);
    }
}
