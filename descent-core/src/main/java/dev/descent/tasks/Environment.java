package dev.descent.tasks;

/**
 * A multi-turn episode: {@link #reset} starts one on a problem and returns the first observation
 * (the prompt); each {@link #step} takes the policy's action (its completion for the turn, without
 * the stop character) and returns the environment's answer. The text the policy conditions on at
 * every turn is the {@link #transcript()}: observations and actions (each followed by the stop
 * character), concatenated in order.
 */
public interface Environment {
    /** What a step returns. */
    record Step(String observation, double reward, boolean done) {}

    /** Starts an episode on {@code problem}; returns the first observation. */
    String reset(Problem problem);

    /** Plays {@code action}; refused before {@link #reset} and after the episode is done. */
    Step step(String action);

    /** Everything observed and done so far in this episode, in order: what the policy's next completion continues. */
    String transcript();
}
