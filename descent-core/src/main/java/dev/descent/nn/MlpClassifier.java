package dev.descent.nn;

import dev.descent.autograd.Variable;

/**
 * A multi-layer perceptron classifier {@code Linear → ReLU → … → Linear}, named like
 * {@code torch.nn.Sequential} ({@code net.0.weight}, {@code net.2.weight}, …), initialised as
 * PyTorch's {@code nn.Linear} default ({@link Init#torchDefault}): weight and bias uniform in ±1/√fan_in.
 */
public final class MlpClassifier extends Module {
    private final Sequential net;
    private final FlatParameters parameters;

    /** @param sizes input width, hidden widths…, number of classes */
    public MlpClassifier(long seed, int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("need at least input and output sizes");
        Layer[] layers = new Layer[2 * sizes.length - 3];
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers[2 * i] = new Linear(sizes[i], sizes[i + 1], true);
            if (i + 2 < sizes.length) layers[2 * i + 1] = new ReLU();
        }
        net = module("net", new Sequential(layers));
        parameters = FlatParameters.of(this);
        Init.torchDefault(this, seed);
    }

    public FlatParameters parameters() { return parameters; }

    /** Logits {@code [n, classes]} for inputs {@code [n, features]}. */
    public Variable forward(Variable x) {
        return net.forward(x);
    }
}
