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
 * @param lensPenalty        LENS's λ ≥ 0 ({@link Lens}; 0: off), applied with the unlikeliness reward
 * @param smoothAdvantages   DCPO's smooth advantage standardization ({@link DcpoAdvantages}) instead of
 *                           the group mean and standard deviation
 * @param gtpoEntropyThreshold  GTPO's entropy threshold τ (used with loss type gtpo, {@link Gtpo})
 * @param gtpoEntropyScale   GTPO's entropy scale s
 * @param gtpoConflictWeight GTPO's weight w of conflict tokens of positive completions
 */
public record GrpoVariants(RewardDithering dither, double ditherScale, double baselineQuantile, int overlongBuffer, double overlongFactor,
                           boolean dynamicSampling, int maxGenerationBatches, double pruningRate, double rankPenalty,
                           double lensPenalty, boolean smoothAdvantages, double gtpoEntropyThreshold, double gtpoEntropyScale,
                           double gtpoConflictWeight) {

    /** Plain GRPO. */
    public static final GrpoVariants NONE = new GrpoVariants(RewardDithering.NONE, 0.05, Double.NaN, 0, 1.0, false, 10, 0.0, 0.0);

    /** The variants without LENS, DCPO's advantages and with GTPO's reference settings. */
    public GrpoVariants(RewardDithering dither, double ditherScale, double baselineQuantile, int overlongBuffer, double overlongFactor,
                        boolean dynamicSampling, int maxGenerationBatches, double pruningRate, double rankPenalty) {
        this(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                0.0, false, Gtpo.ENTROPY_THRESHOLD, Gtpo.ENTROPY_SCALE, Gtpo.CONFLICT_WEIGHT);
    }

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
        if (!(lensPenalty >= 0) || !Double.isFinite(lensPenalty)) throw new IllegalArgumentException("lens_penalty must be a finite number >= 0, got " + lensPenalty);
        if (smoothAdvantages && !Double.isNaN(baselineQuantile)) throw new IllegalArgumentException("smooth_advantages and baseline_quantile both replace the group baseline; choose one");
        if (!(gtpoEntropyThreshold >= 0)) throw new IllegalArgumentException("gtpo_entropy_threshold must be >= 0, got " + gtpoEntropyThreshold);
        if (!(gtpoEntropyScale >= 0) || !Double.isFinite(gtpoEntropyScale)) throw new IllegalArgumentException("gtpo_entropy_scale must be a finite number >= 0, got " + gtpoEntropyScale);
        if (!(gtpoConflictWeight >= 0) || !Double.isFinite(gtpoConflictWeight)) throw new IllegalArgumentException("gtpo_conflict_weight must be a finite number >= 0, got " + gtpoConflictWeight);
    }

    public GrpoVariants withLens(double lambda) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                lambda, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withSmoothAdvantages(boolean on) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                lensPenalty, on, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withGtpo(double threshold, double scale, double conflictWeight) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                lensPenalty, smoothAdvantages, threshold, scale, conflictWeight);
    }

    public GrpoVariants withDither(RewardDithering d, double scale) {
        return new GrpoVariants(d, scale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                lensPenalty, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withBaselineQuantile(double k) {
        return new GrpoVariants(dither, ditherScale, k, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                lensPenalty, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withOverlong(int buffer, double factor) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, buffer, factor, dynamicSampling, maxGenerationBatches, pruningRate, rankPenalty,
                lensPenalty, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withDynamicSampling(boolean on, int maxBatches) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, on, maxBatches, pruningRate, rankPenalty,
                lensPenalty, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withPruningRate(double p) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, p, rankPenalty, lensPenalty, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    public GrpoVariants withRankPenalty(double b) {
        return new GrpoVariants(dither, ditherScale, baselineQuantile, overlongBuffer, overlongFactor, dynamicSampling, maxGenerationBatches, pruningRate, b,
                lensPenalty, smoothAdvantages, gtpoEntropyThreshold, gtpoEntropyScale, gtpoConflictWeight);
    }

    /** Generation batches a round may use: 1 without dynamic sampling. */
    int batchesPerRound() { return dynamicSampling ? maxGenerationBatches : 1; }
}
