package dev.descent.bench.problems;

import dev.descent.optim.Curvature;
import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;

import java.util.Map;

/**
 * One seeded instance of a {@link BenchProblem}: parameters in one flat buffer (with the gradient
 * buffer beside it), a deterministic minibatch per step, the loss with and without gradients, and
 * the evaluation. Not thread-safe; a run owns its instance.
 *
 * <p>A training step is: {@link #setBatch(long)}, then either {@link #lossAndGradients()} and
 * {@code optimizer.step()} (first order), or {@code optimizer.step(objective)} for an optimizer whose
 * {@code needsGradients()} is false (it calls {@link #loss()}); {@link #objective(long)} is the
 * instance as the {@link Objective} a training loop runs.
 */
public interface ProblemInstance extends AutoCloseable {
    /** The parameters (names and shapes as the model declares them) over the flat value buffer. */
    ParamSet params();

    /** The flat gradient buffer, same layout as {@code params().values()}. */
    float[] grads();

    /** Selects the minibatch of {@code step}: a pure function of the seed and the step. */
    void setBatch(long step);

    /** Loss on the current minibatch; overwrites {@link #grads()} with its gradient. */
    double lossAndGradients();

    /** Loss on the current minibatch at the current parameters, without gradients (no tape). */
    double loss();

    /**
     * Evaluates the current parameters on held-out data. The first entry is {@link BenchProblem#metric()};
     * more may follow (e.g. "test_loss"). Iteration order is stable.
     */
    Map<String, Double> evaluate();

    /** Examples (or tokens, see {@link #throughputUnit()}) consumed by one step. */
    long examplesPerStep();

    /** "examples" or "tokens". */
    String throughputUnit();

    /**
     * The curvature estimators of this instance's loss (Sophia's), keyed by {@code seed}, over
     * {@link #params()}' buffer; {@link Curvature#NONE} when it has none.
     */
    Curvature curvature(long seed);

    /**
     * This instance as a training objective: {@link Objective#prepare} selects the step's batch,
     * {@link Objective#loss} and {@link Objective#lossAndGradient} are {@link #loss()} and
     * {@link #lossAndGradients()}, and the curvature is {@link #curvature(long) curvature(seed)}
     * (built once, here).
     */
    default Objective objective(long seed) {
        Curvature curvature = curvature(seed);
        ProblemInstance self = this;
        return new Objective() {
            @Override public double loss() { return self.loss(); }
            @Override public double lossAndGradient() { return self.lossAndGradients(); }
            @Override public Curvature curvature() { return curvature; }
            @Override public void prepare(long step) { self.setBatch(step); }
        };
    }

    @Override
    default void close() {}
}
