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
 * bytes = 4 · ( P · (2 + s)                                   parameters, gradients, optimizer state
 *             + B · T · ( L · (18·C + 2·C·[p &gt; 0] + H·T + 4)    activations kept for the backward pass
 *                       + 17·C + C·[p &gt; 0] + 3·V + 2 )           and the gradients alive at once
 *             + 2·T·C + 1 )                                   position rows and their gradient, loss gradient
 * </pre>
 * with P the parameter count ({@link GptConfig#nonEmbeddingParams()} plus the position embedding
 * T·C), s the optimizer's state floats per parameter ({@code OptimizerInfo.stateFloatsPerParam}), B the
 * batch, T the context, L the layers, C the width, H the heads, V the vocabulary and p the dropout.
 * The activation term is the storage of the training step's {@link dev.descent.autograd.ActivationArena}
 * in its steady state, counted buffer by buffer (and checked against a measured arena in the tests):
 * per layer and token the graph keeps 18·C values (two layer-norm outputs, q/k/v, the attention
 * output and its projection, the 4·C MLP input and its GELU, the MLP projection, two residual sums),
 * 2·C more for the two dropout outputs when p &gt; 0, one row of H·T attention probabilities and the
 * two layer norms' mean and 1/σ (4); outside the blocks the embeddings' sum (and its dropout), the
 * final layer norm, the logits and their softmax (3·C + C·[p &gt; 0] + 2·V + 2). Gradients of
 * activations go back to the arena as soon as backward has consumed them, so at most 14·C + V of them
 * per token are alive at once (the MLP's 4·C input and output gradients and the residual stream's,
 * the logits' gradient). The position embedding's T rows and their gradient come from the arena too
 * (2·T·C, once per step, not per sequence). Small buffers (per-thread scratch, the graph's nodes) are
 * left out.
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
        boolean dropout = config.getDouble("dropout") > 0;
        return new Estimate(params, state, activationBytes(b, t, l, h, c, vocab, dropout));
    }

    /** The activation and gradient storage of one training step (the formula of the class comment). */
    static long activationBytes(long b, long t, long l, long h, long c, long vocab, boolean dropout) {
        double d = dropout ? 1 : 0;
        double perToken = l * (18.0 * c + 2.0 * c * d + (double) h * t + 4) + 17.0 * c + c * d + 3.0 * vocab + 2;
        // + the position rows and their gradient, + the loss's gradient
        return (long) Math.min(Long.MAX_VALUE, 4.0 * b * t * perToken + 8.0 * t * c + 4);
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
