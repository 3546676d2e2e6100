package dev.descent.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A row-major tensor whose elements are stored in one {@link StorageFormat}, with the kernels that
 * read it: element read ({@link #get}), decoding a range into float32 ({@link #dequantize}), a dot
 * product with a float32 vector ({@link #dot}) and a matrix-vector product ({@link #matvec}).
 *
 * <p>Each format is its own subclass with its own Vector API kernels, in the manner of
 * llama3.java's {@code FloatTensor} family: {@link Float32Tensor}, {@link BFloat16Tensor},
 * {@link Float16Tensor}, {@link Int8BlockTensor}, {@link Int4BlockTensor}. Build one from float32
 * values with {@link #encode}; get float32 back with {@link #toFloat32}.
 *
 * <p><b>Arithmetic contract.</b> Every kernel computes exactly what {@link Reductions#dot} computes
 * on the dequantized values: lane-wise fused multiply-adds over chunks of the preferred vector
 * length, lanes summed in lane order ({@link VectorMath#sumLanes}), then the scalar tail. Decoding is
 * exact integer and bit arithmetic plus one float multiplication by the block scale, and every
 * operation used is exactly rounded, so the result is the same bits whether the JIT has compiled the
 * kernel or not, and {@code dot(from, x, xo, n) == Reductions.dot(dequantized, 0, x, xo, n)}.
 * A matrix-vector product is one such dot per row, rows split across {@link Parallel}'s threads;
 * since rows are independent, its result does not depend on the thread count.
 *
 * <p>Blocked formats ({@link StorageFormat#blocked()}) need the last dimension to be a multiple of
 * {@value StorageFormat#BLOCK}, as GGUF does, so that every row starts a block; their {@code dot}
 * takes whole blocks only.
 */
public abstract sealed class StoredTensor
        permits Float32Tensor, BFloat16Tensor, Float16Tensor, Int8BlockTensor, Int4BlockTensor {
    /**
     * The vector shape of every kernel: the preferred one (4, 8 or 16 lanes on current hardware),
     * or 16 lanes if a machine prefers more than a block holds.
     */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.length() <= StorageFormat.BLOCK
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_512;
    static final int L = S.length();
    static final int BLOCK = StorageFormat.BLOCK;

    private final int[] shape;
    private final int size;

    StoredTensor(int[] shape) {
        this.shape = shape.clone();
        this.size = Tensor.sizeOf(shape);
    }

    /** Encodes float32 {@code t} in {@code format} ({@link Codebook#INT4} for {@link StorageFormat#Q4}). */
    public static StoredTensor encode(Tensor t, StorageFormat format) {
        return switch (format) {
            case F32 -> new Float32Tensor(t);
            case BF16 -> BFloat16Tensor.encode(t);
            case F16 -> Float16Tensor.encode(t);
            case Q8 -> Int8BlockTensor.encode(t);
            case Q4 -> Int4BlockTensor.encode(t, Codebook.INT4);
        };
    }

    public abstract StorageFormat format();

    public final int[] shape() { return shape.clone(); }

    public final int rank() { return shape.length; }

    public final int size() { return size; }

    /** Bytes the elements occupy, block scales included. */
    public final long storageBytes() { return format().bytesFor(size); }

    /** The element at flat (row-major) index {@code i}, as float32. */
    public abstract float get(int i);

    /** Decodes elements {@code [from, from + n)} into {@code dst[at .. at + n)}. */
    public abstract void dequantize(int from, float[] dst, int at, int n);

    /**
     * Σ_{k<n} element(from + k) · x[xo + k], in the order of {@link Reductions#dot} on the decoded
     * values (see the class comment).
     */
    public abstract float dot(int from, float[] x, int xo, int n);

    /**
     * y[yo + r] = Σ_c element(r, c) · x[xo + c] for every row r of this rank-2 tensor (one
     * {@link #dot} per row; rows in parallel).
     */
    public final void matvec(float[] x, int xo, float[] y, int yo) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("matvec needs a rank-2 tensor, got shape " + Arrays.toString(shape));
        }
        int rows = shape[0];
        int cols = shape[1];
        checkVector("x", x, xo, cols);
        checkVector("y", y, yo, rows);
        int grain = Math.max(1, (1 << 15) / Math.max(1, cols));
        Parallel.forRange(rows, grain, (from, to) -> {
            for (int r = from; r < to; r++) y[yo + r] = dot(r * cols, x, xo, cols);
        });
    }

    /** A float32 copy of every element. */
    public final Tensor toFloat32() {
        float[] v = new float[size];
        dequantize(0, v, 0, size);
        return Tensor.of(v, shape);
    }

    void checkRange(String kernel, int from, int n) {
        if (from < 0 || n < 0 || from > size - n) {
            throw new IndexOutOfBoundsException(kernel + " of [" + from + ", " + ((long) from + n) + ") in a "
                    + format() + " tensor of " + size + " elements");
        }
    }

    /** The whole-block rule of the blocked formats' dot. */
    void checkBlocks(String kernel, int from, int n) {
        checkRange(kernel, from, n);
        if (from % BLOCK != 0 || n % BLOCK != 0) {
            throw new IllegalArgumentException(kernel + " of a " + format() + " tensor takes whole blocks of " + BLOCK
                    + " elements: start " + from + " and length " + n + " must be multiples of " + BLOCK);
        }
    }

    static void checkVector(String name, float[] v, int off, int n) {
        if (off < 0 || off > v.length - n) {
            throw new IndexOutOfBoundsException(name + " needs " + n + " values from " + off + ", array holds " + v.length);
        }
    }

    /** The shape rule of the blocked formats. */
    static void checkBlockedShape(StorageFormat format, int[] shape) {
        if (shape.length == 0 || shape[shape.length - 1] % BLOCK != 0) {
            throw new IllegalArgumentException(format + " stores blocks of " + BLOCK + " along the last dimension, "
                    + "which must be a multiple of " + BLOCK + "; shape " + Arrays.toString(shape) + " is not");
        }
    }

    /** Quantizers refuse NaN and infinities: one would poison its block's scale. */
    static void checkFinite(StorageFormat format, float v, int index) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(format + " cannot store the non-finite value " + v + " (element " + index + ")");
        }
    }

    /** acc + lane-wise tile[j]·x[xo + j] over one block of decoded values. */
    static FloatVector fmaBlock(float[] tile, float[] x, int xo, FloatVector acc) {
        for (int j = 0; j < BLOCK; j += L) {
            acc = FloatVector.fromArray(S, tile, j).fma(FloatVector.fromArray(S, x, xo + j), acc);
        }
        return acc;
    }

    @Override
    public String toString() {
        return format() + Arrays.toString(shape);
    }
}
