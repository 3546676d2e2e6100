package dev.descent.bench.store;

/** One row of {@code evals}: a metric evaluated after {@code step} updates (0 = before training). */
public record EvalRow(int step, String name, Double value, double wallSeconds) {}
