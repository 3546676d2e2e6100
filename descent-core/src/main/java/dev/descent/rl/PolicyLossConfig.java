package dev.descent.rl;

/**
 * Settings of the clipped policy loss, with TRL's {@code GRPOConfig} names and defaults
 * ({@code loss_type} dapo, {@code epsilon} 0.2, {@code epsilon_high} = epsilon when not given,
 * {@code beta} 0).
 *
 * @param type                how the per-token terms are reduced ({@link PolicyLossType})
 * @param epsilonLow          lower clip: the ratio is clipped below at 1 − ε_low (TRL's {@code epsilon})
 * @param epsilonHigh         upper clip: above at 1 + ε_high (TRL's {@code epsilon_high}; DAPO's clip-higher)
 * @param beta                weight of the k3 KL estimate to the reference policy (0: no reference needed)
 * @param maxCompletionLength the denominator of DR_GRPO (TRL's {@code max_completion_length}); ≤ 0
 *                            means the batch's padded length T
 * @param globalTokens        DAPO's {@code num_items_in_batch}; ≤ 0 means this batch's unmasked tokens
 * @param dynamicClipC        NaN: TRL's fixed clip [1 − ε_low, 1 + ε_high]; a number &gt; 1: DCPO's dynamic
 *                            clip bounds with this dual-clip constant c ({@link DcpoClip}, verl's
 *                            {@code clip_ratio_c}; the DCPO recipe uses 10)
 * @param pacsBeta            PACS's β, the scale of its score ({@link PacsLoss}; used by loss type PACS only)
 * @param groupSize           completions per prompt, G (PACS's groups); ≤ 0: not known (PACS refuses it)
 */
public record PolicyLossConfig(PolicyLossType type, double epsilonLow, double epsilonHigh, double beta,
                               int maxCompletionLength, double globalTokens, double dynamicClipC, double pacsBeta, int groupSize) {

    /** The fixed-clip loss (no DCPO clip, PACS's β = 1, group size unknown). */
    public PolicyLossConfig(PolicyLossType type, double epsilonLow, double epsilonHigh, double beta, int maxCompletionLength, double globalTokens) {
        this(type, epsilonLow, epsilonHigh, beta, maxCompletionLength, globalTokens, Double.NaN, 1.0, 0);
    }

    public PolicyLossConfig {
        if (type == null) throw new IllegalArgumentException("loss_type must be one of " + PolicyLossType.names() + ", got null");
        if (!(epsilonLow >= 0) || !Double.isFinite(epsilonLow)) throw new IllegalArgumentException("epsilon must be a finite number >= 0, got " + epsilonLow);
        if (!(epsilonHigh >= 0) || !Double.isFinite(epsilonHigh)) throw new IllegalArgumentException("epsilon_high must be a finite number >= 0, got " + epsilonHigh);
        if (!(beta >= 0) || !Double.isFinite(beta)) throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        if (!Double.isFinite(globalTokens)) throw new IllegalArgumentException("num_items_in_batch must be finite, got " + globalTokens);
        if (!Double.isNaN(dynamicClipC) && !(dynamicClipC > 1 && dynamicClipC < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("clip_ratio_c must be a finite number > 1 (DCPO's dual clip), got " + dynamicClipC);
        }
        if (!(pacsBeta > 0) || !Double.isFinite(pacsBeta)) throw new IllegalArgumentException("pacs_beta must be a finite number > 0, got " + pacsBeta);
    }

    /** True when the ratio is clipped by DCPO's dynamic bounds instead of TRL's fixed ones. */
    public boolean dynamicClip() { return !Double.isNaN(dynamicClipC); }

    /** TRL's defaults for a loss type: ε = 0.2 on both sides, β = 0, lengths and token counts from the batch. */
    public static PolicyLossConfig defaults(PolicyLossType type) {
        return new PolicyLossConfig(type, 0.2, 0.2, 0.0, 0, 0);
    }

    public PolicyLossConfig withEpsilon(double low, double high) {
        return new PolicyLossConfig(type, low, high, beta, maxCompletionLength, globalTokens, dynamicClipC, pacsBeta, groupSize);
    }

    public PolicyLossConfig withBeta(double b) {
        return new PolicyLossConfig(type, epsilonLow, epsilonHigh, b, maxCompletionLength, globalTokens, dynamicClipC, pacsBeta, groupSize);
    }

    public PolicyLossConfig withMaxCompletionLength(int length) {
        return new PolicyLossConfig(type, epsilonLow, epsilonHigh, beta, length, globalTokens, dynamicClipC, pacsBeta, groupSize);
    }

    public PolicyLossConfig withGlobalTokens(double tokens) {
        return new PolicyLossConfig(type, epsilonLow, epsilonHigh, beta, maxCompletionLength, tokens, dynamicClipC, pacsBeta, groupSize);
    }

    /** DCPO's dynamic clip with dual-clip constant {@code c} (NaN: TRL's fixed clip). */
    public PolicyLossConfig withDynamicClip(double c) {
        return new PolicyLossConfig(type, epsilonLow, epsilonHigh, beta, maxCompletionLength, globalTokens, c, pacsBeta, groupSize);
    }

    public PolicyLossConfig withPacsBeta(double b) {
        return new PolicyLossConfig(type, epsilonLow, epsilonHigh, beta, maxCompletionLength, globalTokens, dynamicClipC, b, groupSize);
    }

    public PolicyLossConfig withGroupSize(int g) {
        return new PolicyLossConfig(type, epsilonLow, epsilonHigh, beta, maxCompletionLength, globalTokens, dynamicClipC, pacsBeta, g);
    }
}
