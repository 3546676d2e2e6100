package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise softmax and log-softmax (over the last dimension), forward and backward, with the
 * usual max subtraction so that large logits do not overflow.
 */
public final class Softmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Softmax() {}

    /** out = softmax(x) over one row of {@code n} values; returns log Σ exp(x) (the row's log-partition). */
    public static float row(float[] x, int xo, float[] out, int oo, int n) {
        float max = Reductions.max(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) {
            // All entries masked: define the row as uniform zero probability rather than NaN.
            java.util.Arrays.fill(out, oo, oo + n, 0f);
            return Float.NEGATIVE_INFINITY;
        }
        float sum = normalize(x, xo, max, out, oo, n);
        return max + (float) StrictMath.log(sum);
    }

    /**
     * out = softmax(x) over one row, the same values as {@link #row} without its log-partition (whose
     * logarithm is as costly as the rest of a short row): for the attention's probabilities.
     */
    public static void probabilities(float[] x, int xo, float[] out, int oo, int n) {
        float max = Reductions.max(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(out, oo, oo + n, 0f);
            return;
        }
        normalize(x, xo, max, out, oo, n);
    }

    /**
     * out = exp(x − max) · (1 / Σ exp(x − max)); returns the sum. The sum adds the vector lanes of
     * the whole vectors, then the elements of the last partial vector one at a time in index order
     * ({@link Reductions#sum}'s order, read back from {@code out}). Those last exponentials (and
     * products) are computed as one masked vector: {@link VectorMath#exp} gives the same bits
     * lane-wise as its scalar form, so only the cost changes (an attention row of i + 1 entries used
     * to spend most of its time in scalar exponentials: 32 rows of 1..128 take 0.77 of the time; a
     * row of 65 about 1.05).
     *
     * <p>No vector is carried from one iteration to the next here. The sum used to be accumulated
     * in the exponential loop itself ({@code if (i < whole) acc = acc.add(e)}), and the JIT compiled
     * that conditionally updated vector as a heap object: every row allocated its accumulator and
     * exponentials (about 100 bytes a row, 17 MB per training step of the 6-layer, width-192 GPT) and
     * took 2-3 times as long inside the attention. Summing the stored exponentials afterwards adds
     * the same values in the same order, so the bits are unchanged.
     */
    private static float normalize(float[] x, int xo, float max, float[] out, int oo, int n) {
        FloatVector vmax = FloatVector.broadcast(S, max);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> valid = S.indexInRange(i, n);
            VectorMath.exp(FloatVector.fromArray(S, x, xo + i, valid).sub(vmax)).intoArray(out, oo + i, valid);
        }
        float sum = Reductions.sum(out, oo, n);
        FloatVector inv = FloatVector.broadcast(S, 1f / sum);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> valid = S.indexInRange(i, n);
            FloatVector.fromArray(S, out, oo + i, valid).mul(inv).intoArray(out, oo + i, valid);
        }
        return sum;
    }

    /** out = log_softmax(x) over one row. */
    public static void logRow(float[] x, int xo, float[] out, int oo, int n) {
        float max = Reductions.max(x, xo, n);
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, xo + i).sub(vmax)));
        }
        float sum = VectorMath.sumLanes(acc);
        for (; i < n; i++) sum += VectorMath.exp(x[xo + i] - max);
        float logZ = max + (float) StrictMath.log(sum);
        Elementwise.applyScalarRight(Elementwise.Op.SUB, x, xo, logZ, out, oo, n);
    }

    /** dx = y ⊙ (dy − Σ dy⊙y) for softmax output y, one row; dx may alias dy. */
    public static void backwardRow(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        float dot = Reductions.dot(y, yo, dy, dyo, n);
        FloatVector vd = FloatVector.broadcast(S, dot);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector vy = FloatVector.fromArray(S, y, yo + i);
            FloatVector.fromArray(S, dy, dyo + i).sub(vd).mul(vy).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) dx[dxo + i] = y[yo + i] * (dy[dyo + i] - dot);
    }

    /** dx = dy − exp(y) Σ dy for log-softmax output y, one row; dx may alias dy. */
    public static void logBackwardRow(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        float sum = Reductions.sum(dy, dyo, n);
        FloatVector vs = FloatVector.broadcast(S, sum);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, y, yo + i));
            FloatVector.fromArray(S, dy, dyo + i).sub(e.mul(vs)).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) dx[dxo + i] = dy[dyo + i] - VectorMath.exp(y[yo + i]) * sum;
    }
}
