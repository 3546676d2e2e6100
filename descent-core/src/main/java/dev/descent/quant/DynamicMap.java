package dev.descent.quant;

/**
 * bitsandbytes' signed 8-bit "dynamic" data type (Dettmers, "8-Bit Approximations for Parallelism in
 * Deep Learning", 2016) and its block-wise quantization, as used for QLoRA's double quantization of
 * the NF4 block scales.
 *
 * <p>The 256 values are {@code create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8)}
 * of bitsandbytes' {@code functional.py} (commit 95f9af309d4d5793847169c39288dcd3fcbdf564): for
 * i = 0..6, the midpoints of {@code linspace(0.1, 1, 2^i + 1)} times 10^(i−6), with both signs,
 * plus 0 and 1, sorted. The arithmetic is torch's float32 arithmetic ({@link #linspace}, the
 * midpoint (a + b)/2 and the product with the scale rounded to float32), checked bit for bit against
 * the function run under torch 1.13. Another torch build could round a value differently; files
 * carry their map ({@code nested_quant_map}), and reading uses the file's.
 *
 * <p>{@link #quantize} is the C kernel's {@code dQuantize<0>}: a 7-step binary search from pivot
 * 127 over the sorted values, then the nearer of the two bracketing values by comparing with their
 * float32 midpoint (strictly: a value exactly on a midpoint stays at the search's pivot).
 * {@link #quantizeBlockwise} is {@code quantize_blockwise}: per block, absmax = max |x|, then code
 * of x · (1/absmax) (the reciprocal rounded to float32 first, as the kernel does).
 */
public final class DynamicMap {
    /** The 256 values of the signed dynamic map, ascending (index = code). */
    private static final float[] SIGNED = signedMap();

    private DynamicMap() {}

    /** A copy of the 256 values (code c stands for {@code values()[c]}). */
    public static float[] values() {
        return SIGNED.clone();
    }

    /** The value of code {@code c} (0..255). */
    public static float value(int c) {
        return SIGNED[c & 0xFF];
    }

    private static float[] signedMap() {
        float[] data = new float[256];
        int n = 0;
        for (int i = 0; i < 7; i++) {
            float[] b = linspace(0.1f, 1f, (1 << i) + 1);
            // torch multiplies the float32 means by the Python scalar rounded to float32
            float scale = i == 6 ? 1f : (float) Math.pow(10, i - 6);
            for (int k = 0; k + 1 < b.length; k++) {
                float mean = (b[k] + b[k + 1]) / 2f;
                data[n++] = scale * mean;
                data[n++] = -scale * mean;
            }
        }
        data[n++] = 0f;
        data[n++] = 1f;
        if (n != 256) throw new AssertionError(n);
        java.util.Arrays.sort(data);
        return data;
    }

    /**
     * torch.linspace in float32, bit for bit as torch's CPU kernel computes it (ATen
     * {@code linspace_kernel}, AVX2 build): step = (end − start)/(steps − 1); element k is
     * fma(step, k, start) below the halfway index steps/2 and fma(−step, steps − 1 − k, end) from it
     * (the compiler contracts the scalar formula); the kernel fills runs of two 8-lane vectors, each
     * vector as base + i·step (rounded twice) from its first element's base, and the remaining
     * elements with the scalar formula.
     */
    private static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        int lanes = 8;
        int k = 0;
        for (; k + 2 * lanes <= steps; k += 2 * lanes) {
            for (int v = k; v < k + 2 * lanes; v += lanes) {
                float base = linspaceElement(start, end, step, halfway, steps, v);
                for (int i = 0; i < lanes; i++) out[v + i] = base + step * i;
            }
        }
        for (; k < steps; k++) out[k] = linspaceElement(start, end, step, halfway, steps, k);
        return out;
    }

    private static float linspaceElement(float start, float end, float step, int halfway, int steps, int k) {
        return k < halfway ? Math.fma(step, (float) k, start) : Math.fma(-step, (float) (steps - k - 1), end);
    }

    /** The code of {@code x} (normally in [−1, 1]): bitsandbytes' {@code dQuantize<0>} (see the class comment). */
    public static int quantize(float x) {
        float[] code = SIGNED;
        int pivot = 127;
        int upperPivot = 255;
        int lowerPivot = 0;
        float lower = -1f;
        float upper = 1f;
        float val = code[pivot];
        for (int i = 64; i > 0; i >>= 1) {
            if (x > val) {
                lowerPivot = pivot;
                lower = val;
                pivot += i;
            } else {
                upperPivot = pivot;
                upper = val;
                pivot -= i;
            }
            val = code[pivot];
        }
        if (upperPivot == 255) upper = code[upperPivot];
        if (lowerPivot == 0) lower = code[lowerPivot];
        if (x > val) {
            float midpoint = (upper + val) * 0.5f;
            return x > midpoint ? upperPivot : pivot;
        } else {
            float midpoint = (lower + val) * 0.5f;
            return x < midpoint ? lowerPivot : pivot;
        }
    }

    /** Codes and per-block absmax of {@code x} in blocks of {@code blockSize} (the last block may be partial). */
    public record Blockwise(byte[] codes, float[] absmax, int blockSize) {}

    /** bitsandbytes' {@code quantize_blockwise(x, blocksize)} with the signed dynamic map. */
    public static Blockwise quantizeBlockwise(float[] x, int blockSize) {
        if (blockSize < 1) throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        int blocks = (x.length + blockSize - 1) / blockSize;
        byte[] codes = new byte[x.length];
        float[] absmax = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b * blockSize;
            int to = Math.min(x.length, from + blockSize);
            float m = 0;
            for (int i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]));
            absmax[b] = m;
            float inverse = 1f / m;
            for (int i = from; i < to; i++) codes[i] = (byte) quantize(x[i] * inverse);
        }
        return new Blockwise(codes, absmax, blockSize);
    }
}
