package dev.descent.rl;

/**
 * What online RL needs from a task with a verifiable reward: numbered problems, their prompt text,
 * a reward for a completion, the character alphabet the policy's tokens spell, and the character
 * that ends a completion. A task library adapts its own task type to this (a problem type {@code P}
 * of its choosing), so the trainer depends on nothing else.
 *
 * @param <P> the task's problem type
 */
public interface RlTask<P> {
    String name();

    /** Problem {@code index} of the stream {@code seed}: a pure function of both. */
    P problem(long seed, long index);

    /** The text the policy continues. */
    String prompt(P problem);

    /** The verifier's reward of {@code completion} (the generated text without the stop character). */
    double reward(P problem, String completion);

    /** The characters of the policy's vocabulary, token id i being character i. */
    String alphabet();

    /** The character that ends a completion. */
    char stop();
}
