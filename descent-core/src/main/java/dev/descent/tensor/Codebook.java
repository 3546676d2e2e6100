package dev.descent.tensor;

import java.util.Arrays;

/**
 * The 16 levels a 4-bit code can stand for, as multiples of a block's scale (its absmax): code c
 * decodes to {@code level(c) · scale}. {@link Int4BlockTensor} takes any codebook, so a
 * non-uniform one such as QLoRA's NormalFloat (NF4) plugs in beside the uniform signed one.
 *
 * <p>Encoding picks the level nearest to x / scale (ties to the lower code). With levels covering
 * [−1, 1] the error is at most half the widest gap between adjacent levels, times the scale.
 */
public final class Codebook {
    /**
     * Signed 4-bit symmetric: code c is the two's-complement nibble of q ∈ [−7, 7] and stands for
     * q / 7, so x ≈ rint(7 · x / absmax) · absmax / 7 (step absmax/7). Code 8 (q = −8) is never
     * produced: its level −8/7 lies outside [−1, 1].
     */
    public static final Codebook INT4 = new Codebook("int4", int4Levels());

    /**
     * NormalFloat4 from QLoRA (Dettmers et al., 2023, appendix E), the table of bitsandbytes'
     * {@code get_4bit_type("nf4")}: quantiles of a standard normal rescaled to [−1, 1], with an exact 0.
     */
    public static final Codebook NF4 = new Codebook("nf4", new float[] {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f});

    private final String name;
    private final float[] levels;

    /** A codebook of 16 finite {@code levels} (code c stands for {@code levels[c]}). */
    public Codebook(String name, float[] levels) {
        if (levels.length != 16) throw new IllegalArgumentException("codebook '" + name + "' needs 16 levels, got " + levels.length);
        for (float v : levels) {
            if (!Float.isFinite(v)) throw new IllegalArgumentException("codebook '" + name + "' has a non-finite level " + v);
        }
        this.name = name;
        this.levels = levels.clone();
    }

    private static float[] int4Levels() {
        float[] l = new float[16];
        for (int c = 0; c < 16; c++) l[c] = (c < 8 ? c : c - 16) / 7f;
        return l;
    }

    public String name() { return name; }

    /** The level of code {@code c} (0..15). */
    public float level(int c) { return levels[c]; }

    /** A copy of the 16 levels. */
    public float[] levels() { return levels.clone(); }

    /** The levels themselves (not a copy), for kernels. */
    float[] levelsArray() { return levels; }

    /** The code whose level is nearest to {@code t} (ties to the lower code). */
    public int encode(float t) {
        int best = 0;
        float bestDistance = Math.abs(t - levels[0]);
        for (int c = 1; c < 16; c++) {
            float distance = Math.abs(t - levels[c]);
            if (distance < bestDistance) {
                best = c;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Each level times {@code scale}: the decoded values of one block. */
    void scaledLevels(float scale, float[] out) {
        for (int c = 0; c < 16; c++) out[c] = levels[c] * scale;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(levels);
    }
}
