package dev.descent.bench.problems;

import dev.descent.optim.Curvature;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.TextDataset;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Philox;
import dev.descent.train.SophiaSupport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A seeded run of {@link GptShakespeareProblem}: a {@link Gpt} trained on next-token cross-entropy,
 * with the trainer's batch sampling ({@link TextDataset#batch} over {@code stream(seed, "data/train")})
 * and its fixed-batch evaluation. Optimizer context: SophiaG's estimator from
 * {@link SophiaSupport#gaussNewtonBartlett} (no clipping of the sampled gradient, since the training
 * gradient is not clipped either), SophiaH's Hutchinson estimator over {@link FiniteDifferenceHvp}
 * products, both on the current batch, and {@link #loss()} for zeroth-order methods.
 */
public final class GptInstance implements ProblemInstance {
    private final Gpt model;
    private final FlatParameters flat;
    private final ParamSet params;
    private final TextDataset data;
    private final int batchSize;
    private final int evalBatches;
    private final Philox trainOrder;
    private TextDataset.Batch batch;

    public GptInstance(TextDataset data, GptConfig config, int batchSize, int evalBatches, long seed) {
        this.data = data;
        this.model = new Gpt(config, seed);
        this.flat = model.parameters();
        this.params = ParamSet.of(flat);
        this.batchSize = batchSize;
        this.evalBatches = evalBatches;
        this.trainOrder = Philox.stream(seed, "data/train");
    }

    public Gpt model() { return model; }

    /** The current batch, or null before the first {@link #setBatch}. */
    public TextDataset.Batch batch() { return batch; }

    @Override
    public ParamSet params() { return params; }

    @Override
    public float[] grads() { return flat.grads(); }

    @Override
    public void setBatch(long step) {
        batch = TextDataset.batch(data.train(), batchSize, model.config().blockSize(), trainOrder, step);
        model.beginStep(step);
    }

    private TextDataset.Batch requireBatch() {
        if (batch == null) throw new IllegalStateException("call setBatch(step) before evaluating the loss");
        return batch;
    }

    @Override
    public double lossAndGradients() {
        TextDataset.Batch b = requireBatch();
        flat.zeroGrad();
        Variable loss = model.loss(b.x(), b.y(), b.batch(), b.block());
        loss.backward();
        return loss.item();
    }

    @Override
    public double loss() {
        TextDataset.Batch b = requireBatch();
        try (NoGrad ignored = NoGrad.open()) {
            return model.loss(b.x(), b.y(), b.batch(), b.block()).item();
        }
    }

    /** {@code val_loss}: mean loss over the fixed validation batches 0 … evalBatches−1 of {@code stream(0, "eval/val")}. */
    @Override
    public Map<String, Double> evaluate() {
        Philox rng = Philox.stream(0, "eval/val");
        int block = model.config().blockSize();
        double sum = 0;
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            for (int i = 0; i < evalBatches; i++) {
                TextDataset.Batch b = TextDataset.batch(data.val(), batchSize, block, rng, i);
                sum += model.loss(b.x(), b.y(), b.batch(), b.block()).item();
            }
        } finally {
            model.train(wasTraining);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("val_loss", sum / evalBatches);
        return out;
    }

    @Override
    public long examplesPerStep() { return (long) batchSize * model.config().blockSize(); }

    @Override
    public String throughputUnit() { return "tokens"; }

    @Override
    public Curvature curvature(long seed) {
        var gnb = SophiaSupport.gaussNewtonBartlett(model, step -> requireBatch(), seed, 0);
        return BatchCurvature.of(this, flat, gnb, seed);
    }
}
