package dev.descent.bench.problems;

import dev.descent.optim.ParamSet;

import java.util.Map;

/**
 * One seeded instance of a {@link BenchProblem}: parameters in one flat buffer (with the gradient
 * buffer beside it), a deterministic minibatch per step, the loss with and without gradients, and
 * the evaluation. Not thread-safe; a run owns its instance.
 *
 * <p>A training step is: {@link #setBatch(long)}, then either {@link #lossAndGradients()} and
 * {@code optimizer.step()} (first order), or {@code optimizer.step()} alone for an optimizer whose
 * {@code needsGradients()} is false (it calls {@link #loss()} through the zeroth-order context that
 * {@link #optimizerContext(long)} opens).
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
     * Sets, on this thread, what optimizers built by name may need from the problem (Sophia's curvature
     * estimators, the zeroth-order objective {@link #loss()}) until the returned scope closes. Build the
     * optimizer inside it.
     */
    Scope optimizerContext(long seed);

    /** Closes what {@link #optimizerContext} opened. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    default void close() {}
}
