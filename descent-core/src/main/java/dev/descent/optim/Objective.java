package dev.descent.optim;

/**
 * What an optimizer step may ask of the model being trained, handed to it explicitly
 * ({@link Optimizer#step(Objective)}) rather than through any per-thread setting:
 * <ul>
 *   <li>{@link #loss()}: the loss at the <em>current contents</em> of the flat parameter buffer,
 *       evaluated without gradients (no tape, dropout off), on the current step's minibatch. This is
 *       all a zeroth-order method needs; within one step every call sees the same minibatch, so
 *       differences of two calls measure the change of the parameters alone.</li>
 *   <li>{@link #lossAndGradient()}: the loss on the current minibatch with its gradient written into
 *       the gradient buffer the optimizer was built over (first-order methods).</li>
 *   <li>{@link #curvature()}: the curvature estimators of the loss, for second-order diagonal
 *       methods (Sophia); none by default.</li>
 *   <li>{@link #prepare(long)}: selects what the step {@code step} sees (its minibatch, its dropout
 *       masks); the training loop calls it once before each step.</li>
 * </ul>
 * Only {@link #loss()} is required, so a zeroth-order objective is a lambda: {@code () -> f(x)}.
 */
@FunctionalInterface
public interface Objective {
    /** The loss at the parameters as they are now (the caller may have perturbed them in place), without gradients. */
    double loss();

    /**
     * The loss on the current minibatch and its gradient, written into the optimizer's gradient
     * buffer. On entry that buffer is zero (the loop zeroes it after every step, as PyTorch's
     * {@code zero_grad}); on return it holds this gradient.
     *
     * @throws UnsupportedOperationException for an objective that only evaluates the loss
     */
    default double lossAndGradient() {
        throw new UnsupportedOperationException("this objective evaluates the loss only (no gradient); "
                + "use a zeroth-order optimizer or give the objective a lossAndGradient()");
    }

    /** The curvature estimators of this loss (Sophia's), or {@link Curvature#NONE}. */
    default Curvature curvature() { return Curvature.NONE; }

    /** Selects what step {@code step} (0-based) sees: its minibatch, its dropout masks. A pure function of the step. */
    default void prepare(long step) {}
}
