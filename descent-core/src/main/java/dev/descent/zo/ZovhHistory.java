package dev.descent.zo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The query-reuse buffer of ZoVH (paper Sec. 4.1, Def. 4.2; Alg. 1 lines 5–6): a FIFO of the most
 * recent N·K (direction, value) pairs. Each iteration appends its K fresh pairs; when more than N·K
 * are held the oldest K are dropped. Historical pairs keep their old value y, evaluated at the old
 * point, and their old direction — they are never re-evaluated (importance weight 𝒲 ≡ 1). N = 1
 * means no reuse.
 */
public final class ZovhHistory {
    private final int capacity;
    private final Deque<double[]> directions = new ArrayDeque<>();
    private final Deque<Double> values = new ArrayDeque<>();

    /** A buffer for {@code histories} iterations of {@code perIteration} queries (N and K). */
    public ZovhHistory(int histories, int perIteration) {
        if (histories < 1) throw new IllegalArgumentException("histories (N) must be >= 1, got " + histories);
        if (perIteration < 1) throw new IllegalArgumentException("queries per iteration (K) must be >= 1, got " + perIteration);
        this.capacity = histories * perIteration;
    }

    /** Appends one pair, dropping the oldest when the buffer is over capacity. */
    public void add(double[] u, double y) {
        directions.addLast(u);
        values.addLast(y);
        while (values.size() > capacity) {
            directions.removeFirst();
            values.removeFirst();
        }
    }

    /** Pairs held now (n). */
    public int size() { return values.size(); }

    /** The directions, oldest first. */
    public double[][] directions() { return directions.toArray(new double[0][]); }

    /** The values, oldest first. */
    public double[] values() {
        double[] y = new double[values.size()];
        int i = 0;
        for (double v : values) y[i++] = v;
        return y;
    }
}
