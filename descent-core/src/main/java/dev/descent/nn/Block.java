package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** A pre-LayerNorm transformer block: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}. */
public final class Block extends Module implements Layer {
    public Block(GptConfig c, DropoutStreams streams) {
        module("ln_1", new LayerNorm(c.nEmbd(), c.bias()));
        module("attn", new CausalSelfAttention(c, streams));
        module("ln_2", new LayerNorm(c.nEmbd(), c.bias()));
        module("mlp", new Mlp(c, streams));
    }

    @Override
    public Variable forward(Variable x) {
        x = F.add(x, layer("attn").forward(layer("ln_1").forward(x)));
        return F.add(x, layer("mlp").forward(layer("ln_2").forward(x)));
    }
}
