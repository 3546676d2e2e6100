package dev.descent.bench.merge;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.merge.GradientSigns;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.AdamW;
import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An MLP 64-64-10 on split digits (optdigits, features /16): five tasks of two classes each — {0,1},
 * {2,3}, {4,5}, {6,7}, {8,9} — with one shared 10-way head. Each task's optdigits-train rows are split
 * (a fixed shuffle keyed by {@code dataSeed}) into 85% training and 15% validation; its test rows are
 * those of the digits test file. Training: AdamW lr 1e-3 (no weight decay), batch 32, the 10-way
 * cross-entropy on the original labels; the base on all training rows, the experts on their task's.
 * Accuracy: the 10-way argmax on the task's rows (class-incremental: a merge must keep each task's
 * classes from stealing the others' rows).
 */
final class MlpFamily implements ExpertFamily {
    static final int[][] CLASSES = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}};
    private final List<ClassificationData> train = new ArrayList<>(), validation = new ArrayList<>(), test = new ArrayList<>();
    private final ClassificationData all;

    MlpFamily(long dataSeed) {
        ClassificationData tr = Datasets.digitsTrain().scaled(1f / 16);
        ClassificationData te = Datasets.digitsTest().scaled(1f / 16);
        List<Integer> pool = new ArrayList<>();
        for (int k = 0; k < CLASSES.length; k++) {
            ClassificationData task = tr.classes("train/" + k, CLASSES[k]);
            int[] perm = task.permutation(dataSeed + k);
            int nVal = task.rows() * 15 / 100;
            validation.add(task.subset("validation/" + k, Arrays.copyOfRange(perm, 0, nVal)));
            train.add(task.subset("train/" + k, Arrays.copyOfRange(perm, nVal, perm.length)));
            test.add(te.classes("test/" + k, CLASSES[k]));
        }
        all = concat(train);
    }

    private static ClassificationData concat(List<ClassificationData> parts) {
        int rows = 0, cols = parts.get(0).cols();
        for (ClassificationData d : parts) rows += d.rows();
        float[] x = new float[rows * cols];
        int[] y = new int[rows];
        int r = 0;
        for (ClassificationData d : parts) {
            System.arraycopy(d.features(), 0, x, r * cols, d.rows() * cols);
            System.arraycopy(d.labels(), 0, y, r, d.rows());
            r += d.rows();
        }
        return new ClassificationData("train/all", x, y, rows, cols, parts.get(0).classes());
    }

    @Override
    public String name() { return "mlp"; }

    @Override
    public List<String> tasks() {
        List<String> n = new ArrayList<>();
        for (int[] c : CLASSES) n.add("digits " + c[0] + "/" + c[1]);
        return n;
    }

    @Override
    public Map<String, Tensor> init(long seed) {
        return ExpertFamily.weights(new MlpClassifier(seed, 64, 64, 10).parameters());
    }

    private static MlpClassifier model(Map<String, Tensor> weights) {
        MlpClassifier m = new MlpClassifier(0, 64, 64, 10);
        ExpertFamily.load(weights, m.parameters());
        return m;
    }

    @Override
    public Map<String, Tensor> train(Map<String, Tensor> from, int task, int steps, long seed) {
        MlpClassifier m = model(from);
        ClassificationData data = task < 0 ? all : train.get(task);
        Philox order = Philox.stream(seed, "merge/experts/batches");
        Objective objective = new Objective() {
            private Tensor x;
            private int[] y;

            @Override
            public void prepare(long step) {
                int[] rows = new int[32];
                for (int b = 0; b < rows.length; b++) rows[b] = order.nextInt(step * rows.length + b, data.rows());
                ClassificationData batch = data.subset("batch", rows);
                x = Tensor.of(batch.features(), batch.rows(), batch.cols());
                y = batch.labels();
            }

            @Override
            public double loss() {
                try (NoGrad ignored = NoGrad.open()) {
                    return F.crossEntropy(m.forward(Variable.constant(x)), y).item();
                }
            }

            @Override
            public double lossAndGradient() {
                Variable loss = F.crossEntropy(m.forward(Variable.constant(x)), y);
                loss.backward();
                return loss.item();
            }
        };
        try {
            new TrainingLoop(AdamW.nanoGpt(m.parameters(), 1e-3, 0.9, 0.999, 0.0), objective, m.parameters().grads()).run(0, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ExpertFamily.weights(m.parameters());
    }

    @Override
    public double accuracy(Map<String, Tensor> weights, int task, Split split) {
        MlpClassifier m = model(weights);
        ClassificationData d = split == Split.VALIDATION ? validation.get(task) : test.get(task);
        try (NoGrad ignored = NoGrad.open()) {
            Tensor z = m.forward(Variable.constant(Tensor.of(d.features(), d.rows(), d.cols()))).value();
            int c = z.dim(1), correct = 0;
            float[] v = z.toArray();
            for (int i = 0; i < d.rows(); i++) {
                int best = 0;
                for (int j = 1; j < c; j++) if (v[i * c + j] > v[i * c + best]) best = j;
                if (best == d.labels()[i]) correct++;
            }
            return correct / (double) d.rows();
        }
    }

    @Override
    public Map<String, Tensor> gradients(Map<String, Tensor> weights, int task, int examples, GradientSigns.Vote vote) {
        MlpClassifier m = model(weights);
        ClassificationData d = train.get(task);
        return GradientSigns.compute(m.parameters(), Math.min(examples, d.rows()), vote, i -> {
            ClassificationData one = d.subset("example", new int[] {i});
            F.crossEntropy(m.forward(Variable.constant(Tensor.of(one.features(), 1, one.cols()))), one.labels()).backward();
        });
    }
}
