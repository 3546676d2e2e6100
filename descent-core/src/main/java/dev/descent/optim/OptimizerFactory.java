package dev.descent.optim;

import java.util.List;

/**
 * Builds an optimizer for a parameter set and its gradient buffer from named hyperparameters. The
 * registered factories are made by {@link #of}: they bind a typed hyperparameter record
 * ({@link HyperSpec}) and build from it, and {@link #hyperparameters} lists its fields for the docs. An
 * optimizer that needs curvature estimators (Sophia) overrides the four-argument form, which receives
 * them as a typed argument ({@link #withCurvature}); every other factory ignores them.
 */
@FunctionalInterface
public interface OptimizerFactory {
    Optimizer create(ParamSet params, float[] grads, HyperParams hyper);

    /** Builds with the curvature estimators of the loss at hand ({@link Curvature#NONE} when there are none). */
    default Optimizer create(ParamSet params, float[] grads, HyperParams hyper, Curvature curvature) {
        return create(params, grads, hyper);
    }

    /** The hyperparameters this factory reads, with defaults and allowed values (empty when not declared). */
    default List<HyperField<?>> hyperparameters() {
        return List.of();
    }

    /** Builds an optimizer from a typed hyperparameter record. */
    @FunctionalInterface
    interface Typed<H> {
        Optimizer create(ParamSet params, float[] grads, H hyper);
    }

    /** Builds an optimizer from a typed hyperparameter record and the loss's curvature estimators. */
    @FunctionalInterface
    interface TypedWithCurvature<H> {
        Optimizer create(ParamSet params, float[] grads, H hyper, Curvature curvature);
    }

    /** The factory that binds {@code spec}'s record from the named values and builds with {@code build}. */
    static <H> OptimizerFactory of(HyperSpec<H> spec, Typed<H> build) {
        return withCurvature(spec, (params, grads, h, curvature) -> build.create(params, grads, h));
    }

    /** As {@link #of}, for an optimizer that uses the curvature estimators. */
    static <H> OptimizerFactory withCurvature(HyperSpec<H> spec, TypedWithCurvature<H> build) {
        return new OptimizerFactory() {
            @Override
            public Optimizer create(ParamSet params, float[] grads, HyperParams hyper) {
                return create(params, grads, hyper, Curvature.NONE);
            }

            @Override
            public Optimizer create(ParamSet params, float[] grads, HyperParams hyper, Curvature curvature) {
                return build.create(params, grads, spec.bind(hyper), curvature);
            }

            @Override
            public List<HyperField<?>> hyperparameters() {
                return spec.fields();
            }
        };
    }
}
