package dev.descent.bench.zo;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.nn.MlpClassifier;
import dev.descent.tensor.Tensor;
import dev.descent.zo.ReplicatedObjective;

/**
 * An MLP classifier on a digits minibatch, as both a first-order loss (autograd) and a zeroth-order
 * {@link ReplicatedObjective}: the current batch is shared (immutable, replaced between steps), each
 * replica is a second {@link MlpClassifier} of the same shape with its own parameter buffer. The ZO
 * loss is the mean cross-entropy computed in double from the float32 logits (so finite differences
 * are not limited by a float32 loss).
 */
final class DigitsMlp implements ReplicatedObjective {
    record Batch(Tensor x, int[] y) {}

    final MlpClassifier model;
    private final long seed;
    private final int[] sizes;
    private volatile Batch batch;

    DigitsMlp(long seed, int... sizes) {
        this.seed = seed;
        this.sizes = sizes.clone();
        this.model = new MlpClassifier(seed, sizes);
    }

    /** The batch of rows {@code rows} of {@code data}. */
    static Batch batch(ClassificationData data, int[] rows) {
        ClassificationData b = data.subset(data.name(), rows);
        return new Batch(Tensor.of(b.features(), b.rows(), b.cols()), b.labels());
    }

    void setBatch(Batch b) { batch = b; }

    /** First-order: the loss with its tape (call backward on it). */
    Variable lossWithTape() {
        return F.crossEntropy(model.forward(Variable.constant(batch.x())), batch.y());
    }

    @Override
    public double loss() { return loss(model, batch); }

    @Override
    public Replica newReplica() {
        MlpClassifier copy = new MlpClassifier(seed, sizes);
        return new Replica(copy.parameters().values(), () -> loss(copy, batch));
    }

    static double loss(MlpClassifier m, Batch b) {
        try (NoGrad ignored = NoGrad.open()) {
            Tensor z = m.forward(Variable.constant(b.x())).value();
            int n = b.y().length;
            int c = z.dim(1);
            float[] d = z.data();
            int off = z.offset();
            double total = 0;
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) max = Math.max(max, d[off + i * c + j]);
                double s = 0;
                for (int j = 0; j < c; j++) s += Math.exp(d[off + i * c + j] - max);
                total += max + Math.log(s) - d[off + i * c + b.y()[i]];
            }
            return total / n;
        }
    }

    /**
     * Accuracy on {@code data}; with {@code among} non-null, the prediction is the argmax over those
     * classes only (task-aware evaluation of a shared head).
     */
    double accuracy(ClassificationData data, int[] among) {
        int[] labels = data.labels();
        try (NoGrad ignored = NoGrad.open()) {
            Tensor z = model.forward(Variable.constant(Tensor.of(data.features(), data.rows(), data.cols()))).value();
            int c = z.dim(1);
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                int best = -1;
                double bestV = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    if (among != null && !contains(among, j)) continue;
                    double v = z.data()[z.offset() + i * c + j];
                    if (v > bestV) {
                        bestV = v;
                        best = j;
                    }
                }
                if (best == labels[i]) correct++;
            }
            return correct / (double) labels.length;
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
