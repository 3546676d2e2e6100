package dev.descent.io;

import java.nio.ByteBuffer;

/**
 * Element encodings of {@link Safetensors} and {@link Npy} files. {@link TypedTensor} keeps the
 * stored encoding; the float32 readers and {@link TypedTensor#toFloat32()} convert as follows.
 *
 * <p>Constant names are the safetensors dtype names. Integers convert exactly where float32 can hold
 * them and round to nearest otherwise; {@code BOOL} reads any non-zero byte as {@code 1.0f}; F16 and
 * BF16 widen exactly; F64 rounds to nearest float32; the 8-bit floats {@code F8_E4M3} (torch
 * {@code float8_e4m3fn}) and {@code F8_E5M2} ({@code float8_e5m2}) widen exactly, each code to the value
 * {@link dev.descent.quant.Fp8} gives it (NaN codes to NaN).
 */
public enum DType {
    BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), I64(8), U64(8), F64(8), F8_E4M3(1), F8_E5M2(1);

    final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Converts {@code n} elements from {@code src} (whose byte order is already set) into {@code dst[at..]}. */
    void decode(ByteBuffer src, float[] dst, int at, int n) {
        switch (this) {
            case F32 -> src.asFloatBuffer().get(dst, at, n);
            case BOOL -> { for (int i = 0; i < n; i++) dst[at + i] = src.get() != 0 ? 1f : 0f; }
            case U8 -> { for (int i = 0; i < n; i++) dst[at + i] = src.get() & 0xFF; }
            case I8 -> { for (int i = 0; i < n; i++) dst[at + i] = src.get(); }
            case I16 -> { for (int i = 0; i < n; i++) dst[at + i] = src.getShort(); }
            case U16 -> { for (int i = 0; i < n; i++) dst[at + i] = src.getShort() & 0xFFFF; }
            case F16 -> { for (int i = 0; i < n; i++) dst[at + i] = Float.float16ToFloat(src.getShort()); }
            case BF16 -> { for (int i = 0; i < n; i++) dst[at + i] = Float.intBitsToFloat((src.getShort() & 0xFFFF) << 16); }
            case I32 -> { for (int i = 0; i < n; i++) dst[at + i] = src.getInt(); }
            case U32 -> { for (int i = 0; i < n; i++) dst[at + i] = Integer.toUnsignedLong(src.getInt()); }
            case I64 -> { for (int i = 0; i < n; i++) dst[at + i] = src.getLong(); }
            case U64 -> { for (int i = 0; i < n; i++) dst[at + i] = unsignedToFloat(src.getLong()); }
            case F64 -> { for (int i = 0; i < n; i++) dst[at + i] = (float) src.getDouble(); }
            case F8_E4M3 -> { for (int i = 0; i < n; i++) dst[at + i] = dev.descent.quant.Fp8.E4M3.decode(src.get()); }
            case F8_E5M2 -> { for (int i = 0; i < n; i++) dst[at + i] = dev.descent.quant.Fp8.E5M2.decode(src.get()); }
        }
    }

    private static float unsignedToFloat(long v) {
        if (v >= 0) return v;
        // halve (keeping the sticky low bit for correct rounding), convert, double
        return ((v >>> 1) | (v & 1)) * 2f;
    }
}
