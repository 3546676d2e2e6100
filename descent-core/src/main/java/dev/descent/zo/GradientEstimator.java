package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;

/**
 * A zeroth-order gradient estimator: from loss values alone (no backward pass) it writes an estimate
 * ĝ ≈ ∇f(θ) into a gradient buffer laid out like the flat parameter buffer, so that any gradient
 * transformation consumes it exactly as it would a backpropagated gradient.
 *
 * <p>Estimators may perturb {@code params} in place while they evaluate the objective, but must
 * leave it as they found it up to the rounding bound they document. Their randomness is a pure
 * function of their seed and {@code step} (Philox streams keyed by (seed, step, query)), so a resumed
 * run draws the same directions.
 */
public interface GradientEstimator {
    /**
     * Writes the estimate at {@code params} into {@code grad} (overwriting it).
     *
     * @param params    the flat parameter buffer the objective reads (perturbed and restored in place)
     * @param objective the loss at the current contents of {@code params}, same minibatch for every call
     * @param grad      receives ĝ, same length and layout as {@code params}
     * @param step      the optimizer step; keys the random directions
     * @return the loss estimate at {@code params} this estimate produced (e.g. the mean of the two
     *         evaluations of a two-point estimator), for logging
     */
    double estimate(float[] params, Objective objective, float[] grad, long step);

    /**
     * The estimate over the parameters of {@code set} only: the others are neither perturbed nor
     * given a gradient ({@code grad} is laid out like the flat buffer; only the set's places are
     * written). Estimators that can only work on the whole buffer refuse a subset (this default).
     */
    default double estimate(ParamSet set, Objective objective, float[] grad, long step) {
        if (!set.isWholeBuffer()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " estimates over the whole flat parameter buffer;"
                    + " it cannot be given a subset of the parameters (spsa-type estimators can)");
        }
        return estimate(set.values(), objective, grad, step);
    }

    /** Objective evaluations one call of {@link #estimate} makes (for "loss vs function queries"). */
    long queriesPerEstimate();
}
