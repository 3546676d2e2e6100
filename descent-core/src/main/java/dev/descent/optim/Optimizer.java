package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.Map;

/**
 * The imperative face of an optimizer over a model's flat parameters: compute gradients, call
 * {@link #step()}, then {@link #zeroGrad()}; or hand it the {@link Objective} with
 * {@link #step(Objective)} and let it evaluate what it needs (the only way for a zeroth-order
 * optimizer, which evaluates the loss itself). Its state is a set of named tensors (moments,
 * preconditioners) and named scalars (the step count {@code step}, counters and hyperparameters),
 * so a checkpoint can save and restore it exactly.
 */
public interface Optimizer {
    /**
     * Applies one update from the current gradients. A zeroth-order optimizer built without an
     * objective refuses with an {@link IllegalStateException} saying to call {@link #step(Objective)}.
     */
    void step();

    /**
     * One step that evaluates through {@code objective} what this optimizer needs. First order (this
     * default): {@link Objective#lossAndGradient()}, then {@link #step()}; the report carries that
     * loss and one query. The gradient buffer is left holding the gradient (call {@link #zeroGrad()}
     * after, as after {@link #step()}). Zeroth-order optimizers override it to evaluate
     * {@link Objective#loss()} at perturbed parameters and ignore the gradient.
     */
    default StepReport step(Objective objective) {
        double loss = objective.lossAndGradient();
        step();
        return StepReport.applied(loss, 1);
    }

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
     * False for zeroth-order optimizers, which evaluate the loss themselves in
     * {@link #step(Objective)} and ignore the gradient buffer: a training loop then skips the
     * backward pass and the gradient clipping.
     */
    default boolean needsGradients() { return true; }
}
