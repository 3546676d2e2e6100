package dev.descent.zo;

import dev.descent.optim.Hyper;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StepReport;
import java.util.Map;

/**
 * What the zeroth-order optimizers that own their query loop share as {@link Optimizer}s (AR1-ZO,
 * CAQ-ZO and its off-grid baseline): the objective bound at construction for the plain
 * {@link #step()}, the step counters and report ({@link ZoProgress}), a learning rate that is checked
 * when set and restored from a checkpoint, and no gradient buffer. A subclass supplies one step
 * ({@link #takeStep}) and its own state.
 */
abstract class TwoPointQueryOptimizer implements Optimizer {
    protected final ZoProgress progress = new ZoProgress();
    private final Objective bound;
    protected double lr;

    protected TwoPointQueryOptimizer(Objective objective, double lr) {
        Hyper.nonNegative("lr", lr);
        this.bound = objective;
        this.lr = lr;
    }

    /** One step on {@code objective}: queries, counters in {@link #progress}, the update. */
    protected abstract void takeStep(Objective objective);

    @Override
    public final void step() {
        step(ZoProgress.bound(bound, name()));
    }

    @Override
    public final StepReport step(Objective objective) {
        progress.begin();
        takeStep(objective);
        return progress.report(lastSkipReason());
    }

    /** Why the latest skipped step was skipped, or null when none was. */
    public String lastSkipReason() {
        return progress.lastSkipReason("a loss evaluation was not finite");
    }

    /** Restores the learning rate and the step counters saved in {@code scalars}. */
    protected final void loadProgress(Map<String, Double> scalars) {
        double newLr = ZoProgress.required(scalars, "lr");
        Hyper.nonNegative("lr", newLr);
        lr = newLr;
        progress.load(scalars);
    }

    @Override
    public final void zeroGrad() {}

    @Override
    public final double learningRate() { return lr; }

    @Override
    public final void setLearningRate(double value) {
        Hyper.nonNegative("lr", value);
        lr = value;
    }

    @Override
    public final long stepCount() { return progress.steps; }

    @Override
    public final boolean needsGradients() { return false; }
}
