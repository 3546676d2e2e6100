package dev.descent.optim;

/**
 * The unit of an optimizer, after optax: {@link #init} allocates state for a set of parameters and
 * {@link #update} turns gradients into updates, in place.
 *
 * <p>{@code updates} has the layout of the model's flat value buffer; a transformation reads and
 * writes only the ranges of {@code params}' slots. Updates are <em>added</em> to the parameters
 * after the last transformation, so {@link Transforms#scaleByLearningRate} multiplies by −η.
 * Transformations keep every hyperparameter in their state (readable and changeable between
 * steps) and allocate nothing after {@link #init}.
 */
public interface GradientTransformation {
    OptState init(ParamSet params);

    void update(float[] updates, OptState state, ParamSet params);
}
