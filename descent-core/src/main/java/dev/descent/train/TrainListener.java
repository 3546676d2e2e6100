package dev.descent.train;

/** What a training run reports as it goes (the CLI draws a progress bar from it). */
public interface TrainListener {
    default void onStart(long firstStep, long maxIters, long parameters) {}

    /** After each optimizer step. */
    default void onStep(long step, long maxIters, double loss, double lr, double tokensPerSecond, double trainSeconds) {}

    default void onEval(long step, double trainLoss, double valLoss) {}

    default void onCheckpoint(long step, java.nio.file.Path dir) {}

    default void onMessage(String line) {}

    TrainListener NONE = new TrainListener() {};
}
