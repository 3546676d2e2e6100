package dev.descent.nn;

import dev.descent.autograd.Variable;

/**
 * A multi-layer perceptron classifier {@code Linear → ReLU → … → Linear}: a {@link Sequential} under the
 * name {@code net} ({@code net.0.weight}, {@code net.2.weight}, …), initialised as PyTorch's
 * {@code nn.Linear} default ({@link Init#torchDefault}): weight and bias uniform in ±1/√fan_in.
 *
 * <p>Roles: every Linear weight, the output layer's included, is a {@link ParameterRole#HIDDEN_MATRIX}
 * and every bias a {@link ParameterRole#BIAS}. The output layer is a classifier head in spirit, but
 * Muon-style optimizers have always treated it as a hidden matrix here (Muon's benchmark results on
 * these models were measured that way), so it keeps that role; a head that should stay on AdamW is a
 * {@code Linear} built with {@link ParameterRole#HEAD}.
 */
public final class MlpClassifier extends Module {
    private final Sequential net;

    /**
     * Builds and initialises the module tree (not flattened: modules may be replaced and parameters
     * frozen until {@link #flatten()} or the first {@link #parameters()}).
     *
     * @param sizes input width, hidden widths…, number of classes
     */
    public MlpClassifier(long seed, int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("need at least input and output sizes");
        Layer[] layers = new Layer[2 * sizes.length - 3];
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers[2 * i] = new Linear(sizes[i], sizes[i + 1], true);
            if (i + 2 < sizes.length) layers[2 * i + 1] = new ReLU();
        }
        net = module("net", new Sequential(layers));
        Init.torchDefault(this, seed);
    }

    /** The flat parameters, flattening the model on the first call (see {@link Module#flatten()}). */
    public FlatParameters parameters() { return flatten(); }

    /** Logits {@code [n, classes]} for inputs {@code [n, features]}. */
    public Variable forward(Variable x) {
        return net.forward(x);
    }

    /**
     * The input of the output layer {@code [n, last hidden width]}: every layer but the last Linear
     * (the representation a frozen feature extractor hands to a separate classifier head).
     */
    public Variable features(Variable x) {
        if (net.size() == 1) throw new IllegalStateException("an MLP without hidden layers has no features");
        for (int i = 0; i + 1 < net.size(); i++) x = net.get(i).forward(x);
        return x;
    }
}
