package dev.descent.zo;

import java.util.Map;

/**
 * ZoVH's query history (paper Alg. 1 step 3, "query reuse"): the (value, key) pairs of the last N
 * accepted steps, K per step, in a ring of N·K slots. Slot (a mod N)·K + k holds query k of the a-th
 * accepted step: its value y = f(θ + μu) and the step number that keyed its direction u. Old values
 * are never re-evaluated (the paper's rule). Directions are not held here; each optimizer regenerates
 * (or caches) them from the keys.
 *
 * <p>A step writes its K pairs over the oldest ones ({@link #begin}, {@link #record}); when one of its
 * values is not finite it is rolled back ({@link #rollBack}) and the displaced pairs return, so a bad
 * value never enters the estimate; otherwise it is {@linkplain #accept accepted}.
 */
final class ZovhQueryRing {
    private final int k;
    private final int histories;
    private final double[] values;
    private final long[] keys;
    private final double[] displacedValues;
    private final long[] displacedKeys;
    private long accepted;
    private int first;

    /** @param histories N, the number of steps held (≥ 1); @param k queries per step (≥ 1) */
    ZovhQueryRing(int histories, int k) {
        this.k = k;
        this.histories = histories;
        this.values = new double[histories * k];
        this.keys = new long[histories * k];
        this.displacedValues = new double[k];
        this.displacedKeys = new long[k];
    }

    /** Starts a step: returns the slot of its query 0 and remembers the pairs it is about to displace. */
    int begin() {
        first = (int) (accepted % histories) * k;
        System.arraycopy(values, first, displacedValues, 0, k);
        System.arraycopy(keys, first, displacedKeys, 0, k);
        return first;
    }

    /** Query {@code q} of the step begun: its value and the step that keyed its direction. */
    void record(int q, double value, long key) {
        values[first + q] = value;
        keys[first + q] = key;
    }

    /** True when the slots of the step begun held an earlier step's pairs ({@link #rollBack} puts them back). */
    boolean displacesHeldPairs() { return accepted >= histories; }

    /** Undoes the step begun: the displaced pairs return to their slots. */
    void rollBack() {
        System.arraycopy(displacedValues, 0, values, first, k);
        System.arraycopy(displacedKeys, 0, keys, first, k);
    }

    /** Keeps the step begun. */
    void accept() { accepted++; }

    /** n, the number of pairs held: K·min(accepted steps, N). */
    int size() { return (int) Math.min(accepted, histories) * k; }

    double value(int slot) { return values[slot]; }

    long key(int slot) { return keys[slot]; }

    /** Which query of its step slot {@code slot} holds. */
    int query(int slot) { return slot % k; }

    /** The mean of the held values, b̂ of eq. 10 (the averaged baseline). */
    double baseline() {
        int n = size();
        double b = 0;
        for (int j = 0; j < n; j++) b += values[j];
        return b / n;
    }

    /** Puts {@code accepted} and, per held pair j, {@code y.j} and {@code key.j}. */
    void putScalars(Map<String, Double> scalars) {
        scalars.put("accepted", (double) accepted);
        int n = size();
        for (int j = 0; j < n; j++) {
            scalars.put("y." + j, values[j]);
            scalars.put("key." + j, (double) keys[j]);
        }
    }

    /** Restores what {@link #putScalars} wrote; every pair must be present. Nothing changes when one is missing. */
    void load(Map<String, Double> scalars) {
        long restored = (long) ZoProgress.required(scalars, "accepted");
        int n = (int) Math.min(restored, histories) * k;
        double[] y = new double[n];
        long[] key = new long[n];
        for (int j = 0; j < n; j++) {
            y[j] = ZoProgress.required(scalars, "y." + j);
            key[j] = (long) ZoProgress.required(scalars, "key." + j);
        }
        accepted = restored;
        System.arraycopy(y, 0, values, 0, n);
        System.arraycopy(key, 0, keys, 0, n);
    }
}
