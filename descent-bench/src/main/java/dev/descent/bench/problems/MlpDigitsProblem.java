package dev.descent.bench.problems;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.MlpClassifier;

/**
 * A one-hidden-layer ReLU MLP, 64 → 64 → 10, on the UCI optical digits (8 × 8 pixel counts): a small
 * non-convex problem that still runs in a fraction of a millisecond per step.
 *
 * <ul>
 *   <li><b>Data and split:</b> UCI's own split, not a seeded one: train on {@code optdigits-train.csv}
 *       (3,823 rows), test on {@code digits.csv} (1,797 rows, scikit-learn's {@code load_digits}),
 *       written by disjoint sets of people, so the test measures generalisation to new writers. The
 *       seed still sets the initialisation and the batch order.</li>
 *   <li><b>Preprocessing:</b> features divided by 16 (counts 0..16 → [0, 1]); no standardization, as
 *       is usual for pixels (a per-pixel standardization would blow up the near-constant border pixels).</li>
 *   <li><b>Model:</b> {@code MlpClassifier(seed, 64, 64, 10)}: {@code net.0} [64, 64] + 64, ReLU,
 *       {@code net.2} [10, 64] + 10 = 4,810 parameters, PyTorch's default {@code nn.Linear}
 *       initialisation. One hidden layer as wide as the input: the smallest network that is
 *       clearly non-linear, and cheap enough (≈ 0.1 ms per step) for the quick suite's many runs.</li>
 *   <li><b>Batches:</b> 64 per step, without replacement within an epoch ({@link EpochSampler}).</li>
 *   <li><b>Loss and metric:</b> mean cross-entropy; {@code test_accuracy} first, then {@code test_loss}
 *       and {@code train_loss}.</li>
 *   <li><b>Defaults:</b> 400 steps (6.7 epochs), evaluated every 50, loss target 0.25: AdamW at
 *       lr = 10⁻³ reaches test accuracy 0.92–0.93 and crosses the target after 242–282 steps (seeds 0–2).</li>
 * </ul>
 */
public final class MlpDigitsProblem extends ClassifierProblem {
    private static final Lazy<ClassificationData> TRAIN = new Lazy<>(() -> Datasets.digitsTrain().scaled(1f / 16));
    private static final Lazy<ClassificationData> TEST = new Lazy<>(() -> Datasets.digitsTest().scaled(1f / 16));

    private final int hidden;

    public MlpDigitsProblem(int hidden, int batchSize, int steps, int evalEvery, double lossTarget) {
        super("mlp-digits", "MLP 64-" + hidden + "-10 (ReLU) on optdigits/16, train 3823, test 1797 (UCI split), batch " + batchSize
                + ", cross-entropy; test accuracy", batchSize, steps, evalEvery, lossTarget);
        if (hidden < 1) throw new IllegalArgumentException("hidden width must be positive, got " + hidden);
        this.hidden = hidden;
    }

    /** The registered configuration. */
    public static MlpDigitsProblem standard() {
        return new MlpDigitsProblem(64, 64, 400, 50, 0.25);
    }

    @Override
    public ClassifierInstance instantiate(long seed) {
        ClassificationData train = TRAIN.get();
        return new ClassifierInstance(new MlpClassifier(seed, train.cols(), hidden, train.classes()), train, TEST.get(), batchSize, seed);
    }
}
