package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/**
 * nanoGPT's {@code CausalSelfAttention}: fused q/k/v projection {@code c_attn}, causal attention,
 * output projection {@code c_proj}, dropout {@code resid_dropout}. The projections are looked up by
 * name at each call, so either may be replaced by another {@link Layer} before flattening.
 */
public final class CausalSelfAttention extends Module implements Layer {
    private final int heads;
    private final float dropout;
    private final DropoutStreams streams;

    public CausalSelfAttention(GptConfig c, DropoutStreams streams) {
        module("c_attn", new Linear(c.nEmbd(), 3 * c.nEmbd(), c.bias()));
        module("c_proj", new Linear(c.nEmbd(), c.nEmbd(), c.bias()));
        module("resid_dropout", new Dropout(c.dropout(), streams));
        this.heads = c.nHead();
        this.dropout = c.dropout();
        this.streams = streams;
    }

    /** x {@code [B, T, C]} → {@code [B, T, C]}. */
    @Override
    public Variable forward(Variable x) {
        Variable qkv = layer("c_attn").forward(x);
        float p = isTraining() ? dropout : 0f;
        Variable y = F.causalSelfAttention(qkv, heads, p, p > 0 ? streams.next() : null);
        return layer("resid_dropout").forward(layer("c_proj").forward(y));
    }
}
