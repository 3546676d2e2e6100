package dev.descent.cli;

import dev.descent.optim.CurvatureContext;
import dev.descent.optim.problems.Problem;
import dev.descent.zo.ZoContext;

/**
 * What an optimizer built by name may need from the problem besides its gradients, set while it is
 * built: the curvature estimators of Sophia ({@link CurvatureContext#forProblem}), over the parameter
 * buffer the problem is evaluated on, and the loss of zeroth-order optimizers ({@link ZoContext}) at
 * the current contents of that buffer. Optimizers that need nothing ignore it.
 */
final class ProblemContext implements AutoCloseable {
    private final CurvatureContext.Scope curvature;
    private final ZoContext.Scope objective;

    private ProblemContext(CurvatureContext.Scope curvature, ZoContext.Scope objective) {
        this.curvature = curvature;
        this.objective = objective;
    }

    /** The context for optimizers over {@code values}, the buffer {@code problem} is evaluated on. */
    static ProblemContext open(Problem problem, float[] values, long seed) {
        return new ProblemContext(CurvatureContext.forProblem(problem, seed), ZoContext.use(() -> problem.loss(values)));
    }

    @Override
    public void close() {
        objective.close();
        curvature.close();
    }
}
