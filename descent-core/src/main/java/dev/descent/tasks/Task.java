package dev.descent.tasks;

/**
 * A task: a deterministic stream of problems and an exact verifier. Completions are character
 * strings over {@link #alphabet()}; a policy's completion ends where it emits {@link #stop()}, and the
 * verifier sees the text before it.
 */
public interface Task {
    String name();

    /** Problem {@code index} of the stream keyed by {@code seed}: the same (seed, index) always gives the same problem. */
    Problem problem(long seed, long index);

    /** The reward of {@code completion} (the text generated after the prompt, up to and excluding the stop character) for {@code problem}; never throws, never NaN. */
    double reward(Problem problem, String completion);

    /** The characters prompts and completions are made of, including the stop character. */
    String alphabet();

    /** The character that ends a completion. */
    char stop();
}
