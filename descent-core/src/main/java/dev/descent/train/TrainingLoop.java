package dev.descent.train;

import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StepReport;
import dev.descent.tensor.Elementwise;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Reductions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongToDoubleFunction;

/**
 * The one training loop every recipe runs on: trainable parameters (through their gradient buffer),
 * an {@link Objective}, an {@link Optimizer}, a learning-rate schedule and {@link Callback}s. Step
 * {@code k} (0-based) is, in this order:
 * <ol>
 *   <li>{@link Callback#beforeStep} of every callback, outside the timed region (evaluations and
 *       checkpoints of the state reached after k steps; a callback may throw to abandon the run);</li>
 *   <li>the scheduled learning rate for k, if a schedule is set ({@link LearningRates}: an optimizer
 *       with several learning rates keeps their ratios);</li>
 *   <li>{@link Objective#prepare objective.prepare(k)}: the step's minibatch and dropout masks;</li>
 *   <li>first order: {@link Objective#lossAndGradient()}; when the loss is not finite and the policy
 *       is {@link NonFinite#STOP}, the loop stops <em>before</em> the update; otherwise the global
 *       gradient norm is clipped ({@code clip > 0}, {@link #clipGlobalNorm}), the optimizer steps and
 *       the gradients are zeroed. Zeroth order ({@code needsGradients() == false}):
 *       {@link Optimizer#step(Objective)}, which evaluates the objective itself (no backward, no
 *       clipping) and restores the parameters when it meets a non-finite loss;</li>
 *   <li>a non-finite step loss under {@link NonFinite#STOP} ends the run ({@link Outcome#diverged()});
 *       otherwise {@link Callback#afterStep} of every callback with the {@link Step};</li>
 *   <li>a stop asked with {@link #requestStop()} (Ctrl-C) ends the run after the step
 *       ({@link Outcome#interrupted()}).</li>
 * </ol>
 * A recipe (supervised, weighted SFT, RL, continual, federated) is an objective and callbacks: the
 * objective decides what a step sees and how its loss is formed, the callbacks log, evaluate, save
 * and decide when to stop. The loop keeps no static or per-thread state: loops over different models
 * run side by side on different threads.
 */
public final class TrainingLoop {
    /** What happens when a step's loss is not finite. */
    public enum NonFinite {
        /** End the run; a first-order update is not applied (the parameters are those before the step). */
        STOP,
        /** Carry on as a plain script would (the optimizer decides; a first-order step applies the non-finite gradient). */
        CONTINUE
    }

    /**
     * One finished step.
     *
     * @param index        0-based index of the step ({@code index + 1} steps are done after it)
     * @param report       what the optimizer did (loss, queries, skipped and why)
     * @param learningRate the learning rate the step used (the scheduled value when a schedule is set)
     * @param seconds      wall time of the step (learning rate, minibatch, evaluations, update)
     * @param trainSeconds wall time of all steps of this run so far, this one included
     */
    public record Step(long index, StepReport report, double learningRate, double seconds, double trainSeconds) {
        /** The number of steps done after this one. */
        public long number() { return index + 1; }
    }

    /**
     * How the run ended.
     *
     * @param next        the index of the next step to take: the end index when the run finished
     *                    ({@code first} when there was nothing to do), the diverging step's index
     *                    when it diverged
     * @param last        the last step taken (the diverging one when it diverged), or null when none was
     * @param diverged    stopped by a non-finite loss ({@link NonFinite#STOP})
     * @param interrupted stopped by {@link #requestStop()}
     */
    public record Outcome(long next, Step last, boolean diverged, boolean interrupted) {}

    /** What a recipe adds around each step. Callbacks run in the order they were added. */
    public interface Callback {
        /** Before step {@code index}, outside the timed region: the state is that after {@code index} steps. */
        default void beforeStep(long index) throws IOException {}

        /** After a step whose loss was finite (or any step under {@link NonFinite#CONTINUE}). */
        default void afterStep(Step step) throws IOException {}
    }

