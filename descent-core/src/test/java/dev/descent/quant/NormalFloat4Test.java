package dev.descent.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Codebook;
import dev.descent.tensor.Int4BlockTensor;
import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** NF4 round trips against the level table of QLoRA (specs/12b_caq_zo.md, bitsandbytes' get_4bit_type("nf4")). */
class NormalFloat4Test {
    /** The 16 levels as the spec lists them. */
    static final double[] LEVELS = {-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534,
        0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434,
        0.5626170039176941, 0.7229568362236023, 1.0};

    @Test
    void everyCodeRoundTripsThroughItsLevel() {
        for (int c = 0; c < 16; c++) assertEquals((float) LEVELS[c], Codebook.NF4.level(c), "level " + c);
        float absmax = 0.75f;
        float[] v = new float[64];
        for (int i = 0; i < 64; i++) v[i] = (float) LEVELS[i % 16] * absmax; // contains ±absmax, so the scale is absmax
        NormalFloat4.Weight w = NormalFloat4.quantize(Tensor.of(v, 1, 64), false);
        Int4BlockTensor t = w.tensor();
        for (int i = 0; i < 64; i++) {
            assertEquals(i % 16, t.code(i), "code of element " + i);
            assertEquals(v[i], t.get(i), "value of element " + i);
        }
    }

    @Test
    void eachValueGoesToItsNearestLevel() {
        for (int k = -1000; k <= 1000; k++) {
            float x = k / 1000f;
            int c = NormalFloat4.code(x);
            double best = Double.MAX_VALUE;
            for (double l : LEVELS) best = Math.min(best, Math.abs(x - l));
            assertEquals(best, Math.abs(x - LEVELS[c]), 1e-7, "x = " + x);
        }
        assertEquals(0, NormalFloat4.code(Float.NaN), "NaN compares false everywhere: code 0, as bitsandbytes");
    }

    @Test
    void zeroNegativeAndConstantBlocks() {
        float[] v = new float[3 * 64];
        // block 0: all zero -> absmax 0, codes 0 (bitsandbytes), decodes to zeros
        // block 1: largest magnitude negative -> positive absmax, that element decodes to exactly -absmax
        for (int i = 0; i < 64; i++) v[64 + i] = 0.01f * (i % 7);
        v[64 + 9] = -0.4f;
        // block 2: all equal -> every element is ±absmax exactly
        for (int i = 0; i < 64; i++) v[128 + i] = -0.3f;
        NormalFloat4.Weight w = NormalFloat4.quantize(Tensor.of(v, 1, 192), false);
        float[] absmax = w.absmax();
        assertEquals(0f, absmax[0]);
        assertEquals(0.4f, absmax[1]);
        assertEquals(0.3f, absmax[2]);
        for (int i = 0; i < 64; i++) {
            assertEquals(0, w.tensor().code(i));
            assertEquals(0f, w.tensor().get(i), 0f);
            assertEquals(-0.3f, w.tensor().get(128 + i));
        }
        assertEquals(-0.4f, w.tensor().get(64 + 9));
        // the error bound: half the widest gap between levels (1 - 0.7229568) times absmax
        for (int i = 64; i < 128; i++) assertTrue(Math.abs(w.tensor().get(i) - v[i]) <= 0.5 * (1 - 0.7229568362236023) * 0.4 + 1e-7);
    }

    @Test
    void doubleQuantizedScalesAreCloseAndTheWeightUsesThem() {
        float[] v = QuantizedLinearTest.gaussian(64 * 640, "dq", 0.05f);
        NormalFloat4.Weight plain = NormalFloat4.quantize(Tensor.of(v, 64, 640), false);
        NormalFloat4.Weight dq = NormalFloat4.quantize(Tensor.of(v, 64, 640), true);
        float[] a = plain.absmax();
        float[] b = dq.absmax();
        float[] decoded = dq.nested().decompress();
        for (int i = 0; i < a.length; i++) {
            assertEquals(decoded[i], b[i], 0f);
            assertEquals(a[i], b[i], 0.02 * a[i], "scale " + i); // the dynamic map's relative step near the values used
        }
        for (int i = 0; i < v.length; i += 97) assertEquals(plain.tensor().code(i), dq.tensor().code(i), "codes do not depend on double quantization");
    }

    /** The whole-block decoding of the GEMM tiles (vector lookup) gives get(i)'s values, at any offset. */
    @Test
    void tileDecodingEqualsElementReads() {
        Int4BlockTensor t = NormalFloat4.quantize(Tensor.of(QuantizedLinearTest.gaussian(8 * 128, "tile", 0.05f), 8, 128), true).tensor();
        float[] tile = new float[3 + 256];
        t.dequantize(128, tile, 3, 256);
        for (int i = 0; i < 256; i++) assertEquals(Float.floatToRawIntBits(t.get(128 + i)), Float.floatToRawIntBits(tile[3 + i]), "element " + i);
    }

    @Test
    void refusesRaggedRowsAndNonFiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> NormalFloat4.quantize(Tensor.zeros(2, 96), false));
        float[] v = new float[64];
        v[3] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> NormalFloat4.quantize(Tensor.of(v, 1, 64), false));
    }
}
