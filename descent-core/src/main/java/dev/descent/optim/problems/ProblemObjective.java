package dev.descent.optim.problems;

import dev.descent.optim.Curvature;
import dev.descent.optim.Objective;

/**
 * A canonical {@link Problem} as the {@link Objective} of optimizers over one parameter buffer:
 * full batch (every step sees the same function), the loss and exact gradient evaluated on
 * {@code values}, and the problem's curvature estimators ({@link Curvature#forProblem}, keyed by
 * {@code seed}) over that same buffer.
 */
public final class ProblemObjective implements Objective {
    private final Problem problem;
    private final float[] values;
    private final float[] grads;
    private final Curvature curvature;

    public ProblemObjective(Problem problem, float[] values, float[] grads, long seed) {
        this.problem = problem;
        this.values = values;
        this.grads = grads;
        this.curvature = Curvature.forProblem(problem, seed);
    }

    @Override
    public double loss() { return problem.loss(values); }

    /** Overwrites the gradient buffer with the exact gradient. */
    @Override
    public double lossAndGradient() { return problem.lossAndGradient(values, grads); }

    @Override
    public Curvature curvature() { return curvature; }
}