    private final Optimizer optimizer;
    private final Objective objective;
    private final float[] grads;
    private LongToDoubleFunction schedule;
    private LearningRates learningRates;
    private double peak;
    private double clip;
    private NonFinite nonFinite = NonFinite.STOP;
    private final List<Callback> callbacks = new ArrayList<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private double trainSeconds;

    /**
     * @param optimizer the optimizer, built over the trainable parameters and {@code grads}
     * @param objective what the steps evaluate
     * @param grads     the trainable parameters' gradient buffer (clipped here; zeroed after each first-order step)
     */
    public TrainingLoop(Optimizer optimizer, Objective objective, float[] grads) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.objective = Objects.requireNonNull(objective, "objective");
        this.grads = Objects.requireNonNull(grads, "grads");
    }

    /**
     * Sets the learning rate of step k to {@code lrAt.applyAsDouble(k)} before the step; {@code peak}
     * is the schedule's largest value, against which an optimizer with several learning rates scales
     * each of them: their configured values are read now, so set the schedule before restoring the
     * optimizer's state from a checkpoint. Without a schedule the optimizer's learning rate is left alone.
     */
    public TrainingLoop schedule(LongToDoubleFunction lrAt, double peak) {
        this.schedule = lrAt;
        this.peak = peak;
        this.learningRates = LearningRates.of(optimizer);
        return this;
    }

    /** Clips the global gradient norm of first-order steps to {@code maxNorm}; 0 (the default) does not clip. */
    public TrainingLoop clip(double maxNorm) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("grad_clip must be >= 0, got " + maxNorm);
        this.clip = maxNorm;
        return this;
    }

    /** The policy for non-finite losses ({@link NonFinite#STOP} by default). */
    public TrainingLoop onNonFinite(NonFinite policy) {
        this.nonFinite = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Adds a callback after those already added. */
    public TrainingLoop callback(Callback callback) {
        callbacks.add(Objects.requireNonNull(callback, "callback"));
        return this;
    }

    /** Asks the loop to stop after the current step (safe from another thread, e.g. a signal handler). */
    public void requestStop() { stopRequested.set(true); }

    /** Wall time of the steps taken so far by {@link #run}. */
    public double trainSeconds() { return trainSeconds; }

    /** Takes steps {@code first, …, end − 1}. */
    public Outcome run(long first, long end) throws IOException {
        Step last = null;
        for (long k = first; k < end; k++) {
            for (Callback c : callbacks) c.beforeStep(k);
            long t0 = System.nanoTime();
            double lr;
            if (schedule != null) {
                lr = schedule.applyAsDouble(k);
                learningRates.follow(lr, peak);
            } else {
                lr = optimizer.learningRate();
            }
            objective.prepare(k);
            StepReport report = takeStep();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            trainSeconds += seconds;
            last = new Step(k, report, lr, seconds, trainSeconds);
            if (nonFinite == NonFinite.STOP && !Double.isFinite(report.loss())) return new Outcome(k, last, true, false);
            for (Callback c : callbacks) c.afterStep(last);
            if (stopRequested.get()) return new Outcome(k + 1, last, false, true);
        }
        return new Outcome(Math.max(first, end), last, false, false);
    }

    private StepReport takeStep() {
        if (!optimizer.needsGradients()) return optimizer.step(objective);
        double loss = objective.lossAndGradient();
        if (nonFinite == NonFinite.STOP && !Double.isFinite(loss)) {
            optimizer.zeroGrad();
            return StepReport.skipped(loss, 1, "the loss is not finite");
        }
        if (clip > 0) clipGlobalNorm(grads, clip);
        optimizer.step();
        optimizer.zeroGrad();
        return StepReport.applied(loss, 1);
    }

    /** {@code torch.nn.utils.clip_grad_norm_}: scale all gradients by max/(‖g‖ + 1e-6) when that is below 1; returns ‖g‖. */
    public static double clipGlobalNorm(float[] grads, double max) {
        return dev.descent.optim.Transforms.clipGlobalNorm(grads, max);
    }
}
