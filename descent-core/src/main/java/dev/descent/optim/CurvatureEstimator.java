package dev.descent.optim;

/**
 * A stochastic estimate of the diagonal of a loss's curvature (the Hessian, or its Gauss–Newton
 * part), as second-order diagonal methods such as Sophia consume it every few steps.
 *
 * <p>{@link #estimate} writes one draw ĥ into {@code out}, laid out like the model's flat value
 * buffer (index {@code slot.offset() + i}, the layout of {@code params}), so that an optimizer over
 * any {@link ParamSet} of the model reads its own slots. Implementations are unbiased or document
 * their bias; their randomness is a pure function of their seed and {@code step} (Philox keyed by
 * purpose and derived by step), so a resumed run draws the same probes.
 *
 * <p>An estimator may evaluate the model (forward and backward passes) but must leave the model's
 * gradient buffer as it found it: Sophia calls it in the middle of a step, while that buffer holds
 * the step's gradient. Estimators keep scratch buffers and are not thread-safe.
 */
@FunctionalInterface
public interface CurvatureEstimator {
    /**
     * Writes one estimate of diag(∇²L(params)) into {@code out}.
     *
     * @param params the model's flat parameter values, where the curvature is taken (not modified)
     * @param out    receives the estimate, same length and layout as {@code params}
     * @param step   the optimizer step this estimate is for; keys the estimator's random stream
     */
    void estimate(float[] params, float[] out, long step);

    /** A Hessian-vector product {@code out = ∇²L(params)·v} (e.g. {@code Problem::hessianVectorProduct}). */
    @FunctionalInterface
    interface HessianVectorProduct {
        void apply(float[] params, float[] v, float[] out);
    }

    /**
     * The gradient of the loss at labels sampled from the model's own predictive distribution, the
     * ingredient of the Gauss–Newton–Bartlett estimator.
     */
    @FunctionalInterface
    interface SampledLabelGradient {
        /**
         * Samples labels ŷ ~ p(·|params) with the random stream for {@code step}, writes ĝ = ∇ℓ(params; ŷ)
         * into {@code out} (the model's layout) and returns B, the number of independent sampled terms
         * that ℓ averages (the number of tokens for a mean cross-entropy; 1 for a loss that sums them).
         */
        int gradient(float[] params, float[] out, long step);
    }
}
