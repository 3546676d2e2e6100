package dev.descent.bench.store;

/** One row of {@code steps}: the training loss of the minibatch the step-th update used (null when not finite). */
public record StepRow(int step, Double loss, Double lr, double wallSeconds, Double throughput) {}
