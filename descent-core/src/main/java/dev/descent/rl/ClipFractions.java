package dev.descent.rl;

/**
 * How often the ratio r = π/π_old was clipped, as TRL logs it ({@code clip_ratio/*}): a token is
 * low-clipped when r &lt; 1 − ε_low and A &lt; 0, high-clipped when r &gt; 1 + ε_high and A &gt; 0
 * (exactly the tokens whose policy term has no gradient), region-clipped when either.
 *
 * @param low       low-clipped tokens / unmasked tokens ({@code clip_ratio/low_mean})
 * @param high      high-clipped tokens / unmasked tokens ({@code clip_ratio/high_mean})
 * @param region    clipped tokens / unmasked tokens ({@code clip_ratio/region_mean})
 * @param lowMin    the smallest per-sequence low fraction ({@code clip_ratio/low_min}; sequences
 *                  without tokens are skipped; NaN when all are)
 * @param highMax   the largest per-sequence high fraction ({@code clip_ratio/high_max})
 */
public record ClipFractions(double low, double high, double region, double lowMin, double highMax) {}
