package dev.descent.bench.problems;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.MlpClassifier;
import java.util.function.Supplier;

/**
 * Multinomial logistic (softmax) regression, z = W x + b, on a small tabular dataset: the convex
 * problem of the suite, where an optimizer's behaviour is not confounded by a non-convex landscape.
 *
 * <ul>
 *   <li><b>Data and split:</b> a plain (not stratified) seeded 80/20 split,
 *       {@link ClassificationData#split}(⌊0.8·n⌋, seed): breast cancer 569 rows → 455 train / 114 test,
 *       wine 178 → 142 / 36. Plain because with these class balances (37/63 %, 33/40/27 %) a random
 *       20 % holds every class in practice and the split helper is shared with the other problems.</li>
 *   <li><b>Preprocessing:</b> standardized features, (x − mean)/sd with statistics of the training
 *       split only ({@link ClassificationData#fitStandardizer}), so no test information leaks. The raw
 *       features span four orders of magnitude (breast cancer areas ~10³ beside smoothness ~10⁻²), which
 *       would otherwise make the problem a test of conditioning alone.</li>
 *   <li><b>Model:</b> {@code MlpClassifier(seed, features, classes)}, a single {@code Linear}
 *       ({@code net.0.weight [K, d]}, {@code net.0.bias [K]}), initialised as PyTorch's
 *       {@code nn.Linear} (uniform ±1/√d); a seeded, non-zero start makes different seeds start
 *       differently. Breast cancer has 2·30 + 2 = 62 parameters (two-logit softmax rather than one
 *       sigmoid, so every problem is the same softmax model), wine 3·13 + 3 = 42.</li>
 *   <li><b>Batches:</b> 32 examples per step, without replacement within an epoch
 *       ({@link EpochSampler}); about 14 steps per epoch on breast cancer, 4.4 on wine.</li>
 *   <li><b>Loss and metric:</b> mean cross-entropy of the batch; {@code test_accuracy} first, then
 *       {@code test_loss} and {@code train_loss} (full training split).</li>
 *   <li><b>Defaults:</b> breast cancer 600 steps evaluated every 50, loss target 0.15; wine 1,000 steps
 *       evaluated every 100, loss target 0.2. AdamW at its default lr = 10⁻³ moves each weight by about
 *       10⁻³ per step, so these convex problems need a few hundred steps; at the defaults it reaches
 *       test accuracy 0.96–0.98 (breast cancer) and 0.92–0.97 (wine) over seeds 0–4 and crosses the
 *       targets after 75–156 and 404–473 steps (docs/benchmarks.md).</li>
 * </ul>
 */
public final class LogisticRegressionProblem extends ClassifierProblem {
    private static final Lazy<ClassificationData> BREAST_CANCER = new Lazy<>(Datasets::breastCancer);
    private static final Lazy<ClassificationData> WINE = new Lazy<>(Datasets::wine);

    private final Supplier<ClassificationData> data;

    /**
     * @param name        problem name
     * @param description one line for listings
     * @param data        the full dataset (split per seed here)
     * @param batchSize   examples per step
     * @param steps       default steps
     * @param evalEvery   default evaluation interval
     * @param lossTarget  training loss for steps-to-target
     */
    public LogisticRegressionProblem(String name, String description, Supplier<ClassificationData> data, int batchSize, int steps,
                                     int evalEvery, double lossTarget) {
        super(name, description, batchSize, steps, evalEvery, lossTarget);
        this.data = data;
    }

    /** {@code logreg-breast-cancer}: 30 standardized features, 2 classes, 455 / 114 rows. */
    public static LogisticRegressionProblem breastCancer() {
        return new LogisticRegressionProblem("logreg-breast-cancer",
                "softmax regression on standardized breast cancer (455/114 seeded split), batch 32, cross-entropy; test accuracy",
                BREAST_CANCER, 32, 600, 50, 0.15);
    }

    /** {@code logreg-wine}: 13 standardized features, 3 classes, 142 / 36 rows. */
    public static LogisticRegressionProblem wine() {
        return new LogisticRegressionProblem("logreg-wine",
                "softmax regression on standardized wine (142/36 seeded split), batch 32, cross-entropy; test accuracy",
                WINE, 32, 1000, 100, 0.2);
    }

    @Override
    public ClassifierInstance instantiate(long seed) {
        ClassificationData all = data.get();
        ClassificationData.Split split = all.split((int) Math.floor(0.8 * all.rows()), seed);
        ClassificationData.Standardizer standardizer = split.train().fitStandardizer();
        ClassificationData train = standardizer.apply(split.train());
        ClassificationData test = standardizer.apply(split.test());
        MlpClassifier model = new MlpClassifier(seed, train.cols(), train.classes());
        return new ClassifierInstance(model, train, test, batchSize, seed);
    }
}
