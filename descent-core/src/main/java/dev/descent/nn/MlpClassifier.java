package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;

/**
 * A multi-layer perceptron classifier {@code Linear → ReLU → … → Linear}, named like
 * {@code torch.nn.Sequential} ({@code net.0.weight}, {@code net.2.weight}, …), initialised as
 * PyTorch's {@code nn.Linear} default: weight and bias uniform in ±1/√fan_in.
 *
 * <p>Roles: every Linear weight, the output layer's included, is a {@link ParameterRole#HIDDEN_MATRIX}
 * and every bias a {@link ParameterRole#BIAS}. The output layer is a classifier head in spirit, but
 * Muon-style optimizers have always treated it as a hidden matrix here (Muon's benchmark results on
 * these models were measured that way), so it keeps that role; a head that should stay on AdamW is a
 * {@code Linear} built with {@link ParameterRole#HEAD}.
 */
public final class MlpClassifier extends Module {
    private final ModuleList<Module> net;

    /**
     * Builds and initialises the module tree (not flattened: modules may be replaced and parameters
     * frozen until {@link #flatten()} or the first {@link #parameters()}).
     *
     * @param sizes input width, hidden widths…, number of classes
     */
    public MlpClassifier(long seed, int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("need at least input and output sizes");
        net = module("net", new ModuleList<>());
        for (int i = 0; i + 1 < sizes.length; i++) {
            Linear layer = new Linear(sizes[i], sizes[i + 1], true);
            net.add(layer);
            String prefix = "net." + (net.size() - 1) + ".";
            int fanIn = sizes[i];
            initUniform(layer.weight, prefix + "weight", fanIn, seed);
            initUniform(layer.bias, prefix + "bias", fanIn, seed);
            if (i + 2 < sizes.length) net.add(new Relu());
        }
    }

    /** U(−1/√fan_in, 1/√fan_in) from the stream keyed by (seed, "init/" + name). */
    private static void initUniform(Parameter p, String name, int fanIn, long seed) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        Tensor v = p.value();
        Philox.stream(seed, "init/" + name).fillUniform(v.data(), v.offset(), v.size(), 0);
        for (int i = 0; i < v.size(); i++) v.data()[v.offset() + i] = (v.data()[v.offset() + i] * 2 - 1) * bound;
    }

    /** The flat parameters, flattening the model on the first call (see {@link Module#flatten()}). */
    public FlatParameters parameters() { return flatten(); }

    /** Logits {@code [n, classes]} for inputs {@code [n, features]}. */
    public Variable forward(Variable x) {
        for (Module m : net.modules()) x = ((Layer) m).forward(x);
        return x;
    }

    /** A parameter-free ReLU at its position in the sequence. */
    static final class Relu extends Module implements Layer {
        @Override
        public Variable forward(Variable x) { return F.relu(x); }
    }

}
