package dev.descent.nn;

import dev.descent.autograd.Variable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layers applied one after the other, as {@code torch.nn.Sequential}: the {@code i}-th layer is
 * registered under the name {@code "i"}, so parameters are named {@code 0.weight}, {@code 2.bias}, …
 * exactly as PyTorch's {@code state_dict()} of the same Sequential names them.
 *
 * <pre>{@code
 * var model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
 * Init.torchDefault(model, 42);
 * Variable logits = model.forward(x);
 * }</pre>
 */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        if (layers.length == 0) throw new IllegalArgumentException("a Sequential needs at least one layer");
        for (Layer l : layers) add(l);
    }

    /** Appends {@code layer} under the next index and returns it. */
    private void add(Layer layer) {
        if (layer == null) throw new IllegalArgumentException("layer " + layers.size() + " of the Sequential is null");
        module(Integer.toString(layers.size()), layer);
        layers.add(layer);
    }

    @Override
    public Variable forward(Variable x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }

    public Layer get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    public List<Layer> layers() { return Collections.unmodifiableList(layers); }
}
