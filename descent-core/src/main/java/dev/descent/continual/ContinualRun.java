package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.optim.GradientTransformation;
import dev.descent.optim.ParamSet;
import dev.descent.optim.TransformOptimizer;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Runs a strategy over a stream on the one training loop and fills the accuracy matrix.
 *
 * <p>For each task t: if the strategy trains on it, {@code steps} steps of batch {@code batch} on its
 * training rows ({@link Strategy#trainingData}) with the strategy's transformation over its trainable
 * set (steps t·steps … (t+1)·steps − 1 of one optimizer, so step-keyed randomness never repeats);
 * then {@link Strategy#afterTask}; then the accuracy on every task's test rows, predicting among the
 * task's classes when the task is known. The model is an MLP inputs-hidden-classes, initialised from
 * the seed as PyTorch's default.
 */
public final class ContinualRun {
    private ContinualRun() {}

    /**
     * @param steps  SGD steps per task
     * @param batch  rows per step
     * @param lr     learning rate of the strategy's transformation
     * @param hidden hidden width of the MLP
     * @param seed   model initialisation, data order and the strategy's randomness
     */
    public record Settings(int steps, int batch, double lr, int hidden, long seed) {
        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
            if (hidden < 1) throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
    }

    /** The accuracy matrix and the wall time of the run. */
    public record Result(AccuracyMatrix accuracy, double seconds) {}

    public static Result run(ContinualStream stream, Strategy strategy, Settings s) {
        long t0 = System.nanoTime();
        Learner learner = new Learner(s.seed(), stream.inputs(), s.hidden(), stream.classes());
        GradientTransformation tx = strategy.transformation(s.lr(), s.seed());
        int[][] allowed = stream.allowedByLabel();
        TransformOptimizer opt = null;
        int n = stream.size();
        double[][] r = new double[n][n];
        for (int t = 0; t < n; t++) {
            if (strategy.trainsOn(t)) {
                ParamSet set = strategy.trainable(learner, t);
                if (opt == null || !set.slots().equals(opt.paramSet().slots())) {
                    opt = new TransformOptimizer(strategy.name(), set, learner.parameters().grads(), tx);
                }
                ClassificationData data = strategy.trainingData(stream, t);
                train(learner, opt, data, allowed, strategy.penalty(), s.batch(), s.seed(), t, (long) t * s.steps(), s.steps());
            }
            strategy.afterTask(learner, stream, t);
            for (int j = 0; j < n; j++) {
                ContinualTask task = stream.task(j);
                r[t][j] = Learner.accuracy(strategy.predict(learner, task.test(), stream.amongFor(j)), task.test().labels());
            }
        }
        return new Result(new AccuracyMatrix(r), (System.nanoTime() - t0) / 1e9);
    }

    /** {@code steps} steps of {@code opt} on {@code data} from loop step {@code first} (the data order keyed by {@code taskKey}). */
    static void train(Learner learner, TransformOptimizer opt, ClassificationData data, int[][] allowed, Penalty penalty,
                      int batch, long seed, long taskKey, long first, int steps) {
        TaskObjective objective = new TaskObjective(learner, data, allowed, penalty, batch, seed, taskKey, first);
        try {
            new TrainingLoop(opt, objective, learner.parameters().grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE).run(first, first + steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no callback writes anything
        }
    }
}
