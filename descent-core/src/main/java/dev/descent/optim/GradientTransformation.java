package dev.descent.optim;

import dev.descent.tensor.Elementwise;

/**
 * The unit of an optimizer, after optax: {@link #init} allocates state for a set of parameters and
 * {@link #update} turns gradients into updates, in place.
 *
 * <p>{@code updates} has the layout of the model's flat value buffer; a transformation reads and
 * writes only the ranges of {@code params}' slots. Updates are <em>added</em> to the parameters
 * after the last transformation ({@link #step}), so {@link Transforms#scaleByLearningRate}
 * multiplies by −η. Transformations keep every hyperparameter in their state (readable and
 * changeable between steps) and allocate nothing after {@link #init}.
 */
public interface GradientTransformation {
    OptState init(ParamSet params);

    void update(float[] updates, OptState state, ParamSet params);

    /**
     * One optimizer step: {@link #update} the gradients into updates, then add them to the parameters.
     * A fused kernel ({@link FusedTransformation}) overrides this to do both in one pass over the
     * same state; the gradient buffer's content afterwards is then unspecified (it is consumed either way).
     */
    default void step(float[] grads, OptState state, ParamSet params) {
        update(grads, state, params);
        float[] p = params.values();
        params.forEachPiece((slot, off, so, n) -> Elementwise.addInPlace(grads, off, p, off, n));
    }
}
