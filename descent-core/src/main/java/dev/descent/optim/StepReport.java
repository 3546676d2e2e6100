package dev.descent.optim;

/**
 * What one optimizer step did, returned by {@link Optimizer#step(Objective)}.
 *
 * @param loss    the training loss the step measured: the loss before the update for a first-order
 *                step, the optimizer's own estimate for a zeroth-order one (MeZO: the mean of
 *                f(θ + μz)); NaN or infinite when the step met a non-finite loss
 * @param queries objective evaluations the step made (1 for a first-order step: one loss and gradient)
 * @param skipped why the update was not applied (the parameters are as before the step), or null when it was
 */
public record StepReport(double loss, long queries, String skipped) {
    /** A step whose update was applied. */
    public static StepReport applied(double loss, long queries) { return new StepReport(loss, queries, null); }

    /** A step that left the parameters as they were, and why. */
    public static StepReport skipped(double loss, long queries, String why) { return new StepReport(loss, queries, why); }

    /** True when the update was not applied. */
    public boolean wasSkipped() { return skipped != null; }
}
