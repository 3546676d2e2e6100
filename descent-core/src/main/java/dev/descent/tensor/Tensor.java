package dev.descent.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a contiguous, row-major view of {@code size()} floats starting at
 * {@code offset} in a backing {@code float[]}.
 *
 * <p>Views share their backing array, which is how a model's parameters live in one flat buffer
 * (each parameter a view at its own offset) and how an optimizer sees the same buffer as a whole or
 * as one matrix per parameter. Only contiguous views exist: transposes are handled by the kernels
 * ({@link Gemm} takes transpose flags) rather than by strides, which keeps every kernel a simple
 * loop over a flat range.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        VectorSupport.require(); // every tensor passes here: a missing Vector API is reported before any kernel loads
        this.data = data;
        this.offset = offset;
        this.shape = shape.clone();
        this.size = sizeOf(shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + size)
                    + ") lies outside a backing array of " + data.length + " floats");
        }
    }

    /** A new zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[sizeOf(shape)], 0, shape);
    }

    /** A tensor that wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != sizeOf(shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                    + sizeOf(shape) + " values, got " + data.length);
        }
        return new Tensor(data, 0, shape);
    }

    /** A view of {@code shape} at {@code offset} into {@code data} (shared, not copied). */
    public static Tensor view(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, shape);
    }

    /** A scalar (rank-0) tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, 0, new int[0]);
    }

    public static int sizeOf(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds 2^31 elements");
            }
        }
        return (int) n;
    }

    /** The backing array; index it from {@link #offset()}. */
    public float[] data() { return data; }

    public int offset() { return offset; }

    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /** Dimension {@code i}; negative {@code i} counts from the end as in PyTorch. */
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    public int size() { return size; }

    /** The same storage seen with another shape of the same size. */
    public Tensor reshape(int... newShape) {
        int inferred = -1;
        int known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1) {
                if (inferred >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape");
                inferred = i;
            } else {
                known *= newShape[i];
            }
        }
        int[] s = newShape.clone();
        if (inferred >= 0) s[inferred] = known == 0 ? 0 : size / known;
        if (sizeOf(s) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, s);
    }

    /** Rows {@code [from, to)} along the first dimension, as a view. */
    public Tensor slice(int from, int to) {
        if (rank() == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + Arrays.toString(shape));
        }
        int inner = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(data, offset + from * inner, s);
    }

    /** Element at flat (row-major) index {@code i}. */
    public float get(int i) { return data[offset + checkIndex(i)]; }

    public void set(int i, float v) { data[offset + checkIndex(i)] = v; }

    /** Element at a multi-index. */
    public float at(int... index) { return data[offset + flatIndex(index)]; }

    public int flatIndex(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for shape " + Arrays.toString(shape));
        }
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
            }
            f = f * shape[d] + index[d];
        }
        return f;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i + " not in [0, " + size + ")");
        return i;
    }

    /** A fresh copy of the values as an array of exactly {@code size()} floats. */
    public float[] toArray() { return Arrays.copyOfRange(data, offset, offset + size); }

    /** A deep copy with its own storage. */
    public Tensor copy() { return new Tensor(toArray(), 0, shape); }

    /** Copies {@code src}'s values (same size) into this view. */
    public void copyFrom(Tensor src) {
        if (src.size != size) throw new IllegalArgumentException("copy of " + src.size + " values into " + size);
        System.arraycopy(src.data, src.offset, data, offset, size);
    }

    public void fill(float v) { Arrays.fill(data, offset, offset + size, v); }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(' ');
        int n = Math.min(size, 8);
        b.append('[');
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ", ").append(data[offset + i]);
        if (size > n) b.append(", …");
        return b.append(']').toString();
    }
}
