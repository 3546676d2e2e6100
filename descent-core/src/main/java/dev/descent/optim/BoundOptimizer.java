package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.Map;
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
public final class BoundOptimizer implements Optimizer {
    private final Optimizer inner;
    private final Objective objective;

    public BoundOptimizer(Optimizer inner, Objective objective) {
        this.inner = Objects.requireNonNull(inner, "optimizer");
        this.objective = Objects.requireNonNull(objective, "objective");
    }

    /** The wrapped optimizer. */
    public Optimizer inner() { return inner; }

    /** {@code inner.step(objective)}: a first-order optimizer also evaluates the gradient then. */
    @Override
    public void step() { inner.step(objective); }

    @Override
    public StepReport step(Objective other) { return inner.step(other); }

    @Override
    public void zeroGrad() { inner.zeroGrad(); }

    @Override
    public double learningRate() { return inner.learningRate(); }

    @Override
    public void setLearningRate(double lr) { inner.setLearningRate(lr); }

    @Override
    public long stepCount() { return inner.stepCount(); }

    @Override
    public Map<String, Tensor> state() { return inner.state(); }

    @Override
    public Map<String, Double> scalars() { return inner.scalars(); }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) { inner.loadState(tensors, scalars); }

    @Override
    public String name() { return inner.name(); }

    @Override
    public boolean needsGradients() { return inner.needsGradients(); }
}
