package dev.descent.optim;

/**
 * Builds an optimizer for a parameter set and its gradient buffer from named hyperparameters. An
 * optimizer that needs curvature estimators (Sophia) overrides the four-argument form, which receives
 * them as a typed argument; every other factory is a three-argument lambda and ignores them.
 */
@FunctionalInterface
public interface OptimizerFactory {
    Optimizer create(ParamSet params, float[] grads, HyperParams hyper);

    /** Builds with the curvature estimators of the loss at hand ({@link Curvature#NONE} when there are none). */
    default Optimizer create(ParamSet params, float[] grads, HyperParams hyper, Curvature curvature) {
        return create(params, grads, hyper);
    }
}
