package dev.descent.zo;

/**
 * The only thing a zeroth-order method needs from a model: the loss at the <em>current contents</em>
 * of the flat parameter buffer, evaluated without gradients (no tape), on the minibatch of the
 * current step. Within one optimizer step every call sees the same minibatch, so differences of two
 * calls measure the change of the parameters alone.
 */
@FunctionalInterface
public interface ZoObjective {
    /** The loss at the parameters as they are now (the caller may have perturbed them in place). */
    double loss();
}
