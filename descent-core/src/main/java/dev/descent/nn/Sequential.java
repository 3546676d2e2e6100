package dev.descent.nn;

import dev.descent.autograd.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied one after the other, as {@code torch.nn.Sequential}: the {@code i}-th layer is
 * registered under the name {@code "i"}, so parameters are named {@code 0.weight}, {@code 2.bias}, …
 * exactly as PyTorch's {@code state_dict()} of the same Sequential names them. The forward calls the
 * children as registered at that moment, so a layer replaced in the tree is the one that runs.
 *
 * <p>Roles are those the layers give their parameters; a Sequential does not guess which Linear is an
 * output head (a classifier's last layer may be meant as a hidden matrix, as {@link MlpClassifier}'s is),
 * so a head is built as one: {@code new Linear(in, classes, true, ParameterRole.HEAD)}.
 *
 * <pre>{@code
 * var model = Init.torchDefault(new Sequential(
 *         new Linear(64, 128), new ReLU(),
 *         new Linear(128, 10, true, ParameterRole.HEAD)), 42);
 * Variable logits = model.forward(x);
 * }</pre>
 */
public final class Sequential extends Module implements Layer {
    /** @param layers modules that are {@link Layer}s, in the order they apply */
    public Sequential(Layer... layers) {
        if (layers.length == 0) throw new IllegalArgumentException("a Sequential needs at least one layer");
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof Module m)) {
                throw new IllegalArgumentException("layer " + i + " of the Sequential is " + (layers[i] == null ? "null" : "not a Module"));
            }
            module(Integer.toString(i), m);
        }
    }

    @Override
    public Variable forward(Variable x) {
        for (Module m : children().values()) x = ((Layer) m).forward(x);
        return x;
    }

    /** The {@code i}-th layer. */
    public Layer get(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("layer " + i + " of a Sequential of " + size());
        return (Layer) children().get(Integer.toString(i));
    }

    public int size() { return children().size(); }

    /** The layers in order. */
    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>(size());
        for (Module m : children().values()) out.add((Layer) m);
        return List.copyOf(out);
    }
}
