package dev.descent.train;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Module;
import dev.descent.optim.Optimizer;
import dev.descent.quant.QuantizeConfig;
import dev.descent.tensor.Tensor;

/**
 * The bytes a run's model state holds, counted from what is allocated (not estimated): the packed
 * weights of quantized layers, the frozen float32 parameters, the trainable float32 parameters, their
 * gradients, and the optimizer's state tensors (float32). Activations and evaluation buffers are not
 * model state and are left out ({@link TrainingMemory} estimates them).
 *
 * <pre>
 * total = packed + 4·frozen + 4·trainable + 4·gradients + 4·Σ optimizer state sizes
 * </pre>
 *
 * A full AdamW run holds 16 bytes per parameter; a QLoRA run holds the packed base (NF4 in memory: 5 bits
 * per element), the float32 embeddings and norms, and 16 bytes per adapter element.
 */
public record ModelStateBytes(long packed, long frozen, long trainable, long gradients, long optimizerState) {
    /** The sum of the parts. */
    public long total() { return packed + frozen + trainable + gradients + optimizerState; }

    /** The state of {@code model} (flattened, its flat parameters {@code params}) trained by {@code opt}. */
    public static ModelStateBytes of(Module model, FlatParameters params, Optimizer opt) {
        long state = 0;
        for (Tensor t : opt.state().values()) state += 4L * t.size();
        return new ModelStateBytes(QuantizeConfig.packedBytes(model), 4L * params.frozenValues().length, 4L * params.values().length,
                4L * params.grads().length, state);
    }
}
