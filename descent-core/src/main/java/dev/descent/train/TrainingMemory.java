package dev.descent.train;

import dev.descent.io.TextFiles;
import dev.descent.nn.GptConfig;
import dev.descent.optim.OptimizerRegistry;
import java.util.Locale;

/**
 * How much heap training a GPT needs, estimated from its configuration before anything is allocated, so
 * that a model or batch that cannot fit is refused with one line saying what fits instead of ending in
 * an {@code OutOfMemoryError} (or an {@code int} overflow) minutes later.
 *
 * <p>The estimate counts float32 values:
 * <pre>
 * bytes = 4 · ( P · (2 + s)                                  parameters, gradients, optimizer state
 *             + B · T · ( L · (18·C + H·T) + 2·V + 4·C ) )   activations kept for one backward pass
 * </pre>
 * with P the parameter count ({@link GptConfig#nonEmbeddingParams()} plus the position embedding
 * T·C), s the optimizer's state floats per parameter ({@code OptimizerInfo.stateFloatsPerParam}), B the
 * batch, T the context, L the layers, C the width, H the heads and V the vocabulary. Per layer and
 * token the tape keeps about 18·C values (two layer-norm outputs, q/k/v, the attention output and its
 * projection, the 4·C MLP input and its GELU, two residual sums) and one row of H·T attention
 * probabilities; the head keeps the logits and their softmax (2·V). The count leaves out the
 * gradients of activations, which live only while backward passes through a layer, and small buffers,
 * so it is a lower bound: a configuration it refuses cannot run, one it accepts may still be tight.
 */
public final class TrainingMemory {
    private TrainingMemory() {}

    /** The estimated parts, in bytes. */
    public record Estimate(long parameters, long optimizerState, long activations) {
        public long total() { return sat(sat(parameters, optimizerState), activations); }
    }

    /** The estimate for {@code config} (keys of {@link TrainConfig}) with a vocabulary of {@code vocab} tokens. */
    public static Estimate estimate(TrainConfig config, int vocab) {
        int c = config.getInt("n_embd"), l = config.getInt("n_layer"), h = config.getInt("n_head");
        int t = config.getInt("block_size"), b = config.getInt("batch_size");
        long p = new GptConfig(vocab, t, l, h, c, 0f, config.getBool("bias")).nonEmbeddingParams() + (long) t * c;
        double s = stateFloats(config.getString("optimizer"));
        long params = sat8(p);                                              // values and gradients
        long state = (long) Math.min(Long.MAX_VALUE, 4.0 * s * p);
        return new Estimate(params, state, activationBytes(b, t, l, h, c, vocab));
    }

    private static long activationBytes(long b, long t, long l, long h, long c, long vocab) {
        double perToken = l * (18.0 * c + (double) h * t) + 2.0 * vocab + 4.0 * c;
        return (long) Math.min(Long.MAX_VALUE, 4.0 * b * t * perToken);
    }

    private static double stateFloats(String optimizer) {
        OptimizerRegistry r = OptimizerRegistry.defaults();
        return r.contains(optimizer) ? r.info(optimizer).stateFloatsPerParam() : 2; // adamw: m and v
    }

    /** Checks the estimate against the JVM's maximum heap ({@code Runtime.maxMemory()}, set by -Xmx). */
    public static void check(TrainConfig config, int vocab) {
        check(config, vocab, Runtime.getRuntime().maxMemory());
    }

    /**
     * Refuses {@code config} when its estimate exceeds {@code heapBytes}: one line with the estimate, its
     * parts, the heap, and the largest batch_size that fits (or that the model itself does not fit).
     */
    public static void check(TrainConfig config, int vocab, long heapBytes) {
        Estimate e = estimate(config, vocab);
        if (e.total() <= heapBytes) return;
        long fixed = sat(e.parameters(), e.optimizerState());
        long perSequence = Math.max(1, e.activations() / config.getInt("batch_size"));
        String fits = fixed >= heapBytes
                ? "the parameters and optimizer state alone do not fit: reduce n_embd or n_layer"
                : heapBytes - fixed >= perSequence
                ? "at most batch_size=" + (heapBytes - fixed) / perSequence + " fits with this model"
                : "not even batch_size=1 fits: reduce block_size, n_layer or n_embd";
        throw new ConfigException(String.format(Locale.ROOT,
                "n_layer=%d n_embd=%d n_head=%d block_size=%d batch_size=%d with %s needs about %s of heap "
                        + "(parameters and gradients %s, optimizer state %s, activations %s) but the heap holds at most %s (-Xmx); %s",
                config.getInt("n_layer"), config.getInt("n_embd"), config.getInt("n_head"), config.getInt("block_size"),
                config.getInt("batch_size"), config.getString("optimizer"), TextFiles.bytes(e.total()), TextFiles.bytes(e.parameters()),
                TextFiles.bytes(e.optimizerState()), TextFiles.bytes(e.activations()), TextFiles.bytes(heapBytes), fits));
    }

    private static long sat(long a, long b) {
        long s = a + b;
        if (((a ^ s) & (b ^ s)) < 0) return Long.MAX_VALUE;
        return s;
    }

    private static long sat8(long p) { return p > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : 8 * p; }
}
