package dev.descent.bench.problems;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.MlpClassifier;

/**
 * A one-hidden-layer ReLU MLP, 784 → 128 → 10, on MNIST digits: the largest classifier of the suite
 * (≈ 10⁵ parameters), where per-parameter optimizer cost starts to show.
 *
 * <ul>
 *   <li><b>Data and split:</b> only MNIST's t10k set ships (docs/data.md); a plain seeded split
 *       {@link ClassificationData#split}(8000, seed) gives 8,000 training and 2,000 test images.</li>
 *   <li><b>Preprocessing:</b> pixel bytes divided by 255 (→ [0, 1]), no standardization, as is usual
 *       for MNIST MLPs.</li>
 *   <li><b>Model:</b> {@code MlpClassifier(seed, 784, 128, 10)}: {@code net.0} [128, 784] + 128, ReLU,
 *       {@code net.2} [10, 128] + 10 = 101,770 parameters, PyTorch's default {@code nn.Linear}
 *       initialisation; the classic small MNIST MLP.</li>
 *   <li><b>Batches:</b> 64 per step, without replacement within an epoch ({@link EpochSampler}); 125
 *       steps per epoch.</li>
 *   <li><b>Loss and metric:</b> mean cross-entropy; {@code test_accuracy} first, then {@code test_loss}
 *       and {@code train_loss} (all 8,000 training images).</li>
 *   <li><b>Defaults:</b> 500 steps (4 epochs), evaluated every 100, loss target 0.3: AdamW at
 *       lr = 10⁻³ reaches test accuracy 0.915–0.928 and crosses the target after 86–119 steps (seeds 0–2).</li>
 * </ul>
 */
public final class MlpMnistProblem extends ClassifierProblem {
    private static final Lazy<ClassificationData> ALL = new Lazy<>(() -> Datasets.mnistT10k().scaled(1f / 255));

    private final int hidden;
    private final int trainRows;

    public MlpMnistProblem(int hidden, int trainRows, int batchSize, int steps, int evalEvery, double lossTarget) {
        super("mlp-mnist", "MLP 784-" + hidden + "-10 (ReLU) on MNIST t10k/255, seeded split " + trainRows + "/" + (10000 - trainRows)
                + ", batch " + batchSize + ", cross-entropy; test accuracy", batchSize, steps, evalEvery, lossTarget);
        if (hidden < 1) throw new IllegalArgumentException("hidden width must be positive, got " + hidden);
        this.hidden = hidden;
        this.trainRows = trainRows;
    }

    /** The registered configuration. */
    public static MlpMnistProblem standard() {
        return new MlpMnistProblem(128, 8000, 64, 500, 100, 0.3);
    }

    @Override
    public ClassifierInstance instantiate(long seed) {
        ClassificationData.Split split = ALL.get().split(trainRows, seed);
        ClassificationData train = split.train();
        return new ClassifierInstance(new MlpClassifier(seed, train.cols(), hidden, train.classes()), train, split.test(), batchSize, seed);
    }
}
