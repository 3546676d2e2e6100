package dev.descent.optim;

import dev.descent.optim.problems.Problem;

/**
 * The curvature estimators a loss offers to second-order diagonal optimizers, a typed argument of
 * {@link OptimizerRegistry#create(String, ParamSet, float[], HyperParams, Curvature)} (and what
 * {@link Objective#curvature()} returns). {@code sophiag} takes the Gauss–Newton–Bartlett estimator,
 * {@code sophiah} the Hutchinson estimator; either may be null when the loss cannot provide it (a GPT
 * has no Hessian-vector products), and the optimizer that needs it then refuses to build, naming it.
 *
 * <p>The estimators are handed over at construction, not at each step: they keep scratch buffers
 * sized for one parameter buffer and their random streams are keyed by the optimizer's step, so they
 * belong to the optimizer for its whole life, and Sophia's transformation stays a plain
 * {@link GradientTransformation}.
 *
 * @param gaussNewtonBartlett SophiaG's estimator, or null
 * @param hutchinson          SophiaH's estimator, or null
 */
public record Curvature(CurvatureEstimator gaussNewtonBartlett, CurvatureEstimator hutchinson) {
    /** No curvature estimator: what first-order and zeroth-order optimizers need. */
    public static final Curvature NONE = new Curvature(null, null);

    /**
     * The estimators of a canonical {@link Problem} (f = ½ Σ r², exact Hessian-vector products):
     * {@link GaussNewtonBartlettEstimator#forLeastSquares} and Rademacher {@link HutchinsonEstimator#of},
     * both keyed by {@code seed}. The optimizer's parameter buffer must be the one the problem is
     * evaluated on (the estimators read it each time).
     */
    public static Curvature forProblem(Problem problem, long seed) {
        return new Curvature(GaussNewtonBartlettEstimator.forLeastSquares(problem, seed), HutchinsonEstimator.of(problem, seed));
    }
}
