package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.optim.GradientTransformation;
import dev.descent.optim.ParamSet;
import dev.descent.optim.Transforms;

/**
 * A continual-learning strategy as the hooks it adds to the one training loop ({@link ContinualRun}):
 * the optimizer's transformation, the parameters it trains, the data of a task, a loss penalty,
 * what happens after a task, and how it predicts. The defaults are plain fine-tuning with SGD.
 */
public interface Strategy {
    /** The name it is registered under ({@link Strategies}). */
    String name();

    /** The optimizer, learning rate included (the default: plain SGD, u = −η·g). Built once per run. */
    default GradientTransformation transformation(double lr, long seed) {
        return Transforms.scaleByLearningRate(lr);
    }

    /** Whether the model is trained on task {@code t} at all (a frozen-body strategy stops after the first). */
    default boolean trainsOn(int t) { return true; }

    /** The parameters trained on task {@code t} (the default: all). A change of set starts a new optimizer state. */
    default ParamSet trainable(Learner learner, int t) { return ParamSet.of(learner.parameters()); }

    /** The training rows of task {@code t} (the default: the task's own rows). */
    default ClassificationData trainingData(ContinualStream stream, int t) { return stream.task(t).train(); }

    /** The penalty added to the loss while training (the default: none). */
    default Penalty penalty() { return Penalty.NONE; }

    /** Called after training on task {@code t}, before it is evaluated. */
    default void afterTask(Learner learner, ContinualStream stream, int t) {}

    /** Predictions for {@code data}, among {@code among} (null: every class). */
    default int[] predict(Learner learner, ClassificationData data, int[] among) {
        return Learner.argmax(learner.logits(data), among);
    }
}
