package dev.descent.optim;

/** Builds an optimizer for a parameter set and its gradient buffer from named hyperparameters. */
@FunctionalInterface
public interface OptimizerFactory {
    Optimizer create(ParamSet params, float[] grads, HyperParams hyper);
}
