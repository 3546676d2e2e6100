package dev.descent.tasks;

import java.util.OptionalInt;

/**
 * A task whose answers are numbers, so that a wrong answer can be told "too high" or "too low"
 * ({@link FeedbackEnvironment}).
 */
public interface DirectionalTask extends Task {
    /**
     * The sign of (the completion's value − the right value): −1, 0 or +1; empty when the completion
     * has no value (malformed). Never throws.
     */
    OptionalInt compare(Problem problem, String completion);
}
