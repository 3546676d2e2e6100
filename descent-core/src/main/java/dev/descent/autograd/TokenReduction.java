package dev.descent.autograd;

/** How {@link F#weightedCrossEntropy} reduces its per-token terms (equations in {@link WeightedCrossEntropy}). */
public enum TokenReduction {
    /** Σ over tokens of mask · weight · loss. */
    SUM,
    /** The sum divided by the number of unmasked tokens of the whole batch. */
    MEAN,
    /** Each sequence's sum divided by its own number of unmasked tokens, then the mean over sequences. */
    SEQUENCE_MEAN
}
