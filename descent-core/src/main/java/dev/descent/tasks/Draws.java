package dev.descent.tasks;

import dev.descent.tensor.Philox;

/**
 * The random draws of one problem: problem {@code index} of the stream keyed by {@code seed} reads
 * uniform integers at indices 0, 1, 2, … of the Philox stream (seed, "tasks/" + task name) derived by
 * {@code index}. A problem is therefore computable directly from (seed, index), whatever problems
 * were made before it, and two tasks never share draws.
 */
final class Draws {
    private final Philox stream;
    private long next;

    Draws(String task, long seed, long index) {
        this.stream = Philox.stream(seed, "tasks/" + task).derive(index);
    }

    /** A uniform integer in [0, bound). */
    int below(int bound) {
        return stream.nextInt(next++, bound);
    }

    /** A uniform integer in [lo, hi]. */
    int between(int lo, int hi) {
        return lo + below(hi - lo + 1);
    }

    /** A string of {@code n} uniform decimal digits (leading zeros allowed: a number below 10ⁿ). */
    String digits(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append((char) ('0' + below(10)));
        return b.toString();
    }
}
