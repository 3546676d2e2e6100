package dev.descent.privacy;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.MlpClassifier;
import dev.descent.tensor.Tensor;
import java.util.Objects;

/**
 * Mean cross-entropy of an {@link MlpClassifier} over rows of a {@link ClassificationData}
 * ({@code F.crossEntropy} of the logits), and the classifier's accuracy on any data set (argmax of
 * the logits, first index on ties).
 */
public final class ClassifierRowLoss implements RowLoss {
    private final MlpClassifier model;
    private final FlatParameters flat;
    private final ClassificationData data;

    public ClassifierRowLoss(MlpClassifier model, ClassificationData data) {
        this.model = Objects.requireNonNull(model, "model");
        this.flat = model.parameters();
        this.data = Objects.requireNonNull(data, "data");
    }

    public MlpClassifier model() { return model; }

    public ClassificationData data() { return data; }

    @Override
    public int rows() { return data.rows(); }

    @Override
    public float[] values() { return flat.values(); }

    @Override
    public float[] grads() { return flat.grads(); }

    @Override
    public double lossAndGradient(int[] rows, int from, int count) {
        flat.zeroGrad();
        Variable loss = F.crossEntropy(model.forward(Variable.constant(batch(rows, from, count))), labels(rows, from, count));
        loss.backward();
        return loss.item();
    }

    @Override
    public double loss(int[] rows, int from, int count) {
        try (NoGrad ignored = NoGrad.open()) {
            return F.crossEntropy(model.forward(Variable.constant(batch(rows, from, count))), labels(rows, from, count)).item();
        }
    }

    /** Fraction of {@code d}'s rows whose largest logit (first on ties) is at the label. */
    public double accuracy(ClassificationData d) {
        try (NoGrad ignored = NoGrad.open()) {
            Tensor logits = model.forward(Variable.constant(Tensor.view(d.features(), 0, d.rows(), d.cols()))).value();
            int classes = logits.dim(1);
            float[] z = logits.data();
            int correct = 0;
            for (int r = 0; r < d.rows(); r++) {
                int base = logits.offset() + r * classes;
                int best = 0;
                for (int c = 1; c < classes; c++) if (z[base + c] > z[base + best]) best = c;
                if (best == d.labels()[r]) correct++;
            }
            return (double) correct / d.rows();
        }
    }

    /** Mean cross-entropy over all of {@code d}, without gradients. */
    public double meanLoss(ClassificationData d) {
        try (NoGrad ignored = NoGrad.open()) {
            return F.crossEntropy(model.forward(Variable.constant(Tensor.view(d.features(), 0, d.rows(), d.cols()))), d.labels()).item();
        }
    }

    private Tensor batch(int[] rows, int from, int count) {
        int cols = data.cols();
        Tensor x = Tensor.zeros(count, cols);
        for (int k = 0; k < count; k++) System.arraycopy(data.features(), rows[from + k] * cols, x.data(), k * cols, cols);
        return x;
    }

    private int[] labels(int[] rows, int from, int count) {
        int[] y = new int[count];
        for (int k = 0; k < count; k++) y[k] = data.labels()[rows[from + k]];
        return y;
    }
}
