package dev.descent.rl;

/**
 * Settings of online GRPO ({@link GrpoObjective}), named and defaulted as TRL's {@code GRPOConfig}
 * where it has the key.
 *
 * @param promptsPerStep       prompts per generation round
 * @param numGenerations       completions sampled per prompt (G, TRL default 8)
 * @param maxCompletionLength  most new tokens per completion (TRL default 512; also DR_GRPO's denominator)
 * @param temperature          sampling temperature (TRL default 1), > 0; log-probabilities are of the
 *                             tempered distribution, as in TRL
 * @param topK                 keep the k most likely tokens (≤ 0: all)
 * @param topP                 nucleus mass (1: off)
 * @param loss                 the policy loss (type, ε_low, ε_high, β); its max_completion_length is
 *                             replaced by {@code maxCompletionLength}
 * @param scaleRewards         TRL's {@code scale_rewards} (default group)
 * @param topEntropyQuantile   ρ of the high-entropy token selection (1: off, TRL's default)
 * @param maskTruncated        TRL's {@code mask_truncated_completions} (default false)
 * @param numIterations        optimizer steps per generation round (μ, TRL's {@code num_iterations}, default 1);
 *                             the first uses the rollout policy itself, later ones clip against it
 * @param seed                 keys the problems and the sampling streams
 */
public record GrpoSettings(int promptsPerStep, int numGenerations, int maxCompletionLength, float temperature, int topK, float topP,
                           PolicyLossConfig loss, RewardScaling scaleRewards, double topEntropyQuantile, boolean maskTruncated,
                           int numIterations, long seed) {

    public GrpoSettings {
        if (promptsPerStep < 1) throw new IllegalArgumentException("prompts_per_step must be >= 1, got " + promptsPerStep);
        if (numGenerations < 2) throw new IllegalArgumentException("num_generations must be >= 2 (a group needs a baseline), got " + numGenerations);
        if (maxCompletionLength < 1) throw new IllegalArgumentException("max_completion_length must be >= 1, got " + maxCompletionLength);
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be finite and > 0 (GRPO samples), got " + temperature);
        if (loss == null || scaleRewards == null) throw new IllegalArgumentException("loss and scale_rewards must be given");
        if (!(topEntropyQuantile >= 0 && topEntropyQuantile <= 1)) throw new IllegalArgumentException("top_entropy_quantile must be in [0, 1], got " + topEntropyQuantile);
        if (numIterations < 1) throw new IllegalArgumentException("num_iterations must be >= 1, got " + numIterations);
        loss = loss.withMaxCompletionLength(maxCompletionLength).withGroupSize(numGenerations);
    }

    /** TRL's defaults with the given batch shape and loss type: temperature 1, no filters, group scaling, μ = 1. */
    public static GrpoSettings defaults(int promptsPerStep, int numGenerations, int maxCompletionLength, PolicyLossType type, long seed) {
        return new GrpoSettings(promptsPerStep, numGenerations, maxCompletionLength, 1f, 0, 1f, PolicyLossConfig.defaults(type),
                RewardScaling.GROUP, 1.0, false, 1, seed);
    }

    public GrpoSettings withLoss(PolicyLossConfig l) {
        return new GrpoSettings(promptsPerStep, numGenerations, maxCompletionLength, temperature, topK, topP, l, scaleRewards,
                topEntropyQuantile, maskTruncated, numIterations, seed);
    }

    public GrpoSettings withNumIterations(int mu) {
        return new GrpoSettings(promptsPerStep, numGenerations, maxCompletionLength, temperature, topK, topP, loss, scaleRewards,
                topEntropyQuantile, maskTruncated, mu, seed);
    }

    public GrpoSettings withTopEntropyQuantile(double rho) {
        return new GrpoSettings(promptsPerStep, numGenerations, maxCompletionLength, temperature, topK, topP, loss, scaleRewards,
                rho, maskTruncated, numIterations, seed);
    }

    /** Completions per generation round, B = prompts × G. */
    public int batch() { return promptsPerStep * numGenerations; }
}
