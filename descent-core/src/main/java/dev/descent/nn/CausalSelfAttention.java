package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** nanoGPT's {@code CausalSelfAttention}: fused q/k/v projection, causal attention, output projection. */
public final class CausalSelfAttention extends Module {
    public final Linear cAttn;
    public final Linear cProj;
    private final Dropout residDropout;
    private final int heads;
    private final float dropout;
    private final DropoutStreams streams;

    public CausalSelfAttention(GptConfig c, DropoutStreams streams) {
        this.cAttn = module("c_attn", new Linear(c.nEmbd(), 3 * c.nEmbd(), c.bias()));
        this.cProj = module("c_proj", new Linear(c.nEmbd(), c.nEmbd(), c.bias()));
        this.residDropout = module("resid_dropout", new Dropout(c.dropout(), streams));
        this.heads = c.nHead();
        this.dropout = c.dropout();
        this.streams = streams;
    }

    /** x {@code [B, T, C]} → {@code [B, T, C]}. */
    public Variable forward(Variable x) {
        Variable qkv = cAttn.forward(x);
        float p = isTraining() ? dropout : 0f;
        Variable y = F.causalSelfAttention(qkv, heads, p, p > 0 ? streams.next() : null);
        return residDropout.forward(cProj.forward(y));
    }
}
