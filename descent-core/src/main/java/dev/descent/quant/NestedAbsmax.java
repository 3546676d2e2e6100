package dev.descent.quant;

/**
 * QLoRA's double quantization of block scales (Dettmers et al., 2023, §3; bitsandbytes'
 * {@code quantize_4bit(..., compress_statistics=True)} at commit
 * 95f9af309d4d5793847169c39288dcd3fcbdf564): the float32 absmax values c₂ of the NF4 blocks are
 * shifted by their mean and stored as 8-bit codes of the {@link DynamicMap} in blocks of
 * {@value #BLOCK}, each block with a float32 absmax c₁:
 *
 * <pre>
 *   offset = mean(c₂)
 *   (codes, c₁) = quantize_blockwise(c₂ − offset, blocksize = 256)
 *   ĉ₂[i] = map[codes[i]] · c₁[i / 256] + offset            (each operation rounded to float32, no fma)
 * </pre>
 *
 * The offset is the mean accumulated in float64 and rounded once to float32 — a choice: torch's
 * float32 {@code mean} sums in its own order and may differ from it in the last bit. Decoding uses
 * the offset as stored, so a file's round trip is exact either way.
 *
 * @param codes one dynamic-map code per NF4 block
 * @param absmax one float32 absmax per {@value #BLOCK} codes (bitsandbytes' {@code nested_absmax})
 * @param offset the mean subtracted before quantizing ({@code nested_offset})
 * @param map the 256 values the codes stand for ({@code nested_quant_map}: {@link DynamicMap} when we
 *     compress; a file's own map when read, so a file written under another torch build decodes as written)
 */
public record NestedAbsmax(byte[] codes, float[] absmax, float offset, float[] map) {
    /** Codes per nested block (bitsandbytes' {@code nested_blocksize}). */
    public static final int BLOCK = 256;

    public NestedAbsmax {
        int blocks = (codes.length + BLOCK - 1) / BLOCK;
        if (absmax.length != blocks) {
            throw new IllegalArgumentException("nested_absmax needs " + blocks + " values for " + codes.length
                    + " codes in blocks of " + BLOCK + ", got " + absmax.length);
        }
        if (map.length != 256) throw new IllegalArgumentException("nested_quant_map needs 256 values, got " + map.length);
    }

    /** Double-quantizes the block scales {@code absmax}. */
    public static NestedAbsmax compress(float[] absmax) {
        if (absmax.length == 0) throw new IllegalArgumentException("no block scales to compress");
        double sum = 0;
        for (float a : absmax) sum += a;
        float offset = (float) (sum / absmax.length);
        float[] centred = new float[absmax.length];
        for (int i = 0; i < absmax.length; i++) centred[i] = absmax[i] - offset;
        DynamicMap.Blockwise q = DynamicMap.quantizeBlockwise(centred, BLOCK);
        return new NestedAbsmax(q.codes(), q.absmax(), offset, DynamicMap.values());
    }

    /** The decoded block scales ĉ₂ (see the class comment). */
    public float[] decompress() {
        float[] out = new float[codes.length];
        for (int i = 0; i < out.length; i++) out[i] = map[codes[i] & 0xFF] * absmax[i / BLOCK] + offset;
        return out;
    }
}
