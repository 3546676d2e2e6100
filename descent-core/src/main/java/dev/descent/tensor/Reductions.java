package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions over flat ranges. Sums accumulate in float vectors lane-wise and are combined in a
 * fixed order, so a given length always gives the same bits; the {@code double} variants accumulate
 * in double for norms that feed clipping and logging.
 */
public final class Reductions {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Reductions() {}

    public static float sum(float[] a, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    public static float max(float[] a, int off, int n) {
        if (n == 0) return Float.NEGATIVE_INFINITY;
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) acc = acc.max(FloatVector.fromArray(S, a, off + i));
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** Σ a[i]² accumulated in double blocks (each block of vector lanes in float, blocks summed in double). */
    public static double sumOfSquares(float[] a, int off, int n) {
        double total = 0;
        final int block = 4096;
        for (int start = 0; start < n; start += block) {
            int len = Math.min(block, n - start);
            total += dot(a, off + start, a, off + start, len);
        }
        return total;
    }

    /** Σ a[i]² over [0, n) split across threads in fixed chunks; deterministic for a thread count. */
    public static double sumOfSquaresParallel(float[] a, int off, int n) {
        int chunks = Parallel.chunkCount(n, 1 << 16);
        if (chunks <= 1) return sumOfSquares(a, off, n);
        double[] partial = new double[chunks];
        Parallel.forChunks(n, 1 << 16, (c, from, to) -> partial[c] = sumOfSquares(a, off + from, to - from));
        double s = 0;
        for (double p : partial) s += p;
        return s;
    }

    /** colSum[j] += Σ_r a[r*cols + j] over {@code rows} rows: the bias gradient of a linear layer. */
    public static void addColumnSums(float[] a, int off, int rows, int cols, float[] colSum, int co) {
        for (int r = 0; r < rows; r++) Elementwise.addInPlace(a, off + r * cols, colSum, co, cols);
    }

    /** True when every value is finite. */
    public static boolean allFinite(float[] a, int off, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[off + i])) return false;
        }
        return true;
    }
}
