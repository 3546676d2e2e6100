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
    private final FlatParameters parameters;

    /** @param sizes input width, hidden widths…, number of classes */
    public MlpClassifier(long seed, int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("need at least input and output sizes");
        net = module("net", new ModuleList<>());
        for (int i = 0; i + 1 < sizes.length; i++) {
            net.add(new Linear(sizes[i], sizes[i + 1], true));
            if (i + 2 < sizes.length) net.add(new Relu());
        }
        parameters = FlatParameters.of(this);
        for (Parameter p : parameters.list()) {
            int fanIn = p.name().endsWith(".weight") ? p.value().dim(1) : findFanIn(p.name());
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            Tensor v = p.value();
            Philox.stream(seed, "init/" + p.name()).fillUniform(v.data(), v.offset(), v.size(), 0);
            for (int i = 0; i < v.size(); i++) v.data()[v.offset() + i] = (v.data()[v.offset() + i] * 2 - 1) * bound;
        }
    }

    private int findFanIn(String biasName) {
        return parameters.get(biasName.substring(0, biasName.length() - "bias".length()) + "weight").value().dim(1);
    }

    public FlatParameters parameters() { return parameters; }

    /** Logits {@code [n, classes]} for inputs {@code [n, features]}. */
    public Variable forward(Variable x) {
        for (Module m : net.items()) {
            x = m instanceof Linear l ? l.forward(x) : F.relu(x);
        }
        return x;
    }

    /** A parameter-free marker module for the ReLU positions of the sequence. */
    static final class Relu extends Module {}

}
