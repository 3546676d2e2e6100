package dev.descent.optim;

import java.util.Objects;

/**
 * An optimizer with its objective fixed, for the imperative style with an optimizer built by name:
 * {@link #step()} is {@code step(objective)} of the wrapped optimizer. Everything else (state,
 * learning rate, name) is the wrapped optimizer's own, so a checkpoint of either is the same.
 * <pre>
 *   Optimizer mezo = new BoundOptimizer(registry.create("mezo", params, grads, hyper), () -> f(x));
 *   for (...) mezo.step();
 * </pre>
 */
public final class BoundOptimizer extends ForwardingOptimizer {
    private final Objective objective;

    public BoundOptimizer(Optimizer inner, Objective objective) {
        super(inner);
        this.objective = Objects.requireNonNull(objective, "objective");
    }

    /** {@code inner.step(objective)}: a first-order optimizer also evaluates the gradient then. */
    @Override
    public void step() { inner().step(objective); }
}
