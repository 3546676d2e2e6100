package dev.descent.train;

import dev.descent.optim.Optimizer;

/**
 * Applies a learning-rate schedule to any optimizer through {@link Optimizer#setLearningRate}: the
 * optimizer's learning rate follows the schedule's factor, η_t = η₀ · lr_t / peak, where η₀ is the rate
 * it was built with (exactly lr_t when η₀ is the schedule's peak, the usual case). An optimizer with
 * several learning rates (Muon with its AdamW branch) keeps their ratios itself.
 */
final class LearningRates {
    private final Optimizer opt;
    private final double initial;

    private LearningRates(Optimizer opt) {
        this.opt = opt;
        this.initial = opt.learningRate();
    }

    /** Remembers the optimizer's initial learning rate (call before restoring a checkpoint). */
    static LearningRates of(Optimizer opt) {
        return new LearningRates(opt);
    }

    /** Follows the schedule: its value {@code lr} at this step, of a peak {@code peak}. */
    void follow(double lr, double peak) {
        opt.setLearningRate(initial == peak || Double.isNaN(initial) ? lr : initial * (lr / peak));
    }
}
