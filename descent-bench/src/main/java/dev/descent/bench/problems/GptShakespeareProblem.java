package dev.descent.bench.problems;

import dev.descent.data.TextDataset;
import dev.descent.nn.GptConfig;

/**
 * A small character-level GPT on Tiny Shakespeare ({@code gpt-shakespeare}): the transformer of the
 * suite, nanoGPT's {@code shakespeare_char} recipe scaled down so that a few hundred steps run in
 * well under a minute on one thread.
 *
 * <ul>
 *   <li><b>Data:</b> the bundled Tiny Shakespeare, 65-character vocabulary, first 90 % of the
 *       characters train and the last 10 % validate ({@link TextDataset}).</li>
 *   <li><b>Model:</b> {@link dev.descent.nn.Gpt} with 2 layers, 4 heads, n_embd 64, block 64, no biases,
 *       no dropout: 65·64 + 64·64 (embeddings; the LM head is tied) + 2 · (12·64² + 2·64) + 64 = 106,880
 *       parameters. Dropout is off because a few hundred steps do not overfit 1 M characters and
 *       because it would make {@link GptInstance#loss()} depend on masks, which zeroth-order methods
 *       would then see as noise.</li>
 *   <li><b>Batches:</b> 16 windows of 64 tokens (1,024 tokens per step) at offsets drawn from
 *       {@code Philox.stream(seed, "data/train")} at indices step·16 … ({@link TextDataset#batch}, the
 *       trainer's own sampling), i.e. with replacement.</li>
 *   <li><b>Loss and metric:</b> mean next-token cross-entropy; {@code val_loss} (lower is better) is
 *       the mean over 8 fixed validation batches (8,192 tokens) drawn from
 *       {@code Philox.stream(0, "eval/val")}, the same for every seed so that seeds are compared on
 *       the same text. The uniform prediction scores ln 65 = 4.17.</li>
 *   <li><b>Defaults:</b> 300 steps, evaluated every 100, loss target 2.5; throughput in tokens. AdamW
 *       at lr = 10⁻³ reaches val_loss 2.46–2.48 and crosses
 *       the target after 138–157 steps (seeds 0–1), at about 20–30 ms per step on one thread.</li>
 * </ul>
 */
public final class GptShakespeareProblem implements BenchProblem {
    private static final Lazy<TextDataset> SHAKESPEARE = new Lazy<>(TextDataset::shakespeare);

    private final int nLayer;
    private final int nHead;
    private final int nEmbd;
    private final int blockSize;
    private final int batchSize;
    private final int evalBatches;
    private final int defaultSteps;
    private final int defaultEvalEvery;
    private final double lossTarget;

    public GptShakespeareProblem(int nLayer, int nHead, int nEmbd, int blockSize, int batchSize, int evalBatches, int steps, int evalEvery,
                                 double lossTarget) {
        if (evalBatches < 1) throw new IllegalArgumentException("eval batches must be positive, got " + evalBatches);
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be positive, got " + batchSize);
        if (steps < 1 || evalEvery < 1) throw new IllegalArgumentException("steps and eval_every must be positive, got " + steps + ", " + evalEvery);
        new GptConfig(65, blockSize, nLayer, nHead, nEmbd, 0f, false); // validates the shape early
        this.nLayer = nLayer;
        this.nHead = nHead;
        this.nEmbd = nEmbd;
        this.blockSize = blockSize;
        this.batchSize = batchSize;
        this.evalBatches = evalBatches;
        this.defaultSteps = steps;
        this.defaultEvalEvery = evalEvery;
        this.lossTarget = lossTarget;
    }

    /** The registered configuration. */
    public static GptShakespeareProblem standard() {
        return new GptShakespeareProblem(2, 4, 64, 64, 16, 8, 300, 100, 2.5);
    }

    @Override public String name() { return "gpt-shakespeare"; }

    @Override
    public String description() {
        return "char GPT (" + nLayer + " layers, n_embd " + nEmbd + ", block " + blockSize + ") on Tiny Shakespeare, batch " + batchSize
                + ", next-token cross-entropy; validation loss";
    }

    @Override public String metric() { return "val_loss"; }

    @Override public boolean higherIsBetter() { return false; }

    @Override public int defaultSteps() { return defaultSteps; }

    @Override public int defaultEvalEvery() { return defaultEvalEvery; }

    @Override public double lossTarget() { return lossTarget; }

    @Override
    public GptInstance instantiate(long seed) {
        TextDataset data = SHAKESPEARE.get();
        GptConfig config = new GptConfig(data.tokenizer().vocabSize(), blockSize, nLayer, nHead, nEmbd, 0f, false);
        return new GptInstance(data, config, batchSize, evalBatches, seed);
    }
}
