package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;
import java.util.Arrays;

/**
 * The loss of one task on the training loop: step k's minibatch is the {@code batch} rows at
 * position ((k − first) mod (rows / batch))·batch of the epoch's shuffle, the epoch's shuffle a
 * Philox permutation of stream {@code (seed, "continual/data")} derived by the task key and the epoch;
 * the loss is the (masked) mean cross-entropy plus the strategy's {@link Penalty}.
 */
final class TaskObjective implements Objective {
    private final Learner learner;
    private final ClassificationData data;
    private final int[][] allowedByLabel;
    private final Penalty penalty;
    private final int batch;
    private final Philox shuffles;
    private final long first;
    private int[] order = new int[0];
    private long epoch = -1;
    private Learner.Batch current;

    TaskObjective(Learner learner, ClassificationData data, int[][] allowedByLabel, Penalty penalty, int batch, long seed, long taskKey, long first) {
        if (data.rows() < 1) throw new IllegalArgumentException("task " + data.name() + " has no training rows");
        this.learner = learner;
        this.data = data;
        this.allowedByLabel = allowedByLabel;
        this.penalty = penalty;
        this.batch = Math.min(batch, data.rows());
        this.shuffles = Philox.stream(seed, "continual/data").derive(taskKey);
        this.first = first;
    }

    @Override
    public void prepare(long k) {
        long perEpoch = data.rows() / batch;
        long e = (k - first) / perEpoch;
        if (e != epoch) {
            order = shuffles.derive(e).permutation(data.rows());
            epoch = e;
        }
        int pos = (int) ((k - first) % perEpoch) * batch;
        current = learner.batch(data, Arrays.copyOfRange(order, pos, pos + batch), allowedByLabel);
    }

    @Override
    public double loss() {
        return learner.lossValue(current) + penalty.apply(learner.parameters().values(), null);
    }

    @Override
    public double lossAndGradient() {
        var loss = learner.loss(current);
        loss.backward();
        return loss.item() + penalty.apply(learner.parameters().values(), learner.parameters().grads());
    }
}
