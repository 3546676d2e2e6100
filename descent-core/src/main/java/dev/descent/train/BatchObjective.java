package dev.descent.train;

import dev.descent.autograd.NoGrad;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.zo.ZoObjective;

/**
 * The objective zeroth-order optimizers evaluate in the GPT trainer: the mean cross-entropy of the
 * current step's batch at the parameters as they are now, without a tape ({@link NoGrad}) and with
 * dropout off (evaluation mode, as MeZO's reference evaluates under {@code model.eval()}), so the
 * two evaluations of a two-point estimate differ only by the perturbation. The trainer selects the
 * batch before each step.
 */
final class BatchObjective implements ZoObjective {
    private final Gpt model;
    private final int batchSize;
    private final int block;
    private TextDataset.Batch batch;

    BatchObjective(Gpt model, int batchSize, int block) {
        this.model = model;
        this.batchSize = batchSize;
        this.block = block;
    }

    /** The batch every evaluation of the next step uses. */
    void select(TextDataset.Batch b) { this.batch = b; }

    @Override
    public double loss() {
        if (batch == null) throw new IllegalStateException("no batch selected for the zeroth-order objective");
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            return model.loss(batch.x(), batch.y(), batchSize, block).item();
        } finally {
            model.train(true);
        }
    }
}
