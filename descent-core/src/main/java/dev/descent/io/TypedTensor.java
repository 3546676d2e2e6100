package dev.descent.io;

import dev.descent.tensor.BFloat16Tensor;
import dev.descent.tensor.Float16Tensor;
import dev.descent.tensor.Float32Tensor;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as a file stores it: a {@link DType}, a row-major shape and the elements' little-endian
 * bytes, untouched. {@link Safetensors#readTyped} returns these so that no precision is lost on the
 * way in; {@link Safetensors#writeTyped} writes them back byte for byte.
 *
 * <p>Two explicit conversions lead to computation: {@link #toFloat32()} (every dtype, with the
 * conversions described in {@link DType}) and {@link #toStored()} (the dtypes that have tensor
 * kernels: F32, BF16 and F16, kept in their own format).
 */
public final class TypedTensor {
    private final DType dtype;
    private final int[] shape;
    private final byte[] data;

    private TypedTensor(DType dtype, int[] shape, byte[] data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = Tensor.sizeOf(shape);
        if (data.length != n * dtype.size) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + n * dtype.size + " bytes, got " + data.length);
        }
        this.data = data;
    }

    /** A tensor of {@code dtype} over {@code littleEndian} bytes (not copied). */
    public static TypedTensor of(DType dtype, int[] shape, byte[] littleEndian) {
        return new TypedTensor(dtype, shape, littleEndian);
    }

    /** The F32 bytes of {@code t}. */
    public static TypedTensor of(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data(), t.offset(), t.size());
        return new TypedTensor(DType.F32, t.shape(), b.array());
    }

    /**
     * The bytes of a float32, bfloat16 or float16 tensor in its own dtype (F32, BF16, F16).
     *
     * @throws IllegalArgumentException for the blocked formats (Q8, Q4), which safetensors has no
     *     dtype for
     */
    public static TypedTensor of(StoredTensor t) {
        return switch (t) {
            case Float32Tensor f -> of(f.values());
            case BFloat16Tensor b -> new TypedTensor(DType.BF16, t.shape(), shortsToBytes(b.bits()));
            case Float16Tensor h -> new TypedTensor(DType.F16, t.shape(), shortsToBytes(h.bits()));
            default -> throw new IllegalArgumentException("a " + t.format() + " tensor has no safetensors dtype "
                    + "(F32, BF16 and F16 tensors do); store its codes and scales as separate tensors");
        };
    }

    public DType dtype() { return dtype; }

    public int[] shape() { return shape.clone(); }

    /** Number of elements (1 for a scalar). */
    public int size() { return data.length / dtype.size; }

    /** The stored little-endian bytes (shared, not copied). */
    public byte[] bytes() { return data; }

    /** Every element converted to float32 (see {@link DType} for how each dtype converts). */
    public Tensor toFloat32() {
        float[] v = new float[size()];
        dtype.decode(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), v, 0, v.length);
        return Tensor.of(v, shape);
    }

    /**
     * This tensor in its own storage format, for the tensor kernels ({@code get}, {@code dequantize},
     * {@code dot}, {@code matvec}): F32, BF16 and F16 only.
     *
     * @throws IllegalArgumentException naming the dtype for any other dtype
     */
    public StoredTensor toStored() {
        return switch (dtype) {
            case F32 -> new Float32Tensor(toFloat32());
            case BF16 -> new BFloat16Tensor(bytesToShorts(data), shape);
            case F16 -> new Float16Tensor(bytesToShorts(data), shape);
            default -> throw new IllegalArgumentException("dtype " + dtype + " has no tensor kernels (get, dequantize, "
                    + "dot and matvec take F32, BF16, F16): convert it with toFloat32()");
        };
    }

    private static byte[] shortsToBytes(short[] s) {
        ByteBuffer b = ByteBuffer.allocate(2 * s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(s);
        return b.array();
    }

    private static short[] bytesToShorts(byte[] bytes) {
        short[] s = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypedTensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
