package dev.descent.continual;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.MlpClassifier;
import dev.descent.tensor.Tensor;

/**
 * The model a continual run trains: one {@link MlpClassifier} with a single head over the stream's
 * whole label space. A training row may be scored against a subset of the head's classes (its task's,
 * when the task is known): the other logits get {@value #MASKED} added, so their softmax probability
 * is 0 in float32 and they receive no gradient — a multi-head model on one shared head.
 */
public final class Learner {
    /** Added to the logits a row is not scored against. */
    static final float MASKED = -1e4f;

    private final MlpClassifier model;
    private final FlatParameters params;
    private final int classes;

    /** @param sizes input width, hidden widths…, number of classes (as {@link MlpClassifier}) */
    public Learner(long seed, int... sizes) {
        this.model = new MlpClassifier(seed, sizes);
        this.params = model.parameters();
        this.classes = sizes[sizes.length - 1];
    }

    public MlpClassifier model() { return model; }

    public FlatParameters parameters() { return params; }

    public int classes() { return classes; }

    /** A minibatch: inputs, labels and the additive logit mask (null: every class). */
    public record Batch(Tensor x, int[] y, Tensor mask) {}

    /** The rows {@code rows} of {@code data}, each scored against {@code allowedByLabel[label]} (null entries or array: all classes). */
    public Batch batch(ClassificationData data, int[] rows, int[][] allowedByLabel) {
        ClassificationData b = data.subset(data.name(), rows);
        Tensor mask = null;
        if (allowedByLabel != null) {
            float[] m = null;
            for (int i = 0; i < b.rows(); i++) {
                int[] allowed = allowedByLabel[b.labels()[i]];
                if (allowed == null) continue;
                if (m == null) m = new float[b.rows() * classes];
                java.util.Arrays.fill(m, i * classes, (i + 1) * classes, MASKED);
                for (int c : allowed) m[i * classes + c] = 0f;
            }
            if (m != null) mask = Tensor.of(m, b.rows(), classes);
        }
        return new Batch(Tensor.of(b.features(), b.rows(), b.cols()), b.labels(), mask);
    }

    /** The mean cross-entropy of the batch, with its tape (call backward to fill the gradient buffer). */
    public Variable loss(Batch b) {
        Variable z = model.forward(Variable.constant(b.x()));
        if (b.mask() != null) z = F.add(z, Variable.constant(b.mask()));
        return F.crossEntropy(z, b.y());
    }

    /** The same loss without a tape. */
    public double lossValue(Batch b) {
        try (NoGrad ignored = NoGrad.open()) {
            return loss(b).item();
        }
    }

    /** Logits {@code [rows, classes]} of {@code data}, without a tape. */
    public Tensor logits(ClassificationData data) {
        try (NoGrad ignored = NoGrad.open()) {
            return model.forward(Variable.constant(Tensor.of(data.features(), data.rows(), data.cols()))).value();
        }
    }

    /** The features of {@code data} (the output layer's input, {@link MlpClassifier#features}), labels kept. */
    public ClassificationData features(ClassificationData data) {
        try (NoGrad ignored = NoGrad.open()) {
            Tensor f = model.features(Variable.constant(Tensor.of(data.features(), data.rows(), data.cols()))).value();
            int h = f.dim(1);
            float[] out = new float[data.rows() * h];
            System.arraycopy(f.data(), f.offset(), out, 0, out.length);
            return new ClassificationData(data.name() + "/features", out, data.labels(), data.rows(), h, data.classes());
        }
    }

    /** Argmax of {@code logits} per row, over {@code among} (null: every column; ties to the lowest class). */
    public static int[] argmax(Tensor logits, int[] among) {
        int n = logits.dim(0);
        int c = logits.dim(1);
        float[] d = logits.data();
        int off = logits.offset();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestV = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                if (among != null && !contains(among, j)) continue;
                double v = d[off + i * c + j];
                if (best < 0 || v > bestV) {
                    bestV = v;
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Fraction of {@code predicted} equal to {@code labels}. */
    public static double accuracy(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
        int ok = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) ok++;
        return labels.length == 0 ? 0 : ok / (double) labels.length;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
