package dev.descent.bench.problems;

import dev.descent.optim.Curvature;
import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A seeded run of a softmax classifier ({@link MlpClassifier}; with no hidden layer it is
 * multinomial logistic regression) trained by minibatch mean cross-entropy, shared by the
 * classification problems.
 *
 * <ul>
 *   <li>Batches: {@link EpochSampler} over the training rows (without replacement within an epoch),
 *       so the batch of a step is a pure function of (seed, step).</li>
 *   <li>Loss: mean cross-entropy of the batch, {@code F.crossEntropy} of the logits.</li>
 *   <li>Evaluation ({@link #evaluate}): {@code test_accuracy} (argmax of the logits, first index on
 *       ties), {@code test_loss} (mean cross-entropy over the test set) and {@code train_loss} (mean
 *       cross-entropy over the whole training set, the quantity the optimizer minimises), all without
 *       gradients.</li>
 *   <li>Optimizer context: SophiaG's Gauss–Newton–Bartlett estimator ({@link ClassifierCurvature}) and
 *       SophiaH's Hutchinson estimator over {@link FiniteDifferenceHvp} products, both on the current
 *       batch; the zeroth-order objective is {@link #loss()}.</li>
 * </ul>
 */
public final class ClassifierInstance implements ProblemInstance {
    private final MlpClassifier model;
    private final FlatParameters flat;
    private final ParamSet params;
    private final ClassificationData train;
    private final ClassificationData test;
    private final EpochSampler sampler;
    private final Tensor batchX;
    private final int[] batchY;
    /** Training-row indices of the current batch, refilled in place by each {@link #setBatch}. */
    private final int[] batchIndices;
    private boolean hasBatch;

    /**
     * @param model     the classifier, already initialised from the run's seed
     * @param train     preprocessed training examples
     * @param test      preprocessed held-out examples, same features and classes
     * @param batchSize examples per step
     * @param seed      keys the batch order
     */
    public ClassifierInstance(MlpClassifier model, ClassificationData train, ClassificationData test, int batchSize, long seed) {
        if (train.cols() != test.cols() || train.classes() != test.classes()) {
            throw new IllegalArgumentException("train (" + train.cols() + " features, " + train.classes() + " classes) and test ("
                    + test.cols() + ", " + test.classes() + ") do not match");
        }
        this.model = model;
        this.flat = model.parameters();
        this.params = ParamSet.of(flat);
        this.train = train;
        this.test = test;
        this.sampler = new EpochSampler(train.rows(), batchSize, seed);
        this.batchX = Tensor.zeros(batchSize, train.cols());
        this.batchY = new int[batchSize];
        this.batchIndices = new int[batchSize];
    }

    public MlpClassifier model() { return model; }

    public ClassificationData train() { return train; }

    public ClassificationData test() { return test; }

    /** Training-row indices of the current batch (a copy), or null before the first {@link #setBatch}. */
    public int[] batchIndices() { return hasBatch ? batchIndices.clone() : null; }

    @Override
    public ParamSet params() { return params; }

    @Override
    public float[] grads() { return flat.grads(); }

    @Override
    public void setBatch(long step) {
        sampler.batch(step, batchIndices);
        hasBatch = true;
        int cols = train.cols();
        for (int k = 0; k < batchIndices.length; k++) {
            int i = batchIndices[k];
            System.arraycopy(train.features(), i * cols, batchX.data(), k * cols, cols);
            batchY[k] = train.labels()[i];
        }
    }

    private void requireBatch() {
        if (!hasBatch) throw new IllegalStateException("call setBatch(step) before evaluating the loss");
    }

    private Variable batchLogits() {
        return model.forward(Variable.constant(batchX));
    }

    @Override
    public double lossAndGradients() {
        requireBatch();
        flat.zeroGrad();
        Variable loss = F.crossEntropy(batchLogits(), batchY);
        loss.backward();
        return loss.item();
    }

    @Override
    public double loss() {
        requireBatch();
        try (NoGrad ignored = NoGrad.open()) {
            return F.crossEntropy(batchLogits(), batchY).item();
        }
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> out = new LinkedHashMap<>();
        try (NoGrad ignored = NoGrad.open()) {
            Variable testLogits = logits(test);
            out.put("test_accuracy", accuracy(testLogits.value(), test.labels()));
            out.put("test_loss", (double) F.crossEntropy(testLogits, test.labels()).item());
            out.put("train_loss", (double) F.crossEntropy(logits(train), train.labels()).item());
        }
        return out;
    }

    private Variable logits(ClassificationData d) {
        return model.forward(Variable.constant(Tensor.view(d.features(), 0, d.rows(), d.cols())));
    }

    /** Fraction of rows whose largest logit (first on ties) is at the label. */
    static double accuracy(Tensor logits, int[] labels) {
        int classes = logits.dim(1);
        float[] z = logits.data();
        int correct = 0;
        for (int r = 0; r < labels.length; r++) {
            int base = logits.offset() + r * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) if (z[base + c] > z[base + best]) best = c;
            if (best == labels[r]) correct++;
        }
        return (double) correct / labels.length;
    }

    @Override
    public long examplesPerStep() { return sampler.batchSize(); }

    @Override
    public String throughputUnit() { return "examples"; }

    @Override
    public Curvature curvature(long seed) {
        var gnb = ClassifierCurvature.gaussNewtonBartlett(flat, () -> {
            requireBatch();
            return batchLogits();
        }, seed);
        return BatchCurvature.of(this, flat, gnb, seed);
    }
}
