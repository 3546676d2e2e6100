package dev.descent.zo;

import dev.descent.optim.Objective;

/**
 * A {@link Objective} that can also be evaluated on independent copies of the model, so that many
 * forward passes run at once (DeepZero's "forward parallelization"): each worker thread owns one
 * {@link Replica}, writes the parameters it wants into {@link Replica#params()} and calls
 * {@link Replica#objective()}, which reads only that buffer.
 *
 * <p>Contract: a replica's objective computes the same function as this objective (same model
 * structure, same minibatch of the current step: typically both read one shared, immutable "current
 * batch" that the training loop replaces between steps), is used by one thread at a time, and opens
 * its own no-grad scope. Under that contract a coordinate estimate does not depend on which replica
 * or thread evaluated it, so estimators that spread coordinates over threads give bit-identical
 * results for any thread count (as long as one loss evaluation does not itself depend on the
 * thread count).
 */
public interface ReplicatedObjective extends Objective {
    /** An independent copy: its own parameter buffer (laid out like the model's) and the loss reading it. */
    Replica newReplica();

    /** One copy of the model: a parameter buffer and the loss at its current contents. */
    record Replica(float[] params, Objective objective) {}
}
