package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** A pre-LayerNorm transformer block: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}. */
public final class Block extends Module {
    public final LayerNorm ln1;
    public final CausalSelfAttention attn;
    public final LayerNorm ln2;
    public final Mlp mlp;

    public Block(GptConfig c, DropoutStreams streams) {
        this.ln1 = module("ln_1", new LayerNorm(c.nEmbd(), c.bias()));
        this.attn = module("attn", new CausalSelfAttention(c, streams));
        this.ln2 = module("ln_2", new LayerNorm(c.nEmbd(), c.bias()));
        this.mlp = module("mlp", new Mlp(c, streams));
    }

    public Variable forward(Variable x) {
        x = F.add(x, attn.forward(ln1.forward(x)));
        return F.add(x, mlp.forward(ln2.forward(x)));
    }
}
