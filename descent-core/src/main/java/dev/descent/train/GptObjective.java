package dev.descent.train;

import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.optim.Curvature;
import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;

/**
 * The character-level GPT's training objective: the mean next-token cross-entropy of step k's batch
 * ({@code TextDataset.batch(tokens, B, T, order, k)}), with the dropout masks of step k
 * ({@link Gpt#beginStep}).
 * <ul>
 *   <li>{@link #lossAndGradient()}: forward in training mode (dropout on) and backward into the
 *       model's gradient buffer;</li>
 *   <li>{@link #loss()}: the same batch without a tape ({@link NoGrad}) and with dropout off
 *       (evaluation mode, as MeZO's reference evaluates under {@code model.eval()}), so the two
 *       evaluations of a two-point estimate differ only by the perturbation;</li>
 *   <li>{@link #curvature()}: SophiaG's Gauss–Newton–Bartlett estimator
 *       ({@link SophiaSupport#gaussNewtonBartlett}) on batches of its own stream
 *       {@code (seed, "data/curvature")}, clipped like the training gradient; no Hessian-vector
 *       products, so no Hutchinson estimator.</li>
 * </ul>
 * Both evaluations build their graph in one {@link ActivationArena} owned by this objective and reset
 * before each forward pass, so after the first step a training step allocates no activation or
 * gradient storage.
 */
public final class GptObjective implements Objective {
    private final Gpt model;
    private final int[] tokens;
    private final int batchSize;
    private final int block;
    private final Philox order;
    private final Curvature curvature;
    /** Storage of each evaluation's activations and gradients, reused from step to step. */
    private final ActivationArena arena = new ActivationArena();
    private TextDataset.Batch batch;

    /**
     * @param tokens    the training tokens the batches are drawn from
     * @param seed      keys the data order ({@code (seed, "data/train")}) and the curvature batches
     * @param gradClip  the clip SophiaG's sampled-label gradient gets (the run's {@code grad_clip})
     */
    public GptObjective(Gpt model, int[] tokens, int batchSize, int block, long seed, double gradClip) {
        this.model = model;
        this.tokens = tokens;
        this.batchSize = batchSize;
        this.block = block;
        this.order = Philox.stream(seed, "data/train");
        Philox curvatureOrder = Philox.stream(seed, "data/curvature");
        this.curvature = new Curvature(SophiaSupport.gaussNewtonBartlett(model,
                n -> TextDataset.batch(tokens, batchSize, block, curvatureOrder, n), seed, gradClip), null);
    }

    @Override
    public void prepare(long step) {
        model.beginStep(step);
        batch = TextDataset.batch(tokens, batchSize, block, order, step);
    }

    @Override
    public double lossAndGradient() {
        arena.reset();
        Variable loss = model.loss(current().x(), batch.y(), batchSize, block, arena);
        float value = loss.item();
        if (Float.isFinite(value)) loss.backward();
        return value;
    }

    @Override
    public double loss() {
        TextDataset.Batch b = current();
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            arena.reset();
            return model.loss(b.x(), b.y(), batchSize, block, arena).item();
        } finally {
            model.train(true);
        }
    }

    @Override
    public Curvature curvature() { return curvature; }

    /**
     * This objective's arena, for forward passes between steps with the same batch shape (the
     * periodic and final loss estimates): they take the buffers a step has already sized instead of
     * allocating every activation of every batch. The next step resets it again.
     */
    ActivationArena arena() { return arena; }

    private TextDataset.Batch current() {
        if (batch == null) throw new IllegalStateException("no batch selected: call prepare(step) before evaluating the objective");
        return batch;
    }
}
