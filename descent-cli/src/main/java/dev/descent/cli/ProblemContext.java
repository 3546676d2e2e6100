package dev.descent.cli;

import dev.descent.optim.CurvatureContext;
import dev.descent.optim.problems.Problem;

/**
 * What an optimizer built by name may need from the problem besides its gradients, set while it is
 * built: the curvature estimators of Sophia ({@link CurvatureContext#forProblem}), over the parameter
 * buffer the problem is evaluated on. Optimizers that need nothing ignore it.
 */
final class ProblemContext implements AutoCloseable {
    private final CurvatureContext.Scope curvature;

    private ProblemContext(CurvatureContext.Scope curvature) {
        this.curvature = curvature;
    }

    static ProblemContext open(Problem problem, long seed) {
        return new ProblemContext(CurvatureContext.forProblem(problem, seed));
    }

    @Override
    public void close() {
        curvature.close();
    }
}
