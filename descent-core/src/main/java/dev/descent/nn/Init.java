package dev.descent.nn;

import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;

/**
 * PyTorch's default initialisation of the standard layers, drawn from counter-based streams keyed by
 * (seed, {@code "init/" + dotted parameter name}), so a parameter's initial value depends only on the
 * seed and its name (not on the order in which layers were built or initialised):
 * <ul>
 *   <li>{@link Linear}: weight and bias uniform in ±1/√in ({@code torch.nn.Linear.reset_parameters}:
 *       kaiming_uniform with a = √5 gives exactly this bound for the weight);
 *   <li>{@link Embedding}: weight N(0, 1) ({@code torch.nn.Embedding});
 *   <li>{@link LayerNorm}: weight 1, bias 0.
 * </ul>
 * Parameters of other modules are left as they are. The streams differ from PyTorch's global
 * generator, so the distributions match PyTorch and the values do not.
 */
public final class Init {
    private Init() {}

    /** Initialises every Linear, Embedding and LayerNorm in the tree of {@code root}; returns {@code root}. */
    public static <M extends Module> M torchDefault(M root, long seed) {
        visit(root, "", seed);
        return root;
    }

    private static void visit(Module m, String prefix, long seed) {
        switch (m) {
            case Linear l -> {
                float bound = (float) (1.0 / Math.sqrt(l.weight.value().dim(1)));
                uniform(l.weight, prefix + "weight", bound, seed);
                if (l.bias != null) uniform(l.bias, prefix + "bias", bound, seed);
            }
            case Embedding e -> {
                Tensor v = e.weight.value();
                Philox.stream(seed, "init/" + prefix + "weight").fillGaussian(v.data(), v.offset(), v.size(), 0);
            }
            case LayerNorm n -> {
                n.weight.value().fill(1f);
                if (n.bias != null) n.bias.value().fill(0f);
            }
            default -> { }
        }
        for (var c : m.children().entrySet()) visit(c.getValue(), prefix + c.getKey() + ".", seed);
    }

    /** U(−bound, bound) as {@code (2u − 1)·bound} in float, u uniform in [0, 1). */
    private static void uniform(Parameter p, String name, float bound, long seed) {
        Tensor v = p.value();
        float[] d = v.data();
        Philox.stream(seed, "init/" + name).fillUniform(d, v.offset(), v.size(), 0);
        for (int i = v.offset(); i < v.offset() + v.size(); i++) d[i] = (d[i] * 2 - 1) * bound;
    }
}
