package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;

/** nanoGPT's {@code MLP}: {@code c_fc} (4× wider), exact GELU, {@code c_proj}, dropout. */
public final class Mlp extends Module implements Layer {
    public Mlp(GptConfig c, DropoutStreams streams) {
        module("c_fc", new Linear(c.nEmbd(), 4 * c.nEmbd(), c.bias()));
        module("c_proj", new Linear(4 * c.nEmbd(), c.nEmbd(), c.bias()));
        module("dropout", new Dropout(c.dropout(), streams));
    }

    @Override
    public Variable forward(Variable x) {
        return layer("dropout").forward(layer("c_proj").forward(F.gelu(layer("c_fc").forward(x))));
    }
}
