package dev.descent.bench.problems;

import dev.descent.nn.FlatParameters;
import dev.descent.optim.CurvatureContext;
import dev.descent.optim.CurvatureEstimator;
import dev.descent.optim.HutchinsonEstimator;
import dev.descent.zo.ZoContext;

/**
 * The {@link ProblemInstance#optimizerContext} of a model trained on minibatches: SophiaG's
 * Gauss–Newton–Bartlett estimator as the problem builds it, SophiaH's Hutchinson estimator
 * (Rademacher probes) over {@link FiniteDifferenceHvp} products of the instance's
 * {@link ProblemInstance#lossAndGradients()}, and {@link ProblemInstance#loss()} as the
 * zeroth-order objective, all on the current batch.
 */
final class BatchOptimizerContext {
    private BatchOptimizerContext() {}

    static ProblemInstance.Scope open(ProblemInstance instance, FlatParameters flat, CurvatureEstimator gaussNewtonBartlett, long seed) {
        var hvp = new FiniteDifferenceHvp(flat.values(), flat.grads(), instance::lossAndGradients, FiniteDifferenceHvp.DEFAULT_EPSILON);
        var hutchinson = new HutchinsonEstimator(flat.size(), hvp, seed, HutchinsonEstimator.Probe.RADEMACHER);
        CurvatureContext.Scope curvature = CurvatureContext.use(gaussNewtonBartlett, hutchinson);
        ZoContext.Scope zo = ZoContext.use(instance::loss);
        return () -> {
            zo.close();
            curvature.close();
        };
    }
}
