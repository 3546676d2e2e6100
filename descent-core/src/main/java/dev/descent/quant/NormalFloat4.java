package dev.descent.quant;

import dev.descent.tensor.Codebook;
import dev.descent.tensor.Int4BlockTensor;
import dev.descent.tensor.StorageFormat;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * QLoRA's 4-bit NormalFloat (NF4) storage of a weight, with bitsandbytes' semantics
 * ({@code quantize_4bit}/{@code dequantize_4bit} with {@code quant_type="nf4"}, {@code blocksize=64};
 * read at commit 95f9af309d4d5793847169c39288dcd3fcbdf564):
 *
 * <pre>
 *   per block of 64 consecutive elements (row-major):  absmax = max |x|
 *   code(x) = dQuantizeNF4(x · fl(1/absmax))            nearest of the 16 levels of {@link Codebook#NF4}
 *   x̂ = level[code] · absmax                             (one float32 product)
 * </pre>
 *
 * {@link #code} is the C kernel's decision tree over the 15 midpoints between adjacent levels,
 * comparing with {@code >}: a value exactly on a midpoint takes the lower code (the pure-torch
 * backend's argmin over distances agrees). An all-zero block has absmax 0, its scaled values are
 * 0·∞ = NaN, and every comparison with NaN fails, so bitsandbytes stores code 0 (level −1) for it,
 * which decodes to −1 · 0 = −0; we store the same codes.
 *
 * <p><b>Memory layout.</b> The weight is held as an {@link Int4BlockTensor} over {@link Codebook#NF4}
 * with its kernels (blocks of 32, so each NF4 block of 64 is two blocks with the same scale): 4 bits
 * per element plus two float32 scales per 64, 5 bits per element, 0.156 of float32. Its nibble
 * order is llama.cpp's (element j &lt; 16 of a 32-block in the low nibble of byte j, j + 16 in the
 * high one); bitsandbytes' order — two consecutive elements per byte, the first in the high nibble —
 * is produced by {@link #toBitsandbytes} and read by {@link #fromBitsandbytes}. With double
 * quantization ({@link NestedAbsmax}) the scales in memory are the decoded ĉ₂, as bitsandbytes
 * itself decodes them before each dequantization.
 */
public final class NormalFloat4 {
    /** Elements per NF4 block (bitsandbytes' default {@code blocksize=64}). */
    public static final int BLOCK = 64;

    /** The 15 midpoints between adjacent NF4 levels, as written in bitsandbytes' {@code dQuantizeNF4}. */
    private static final float[] MIDPOINTS = {
        -0.8480964004993439f, -0.6106329262256622f, -0.4599952697753906f, -0.33967943489551544f,
        -0.23460740596055984f, -0.13791173323988914f, -0.045525018125772476f, 0.03979014977812767f,
        0.1202552504837513f, 0.2035212516784668f, 0.2920137718319893f, 0.3893125355243683f,
        0.5016634166240692f, 0.6427869200706482f, 0.8614784181118011f};

    private NormalFloat4() {}

    /**
     * The NF4 code of a value already divided by its block's absmax: the number of midpoints it
     * exceeds (the kernel's tree of {@code x > midpoint} tests, written as a count). NaN gives 0.
     */
    public static int code(float normalized) {
        int c = 0;
        for (float m : MIDPOINTS) if (normalized > m) c++;
        return c;
    }

    /** A weight quantized to NF4: the packed tensor and, with double quantization, its compressed scales. */
    public record Weight(Int4BlockTensor tensor, NestedAbsmax nested) {
        /** The absmax of each block of 64 (decoded, when double-quantized). */
        public float[] absmax() {
            float[] scales = tensor.scales();
            float[] out = new float[scales.length / 2];
            for (int b = 0; b < out.length; b++) out[b] = scales[2 * b];
            return out;
        }
    }

    /**
     * Quantizes {@code t} (any shape whose last dimension is a multiple of 64) to NF4 in blocks of
     * 64; {@code doubleQuant} also compresses the block scales ({@link NestedAbsmax}), and the tensor
     * then decodes with the decompressed scales.
     */
    public static Weight quantize(Tensor t, boolean doubleQuant) {
        int[] shape = t.shape();
        checkShape(shape);
        int n = t.size();
        float[] x = t.data();
        int off = t.offset();
        byte[] codes = new byte[n];
        float[] absmax = new float[n / BLOCK];
        for (int b = 0; b < absmax.length; b++) {
            int base = b * BLOCK;
            float m = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[off + base + j];
                if (!Float.isFinite(v)) throw new IllegalArgumentException("NF4 cannot store the non-finite value " + v + " (element " + (base + j) + ")");
                m = Math.max(m, Math.abs(v));
            }
            absmax[b] = m;
            float inverse = 1f / m;
            for (int j = 0; j < BLOCK; j++) codes[base + j] = (byte) code(Math.max(-1f, Math.min(1f, x[off + base + j] * inverse)));
        }
        NestedAbsmax nested = doubleQuant ? NestedAbsmax.compress(absmax) : null;
        float[] scales = nested == null ? absmax : nested.decompress();
        return new Weight(new Int4BlockTensor(pack(codes), duplicate(scales), Codebook.NF4, shape), nested);
    }

    /**
     * An NF4 weight of {@code shape} from bitsandbytes' serialized parts: {@code packed} two codes
     * per byte, first in the high nibble; {@code absmax} one float32 per block of 64 (ignored when
     * {@code nested} is given, which then supplies the scales).
     */
    public static Weight fromBitsandbytes(byte[] packed, float[] absmax, NestedAbsmax nested, int[] shape) {
        checkShape(shape);
        int n = Math.toIntExact(Tensor.sizeOf(shape));
        if (packed.length != n / 2) {
            throw new IllegalArgumentException("NF4 weight of shape " + Arrays.toString(shape) + " needs " + n / 2 + " packed bytes, got " + packed.length);
        }
        int blocks = n / BLOCK;
        float[] scales = nested != null ? nested.decompress() : absmax;
        if (scales.length != blocks) {
            throw new IllegalArgumentException("NF4 weight of shape " + Arrays.toString(shape) + " needs " + blocks
                    + " block scales (blocks of " + BLOCK + "), got " + scales.length);
        }
        byte[] codes = new byte[n];
        for (int i = 0; i < n / 2; i++) {
            codes[2 * i] = (byte) ((packed[i] >>> 4) & 0xF);
            codes[2 * i + 1] = (byte) (packed[i] & 0xF);
        }
        return new Weight(new Int4BlockTensor(pack(codes), duplicate(scales), Codebook.NF4, shape), nested);
    }

    /** bitsandbytes' packing of {@code w}'s codes: byte i holds element 2i in its high nibble, 2i + 1 in its low one. */
    public static byte[] toBitsandbytes(Int4BlockTensor w) {
        byte[] out = new byte[w.size() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) (w.code(2 * i) << 4 | w.code(2 * i + 1));
        return out;
    }

    /** Codes (one per element) packed in {@link Int4BlockTensor}'s layout. */
    private static byte[] pack(byte[] codes) {
        int half = StorageFormat.BLOCK / 2;
        byte[] packed = new byte[codes.length / 2];
        for (int b = 0; b < codes.length / StorageFormat.BLOCK; b++) {
            int base = b * StorageFormat.BLOCK;
            for (int j = 0; j < half; j++) packed[b * half + j] = (byte) (codes[base + j] | codes[base + j + half] << 4);
        }
        return packed;
    }

    /** Each NF4 block's scale for both of its 32-element halves. */
    private static float[] duplicate(float[] absmax) {
        float[] out = new float[absmax.length * 2];
        for (int b = 0; b < absmax.length; b++) out[2 * b] = out[2 * b + 1] = absmax[b];
        return out;
    }

    private static void checkShape(int[] shape) {
        if (shape.length == 0 || shape[shape.length - 1] % BLOCK != 0) {
            throw new IllegalArgumentException("NF4 stores blocks of " + BLOCK + " along the last dimension, which must be a multiple of "
                    + BLOCK + "; shape " + Arrays.toString(shape) + " is not");
        }
    }
}
