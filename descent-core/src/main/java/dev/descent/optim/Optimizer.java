package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.Map;

/**
 * The imperative face of an optimizer over a model's flat parameters: compute gradients, call
 * {@link #step()}, then {@link #zeroGrad()}. Its state is a set of named tensors (moments,
 * preconditioners) and named scalars (the step count {@code step}, counters and hyperparameters),
 * so a checkpoint can save and restore it exactly.
 */
public interface Optimizer {
    /** Applies one update from the current gradients. */
    void step();

    /** Sets every gradient to zero. */
    void zeroGrad();

    /** The learning rate the latest (or, before the first, the next) step used. */
    double learningRate();

    /** Changes the learning rate (schedules call this before each step). */
    void setLearningRate(double lr);

    /** Number of steps taken. */
    long stepCount();

    /** The optimizer's state tensors by name (views, not copies). */
    Map<String, Tensor> state();

    /** The optimizer's scalars by name: {@code step}, counters and hyperparameters. */
    Map<String, Double> scalars();

    /** Restores state saved from {@link #state()} and {@link #scalars()}; names and sizes must match. */
    void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars);

    /** The registry name ("adamw", …). */
    String name();

    /**
     * False for zeroth-order optimizers, which evaluate the loss themselves (through
     * {@link dev.descent.zo.ZoContext}) and ignore the gradient buffer: a training loop then skips
     * the backward pass and only selects the step's minibatch before calling {@link #step()}.
     */
    default boolean needsGradients() { return true; }
}
