package dev.descent.tensor;

import java.util.Arrays;

/**
 * NumPy broadcasting for binary element-wise operations, and its adjoint (summing a gradient back
 * to a broadcast operand's shape).
 *
 * <p>Shapes are aligned at the right; a dimension of 1 (or a missing leading dimension) stretches.
 * The work is done one innermost row at a time: when both operands have the full last dimension
 * the row is one vector loop, when one of them has last dimension 1 it is a vector-by-scalar loop.
 * Large problems are split over the {@link Parallel} threads in ways that leave every element's
 * arithmetic, and the order of the terms of every sum, as they are on one thread: output rows for
 * the forward operation, columns for a gradient summed over rows (a bias, a position embedding).
 */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of {@code a} and {@code b}, or an exception naming both. */
    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code a op b} with broadcasting, into a new tensor. */
    public static Tensor apply(Elementwise.Op op, Tensor a, Tensor b) {
        int[] outShape = shape(a.shape(), b.shape());
        Tensor out = Tensor.zeros(outShape);
        apply(op, a, b, out);
        return out;
    }

    /** {@code out = a op b} with broadcasting; {@code out} has the broadcast shape. */
    public static void apply(Elementwise.Op op, Tensor a, Tensor b, Tensor out) {
        int[] os = out.shape();
        if (!Arrays.equals(os, shape(a.shape(), b.shape()))) {
            throw new IllegalArgumentException("output shape " + Arrays.toString(os) + " is not the broadcast shape");
        }
        if (a.sameShape(b)) {
            int n = out.size();
            Parallel.forRange(n, 1 << 15, (from, to) ->
                    Elementwise.apply(op, a.data(), a.offset() + from, b.data(), b.offset() + from,
                            out.data(), out.offset() + from, to - from));
            return;
        }
        int r = os.length;
        int inner = r == 0 ? 1 : os[r - 1];
        int rows = inner == 0 ? 0 : out.size() / inner;
        int[] as = strides(a.shape(), r);
        int[] bs = strides(b.shape(), r);
        boolean aRow = r > 0 && as[r - 1] != 0 || r == 0;
        boolean bRow = r > 0 && bs[r - 1] != 0 || r == 0;
        // Output rows are independent: split them over the threads (each element is computed the same way).
        Parallel.forRange(rows, rowGrain(inner), (from, to) -> {
            for (int row = from; row < to; row++) {
                int ai = a.offset() + rowOffset(row, os, as);
                int bi = b.offset() + rowOffset(row, os, bs);
                int oo = out.offset() + row * inner;
                if (aRow && bRow) {
                    Elementwise.apply(op, a.data(), ai, b.data(), bi, out.data(), oo, inner);
                } else if (aRow) {
                    Elementwise.applyScalarRight(op, a.data(), ai, b.data()[bi], out.data(), oo, inner);
                } else if (bRow) {
                    Elementwise.applyScalarLeft(op, a.data()[ai], b.data(), bi, out.data(), oo, inner);
                } else {
                    java.util.Arrays.fill(out.data(), oo, oo + inner, op.apply(a.data()[ai], b.data()[bi]));
                }
            }
        });
    }

    /** Elements per chunk below which a split is not worth a hand-off. */
    private static final int GRAIN = 1 << 16;

    /** Rows of {@code inner} elements per chunk. */
    private static int rowGrain(int inner) {
        return Math.max(1, GRAIN / Math.max(1, inner));
    }

    /**
     * Where row {@code row} of the broadcast shape {@code shape} starts, relative to the tensor's own
     * offset, in a tensor with strides {@code strides} (0 along the dimensions it is stretched over).
     */
    private static int rowOffset(int row, int[] shape, int[] strides) {
        int offset = 0;
        int rem = row;
        for (int d = shape.length - 2; d >= 0; d--) {
            int idx = rem % shape[d];
            rem /= shape[d];
            offset += idx * strides[d];
        }
        return offset;
    }

    /**
     * Sums {@code grad} (of the broadcast shape) over the dimensions along which an operand of shape
     * {@code target} was stretched, adding the result into {@code into} (of shape {@code target}).
     */
    public static void sumInto(Tensor grad, Tensor into) {
        int[] gs = grad.shape();
        int r = gs.length;
        if (grad.size() == into.size()) {
            Parallel.forRange(grad.size(), GRAIN, (from, to) ->
                    Elementwise.addInPlace(grad.data(), grad.offset() + from, into.data(), into.offset() + from, to - from));
            return;
        }
        int[] ts = strides(into.shape(), r);
        int inner = r == 0 ? 1 : gs[r - 1];
        int rows = inner == 0 ? 0 : grad.size() / inner;
        if (r > 0 && ts[r - 1] != 0) {
            // Rows are added into rows: split the columns over the threads, so that every element of
            // `into` still receives its terms one at a time in row order (the same sums).
            int columnGrain = Math.max(1, (GRAIN + rows - 1) / Math.max(1, rows));
            Parallel.forRange(inner, columnGrain, (c0, c1) -> {
                for (int row = 0; row < rows; row++) {
                    Elementwise.addInPlace(grad.data(), grad.offset() + row * inner + c0,
                            into.data(), into.offset() + rowOffset(row, gs, ts) + c0, c1 - c0);
                }
            });
        } else {
            for (int row = 0; row < rows; row++) {
                float rowSum = Reductions.sum(grad.data(), grad.offset() + row * inner, inner);
                into.data()[into.offset() + rowOffset(row, gs, ts)] += rowSum;
            }
        }
    }

    /** Row-major strides of {@code shape} aligned right to rank {@code r}, 0 where the dimension broadcasts. */
    static int[] strides(int[] shape, int r) {
        int[] s = new int[r];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int d = r - shape.length + i;
            s[d] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return s;
    }
}
