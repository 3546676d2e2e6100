package dev.descent.nn;

import java.util.Locale;

/**
 * What a parameter is for, given by the model that builds it. Optimizers route by role, never by
 * parsing names: Muon-style methods apply to {@link #HIDDEN_MATRIX} parameters only (embeddings and
 * heads stay on AdamW, as Muon's README asks), nanoGPT's AdamW decays the matrix roles and not gains
 * or biases, MeZO skips gains and biases in its weight decay.
 */
public enum ParameterRole {
    /** A weight matrix inside the network (attention and MLP projections, hidden Linear layers). */
    HIDDEN_MATRIX,
    /** A lookup table (token or position embedding). */
    EMBEDDING,
    /** The weight of an output head that is a parameter of its own (an untied LM or classifier head). */
    HEAD,
    /** A normalisation gain (LayerNorm's {@code weight}). */
    NORM_GAIN,
    /** An additive bias (of a Linear or a LayerNorm). */
    BIAS,
    /** Anything else (the variables of a plain objective, a parameter without a known purpose). */
    OTHER;

    /** True for the roles whose parameters are matrices (rank ≥ 2 by construction): hidden matrices, embeddings, heads. */
    public boolean isMatrixRole() {
        return this == HIDDEN_MATRIX || this == EMBEDDING || this == HEAD;
    }

    /** True for the roles conventionally left out of weight decay: normalisation gains and biases. */
    public boolean isGainOrBias() {
        return this == NORM_GAIN || this == BIAS;
    }

    /**
     * The role of a parameter known only by its name and rank (a set built from names and shapes, such
     * as an objective's variables or tensors read from a file): the only place where a name is read.
     * Rank ≥ 2: a name containing "wte", "wpe" or "emb" is an {@link #EMBEDDING}, one containing "head"
     * (which covers "lm_head") a {@link #HEAD}, anything else a {@link #HIDDEN_MATRIX}. Rank &lt; 2: a
     * name containing "bias" is a {@link #BIAS}; one containing "layer_norm" or "layernorm", starting
     * with "ln_" or containing ".ln_" a {@link #NORM_GAIN}; anything else {@link #OTHER}. Matching
     * ignores case. These are the rules the optimizers applied to names before parameters carried roles
     * (Muon's hidden-matrix test, μP's matrix-like test, MeZO's decay mask), merged into one.
     */
    public static ParameterRole infer(String name, int rank) {
        String n = name.toLowerCase(Locale.ROOT);
        if (rank >= 2) {
            if (n.contains("wte") || n.contains("wpe") || n.contains("emb")) return EMBEDDING;
            if (n.contains("head")) return HEAD;
            return HIDDEN_MATRIX;
        }
        if (n.contains("bias")) return BIAS;
        if (n.contains("layer_norm") || n.contains("layernorm") || n.startsWith("ln_") || n.contains(".ln_")) return NORM_GAIN;
        return OTHER;
    }
}
