package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** nanoGPT's {@code MLP}: {@code c_fc} (4× wider), exact GELU, {@code c_proj}, dropout. */
public final class Mlp extends Module {
    public final Linear cFc;
    public final Linear cProj;
    private final Dropout dropout;

    public Mlp(GptConfig c, DropoutStreams streams) {
        this.cFc = module("c_fc", new Linear(c.nEmbd(), 4 * c.nEmbd(), c.bias()));
        this.cProj = module("c_proj", new Linear(4 * c.nEmbd(), c.nEmbd(), c.bias()));
        this.dropout = module("dropout", new Dropout(c.dropout(), streams));
    }

    public Variable forward(Variable x) {
        return dropout.forward(cProj.forward(F.gelu(cFc.forward(x))));
    }
}
