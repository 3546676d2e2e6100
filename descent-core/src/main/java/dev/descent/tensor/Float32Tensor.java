package dev.descent.tensor;

/**
 * float32 storage: a {@link StoredTensor} view of a {@link Tensor} (shared, not copied), whose dot
 * product is {@link Reductions#dot} itself, the reference every other format is measured against.
 */
public final class Float32Tensor extends StoredTensor {
    private final Tensor values;

    /** Wraps {@code values} (its storage is shared). */
    public Float32Tensor(Tensor values) {
        super(values.shape());
        this.values = values;
    }

    /** The wrapped float32 tensor. */
    public Tensor values() { return values; }

    @Override
    public StorageFormat format() { return StorageFormat.F32; }

    @Override
    public float get(int i) { return values.get(i); }

    @Override
    public void dequantize(int from, float[] dst, int at, int n) {
        checkRange("dequantize", from, n);
        System.arraycopy(values.data(), values.offset() + from, dst, at, n);
    }

    @Override
    public float dot(int from, float[] x, int xo, int n) {
        checkRange("dot", from, n);
        checkVector("x", x, xo, n);
        return Reductions.dot(values.data(), values.offset() + from, x, xo, n);
    }
}
