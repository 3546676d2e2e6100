package dev.descent.rl;

/**
 * Named modifications of GRPO's rewards, advantages and batch ({@link GrpoObjective}), each off by
 * default, each following its paper (the classes named below carry the equations and references).
 * They compose in this order in a generation round: verifier reward (+ {@link OverlongPenalty}) →
 * dynamic sampling on the verifier rewards → {@link RewardDithering} → group advantages (mean or
 * {@link QuantileAdvantages} baseline) → {@link CompletionPruning}.
 *
 * @param dither             ReDit's noise distribution (NONE: off)
 * @param ditherScale        its σ (Gaussian) or half-width (uniform)
 * @param baselineQuantile   QAE's K in (0, 1]; NaN: GRPO's group mean
 * @param overlongBuffer     DAPO's soft overlong punishment buffer L_cache in tokens (0: off)
 * @param overlongFactor     its penalty factor (verl's default 1)
 * @param dynamicSampling    DAPO's dynamic sampling: groups whose verifier rewards all agree are
 *                           dropped and more prompts are sampled until prompts_per_step groups vary
 * @param maxGenerationBatches  most generation batches per round when dynamic sampling (verl's
 *                           {@code max_num_gen_batches}, DAPO recipe 10); when they are spent the round
 *                           trains on the varying groups found so far (all of the last batch's groups
 *                           when none varies), where verl stops with an error
 * @param pruningRate        CPPO's pruning rate P in [0, 1) (0: off)
 * @param rankPenalty        the unlikeliness reward's β_rank in [0, 1] ({@link UnlikelinessReward}; 0: off),
 *                           applied after dynamic sampling and before dithering
 */
public record GrpoVariants(RewardDithering dither, double ditherScale, double baselineQuantile, int overlongBuffer, double overlongFactor,
                           boolean dynamicSampling, int maxGenerationBatches, double pruningRate, double rankPenalty) {

    /** Plain GRPO. */
    public static final GrpoVariants NONE = new GrpoVariants(RewardDithering.NONE, 0.05, Double.NaN, 0, 1.0, false, 10, 0.0, 0.0);

    public GrpoVariants {
        if (dither == null) throw new IllegalArgumentException("reward_dither must be one of none, gaussian, uniform");
        if (!(ditherScale >= 0) || Double.isInfinite(ditherScale)) throw new IllegalArgumentException("reward_dither_scale must be finite and >= 0, got " + ditherScale);
        if (!Double.isNaN(baselineQuantile) && !(baselineQuantile > 0 && baselineQuantile <= 1)) {
            throw new IllegalArgumentException("baseline_quantile must be in (0, 1], got " + baselineQuantile);
        }
        if (overlongBuffer < 0) throw new IllegalArgumentException("overlong_buffer must be >= 0, got " + overlongBuffer);
        if (!(overlongFactor >= 0) || Double.isInfinite(overlongFactor)) throw new IllegalArgumentException("overlong_penalty_factor must be finite and >= 0, got " + overlongFactor);
        if (maxGenerationBatches < 1) throw new IllegalArgumentException("max_generation_batches must be >= 1, got " + maxGenerationBatches);
        if (!(pruningRate >= 0 && pruningRate < 1)) throw new IllegalArgumentException("pruning_rate must be in [0, 1), got " + pruningRate);
        if (!(rankPenalty >= 0 && rankPenalty <= 1)) throw new IllegalArgumentException("rank_penalty must be in [0, 1], got " + rankPenalty);
    }

    public GrpoVariants withDither(RewardDithering d, double scale) {
        return new GrpoVariants(d, scale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty);
    }

    public GrpoVariants withBaselineQuantile(double k) {
        return new GrpoVariants(dither, ditherScale, k, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty);
    }

    public GrpoVariants withOverlong(int buffer, double factor) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, buffer, factor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty);
    }

    public GrpoVariants withDynamicSampling(boolean on, int maxBatches) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, on, maxBatches, pruningRate, rankPenalty);
    }

    public GrpoVariants withPruningRate(double p) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, p, rankPenalty);
    }

    public GrpoVariants withRankPenalty(double b) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, b);
    }

    /** Generation batches a round may use: 1 without dynamic sampling. */
    int batchesPerRound() { return dynamicSampling ? maxGenerationBatches : 1; }
}
