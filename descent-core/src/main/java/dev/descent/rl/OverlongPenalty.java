package dev.descent.rl;

/**
 * DAPO's soft overlong punishment (Yu et al. 2025, "DAPO", eq. 13), as verl's DAPO reward manager adds
 * it (volcengine/verl @ b178a3cd56f58b2d502255daba591e92833930a7,
 * {@code verl/workers/reward_manager/dapo.py}): with L_max = max_completion_length, a buffer
 * L_cache and factor c (verl's {@code overlong_buffer.penalty_factor}, default 1),
 * <pre>
 *   R_length(y) = min(0, −(|y| − (L_max − L_cache)) / L_cache · c)
 * </pre>
 * added to the verifier's reward: 0 up to L_max − L_cache tokens, then falling linearly to −c at
 * L_max. |y| counts the completion's tokens including the stop token (verl's valid response length).
 */
public final class OverlongPenalty {
    private OverlongPenalty() {}

    public static double of(int completionTokens, int maxCompletionLength, int buffer, double factor) {
        if (buffer <= 0 || buffer > maxCompletionLength) {
            throw new IllegalArgumentException("overlong_buffer must be in [1, max_completion_length = " + maxCompletionLength + "], got " + buffer);
        }
        int expected = maxCompletionLength - buffer;
        if (completionTokens <= expected) return 0.0;
        return -(double) (completionTokens - expected) / buffer * factor;
    }
}
