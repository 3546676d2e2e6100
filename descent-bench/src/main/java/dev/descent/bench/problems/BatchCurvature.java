package dev.descent.bench.problems;

import dev.descent.nn.FlatParameters;
import dev.descent.optim.Curvature;
import dev.descent.optim.CurvatureEstimator;
import dev.descent.optim.HutchinsonEstimator;

/**
 * The {@link ProblemInstance#curvature} of a model trained on minibatches: SophiaG's
 * Gauss–Newton–Bartlett estimator as the problem builds it, and SophiaH's Hutchinson estimator
 * (Rademacher probes) over {@link FiniteDifferenceHvp} products of the instance's
 * {@link ProblemInstance#lossAndGradients()}, both on the current batch.
 */
final class BatchCurvature {
    private BatchCurvature() {}

    static Curvature of(ProblemInstance instance, FlatParameters flat, CurvatureEstimator gaussNewtonBartlett, long seed) {
        var hvp = new FiniteDifferenceHvp(flat.values(), flat.grads(), instance::lossAndGradients, FiniteDifferenceHvp.DEFAULT_EPSILON);
        var hutchinson = new HutchinsonEstimator(flat.size(), hvp, seed, HutchinsonEstimator.Probe.RADEMACHER);
        return new Curvature(gaussNewtonBartlett, hutchinson);
    }
}
