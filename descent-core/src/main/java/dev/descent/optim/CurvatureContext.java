package dev.descent.optim;

import dev.descent.optim.problems.Problem;

/**
 * The curvature estimators that Sophia optimizers built <em>by name</em> (through
 * {@link OptimizerRegistry}) use, since an {@link OptimizerFactory} receives only parameters,
 * gradients and hyperparameters. Whoever owns the loss sets them around the registry call, on the
 * same thread:
 * <pre>
 *   try (var scope = CurvatureContext.forProblem(problem, seed)) {
 *       opt = OptimizerRegistry.defaults().create("sophiag", params, grads, hyper);
 *   }
 *   // opt keeps the estimator it captured; the scope may close before training
 * </pre>
 * The factory reads the context once, when it builds the optimizer; {@code sophiag} takes the
 * Gauss–Newton–Bartlett estimator and {@code sophiah} the Hutchinson estimator, and each fails with
 * an {@link IllegalStateException} when its estimator is not set. Programmatic users can skip the
 * context and pass an estimator with {@link SophiaOptimizers#withEstimator}. Scopes nest; closing one
 * restores the previous setting.
 */
public final class CurvatureContext {
    /** The estimators in effect: either may be null (then the optimizer that needs it refuses to build). */
    public record Estimators(CurvatureEstimator gaussNewtonBartlett, CurvatureEstimator hutchinson) {}

    /** Restores the previous setting when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final ThreadScoped<Estimators> CURRENT = new ThreadScoped<>();

    private CurvatureContext() {}

    /** Sets the estimators for optimizers built on this thread until the returned scope closes. */
    public static Scope use(CurvatureEstimator gaussNewtonBartlett, CurvatureEstimator hutchinson) {
        return CURRENT.set(new Estimators(gaussNewtonBartlett, hutchinson))::run;
    }

    /**
     * The estimators of a canonical {@link Problem} (f = ½ Σ r², exact Hessian-vector products):
     * {@link GaussNewtonBartlettEstimator#forLeastSquares} and Rademacher
     * {@link HutchinsonEstimator#of}, both keyed by {@code seed}. The parameter buffer the optimizer
     * is built over must be the one the problem is evaluated on (the estimators read it each time).
     */
    public static Scope forProblem(Problem problem, long seed) {
        return use(GaussNewtonBartlettEstimator.forLeastSquares(problem, seed), HutchinsonEstimator.of(problem, seed));
    }

    /** The current setting, or null when none is set on this thread. */
    public static Estimators current() { return CURRENT.get(); }

    static CurvatureEstimator require(String optimizer, boolean gaussNewton) {
        Estimators e = CURRENT.get();
        CurvatureEstimator est = e == null ? null : gaussNewton ? e.gaussNewtonBartlett() : e.hutchinson();
        if (est == null) {
            String kind = gaussNewton ? "a Gauss-Newton-Bartlett curvature estimator" : "a Hutchinson (Hessian) curvature estimator";
            throw new IllegalStateException(optimizer + " needs a curvature estimator: " + kind + " set with CurvatureContext.use(...) or "
                    + "CurvatureContext.forProblem(problem, seed) around the registry call, or passed with SophiaOptimizers.withEstimator(\""
                    + optimizer + "\", estimator)");
        }
        return est;
    }
}
