package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.Map;
import java.util.Objects;

/**
 * An optimizer that hands every call to a wrapped one; a subclass overrides only what it changes (how
 * a step is taken), so its state, learning rate, step count and name are the wrapped optimizer's own
 * and a checkpoint of either is the same.
 */
public abstract class ForwardingOptimizer implements Optimizer {
    private final Optimizer inner;

    protected ForwardingOptimizer(Optimizer inner) {
        this.inner = Objects.requireNonNull(inner, "optimizer");
    }

    /** The wrapped optimizer. */
    public Optimizer inner() { return inner; }

    @Override
    public void step() { inner.step(); }

    @Override
    public StepReport step(Objective objective) { return inner.step(objective); }

    /**
     * For a subclass whose {@link #step()} changes the gradient step: the objective's loss and gradient,
     * then this optimizer's own {@link #step()} (the default of {@link Optimizer#step(Objective)}).
     */
    protected final StepReport gradientThenStep(Objective objective) {
        double loss = objective.lossAndGradient();
        step();
        return StepReport.applied(loss, 1);
    }

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
