package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StorageFormatsTest {
    /**
     * Edge values and their conversions, computed with numpy 1.24 by a short script: {@code edge} as
     * float32 (zeros, ±1, ±∞, NaN, ±max, smallest normal and subnormal, binary16's max 65504 and the
     * rounding boundaries after it, binary16's smallest normal and subnormal and half of it, ties
     * 1 + 2⁻⁸ and 1 + 3·2⁻⁸ for bfloat16 and 1 + 2⁻¹¹, 1 + 3·2⁻¹¹ for binary16, bfloat16's max and
     * the value that overflows it, 1/3, and NaNs with payloads in the low and high bits). bfloat16 by
     * bit manipulation in numpy: {@code ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16)}, a NaN giving
     * {@code ((bits >> 16) & 0x8000) | 0x7FC0} (torch 1.13's {@code .bfloat16()} agrees on every
     * non-NaN value); binary16 with {@code edge.astype(np.float16).view(np.uint16)}.
     */
    static final int[] EDGE_BITS = {0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000,
        0x7F7FFFFF, 0xFF7FFFFF, 0x00800000, 0x00000001, 0x0020AAC8, 0x477FE000, 0x477FE100, 0x477FEF00, 0x477FF000,
        0x38800000, 0x3380D959, 0x337FFAE5, 0x32FFFAE5, 0x33000000, 0x2EDBE6FF, 0x3F808000, 0x3F818000, 0x3F808008,
        0x3F801000, 0x3F803000, 0x40490FDB, 0xC02DF854, 0x7149F2CA, 0x7F7F0000, 0x7F7F8000, 0x3EAAAAAB,
        0x7F800001, 0xFFC00001, 0x7FFFFFFF};
    static final int[] BF16 = {0x0000, 0x8000, 0x3F80, 0xBF80, 0x7F80, 0xFF80, 0x7FC0, 0x7F80, 0xFF80, 0x0080, 0x0000,
        0x0021, 0x4780, 0x4780, 0x4780, 0x4780, 0x3880, 0x3381, 0x3380, 0x3300, 0x3300, 0x2EDC, 0x3F80, 0x3F82, 0x3F81,
        0x3F80, 0x3F80, 0x4049, 0xC02E, 0x714A, 0x7F7F, 0x7F80, 0x3EAB, 0x7FC0, 0xFFC0, 0x7FC0};
    static final int[] F16 = {0x0000, 0x8000, 0x3C00, 0xBC00, 0x7C00, 0xFC00, 0x7E00, 0x7C00, 0xFC00, 0x0000, 0x0000,
        0x0000, 0x7BFF, 0x7BFF, 0x7BFF, 0x7C00, 0x0400, 0x0001, 0x0001, 0x0000, 0x0000, 0x0000, 0x3C04, 0x3C0C, 0x3C04,
        0x3C00, 0x3C02, 0x4248, 0xC170, 0x7C00, 0x7C00, 0x7C00, 0x3555, 0x7C01, 0xFE00, 0x7FFF};

    @Test
    void bfloat16RoundsToNearestEvenLikeNumpyBitManipulation() {
        for (int i = 0; i < EDGE_BITS.length; i++) {
            float f = Float.intBitsToFloat(EDGE_BITS[i]);
            assertEquals(BF16[i], BFloat16Tensor.fromFloat(f) & 0xFFFF, () -> "bf16 of " + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
        for (int h = 0; h < 1 << 16; h++) { // every non-NaN bfloat16 survives a round trip through float32
            float f = BFloat16Tensor.toFloat((short) h);
            if (!Float.isNaN(f)) assertEquals(h, BFloat16Tensor.fromFloat(f) & 0xFFFF);
            else assertTrue(Float.isNaN(BFloat16Tensor.toFloat(BFloat16Tensor.fromFloat(f))));
        }
    }

    @Test
    void float16MatchesNumpy() {
        for (int i = 0; i < EDGE_BITS.length; i++) {
            float f = Float.intBitsToFloat(EDGE_BITS[i]);
            // numpy keeps the signalling NaN 0x7F800001 signalling (0x7C01); ours is quiet by design (0x7E00)
            int expected = EDGE_BITS[i] == 0x7F800001 ? 0x7E00 : F16[i];
            assertEquals(expected, Float16Tensor.fromFloat(f) & 0xFFFF, () -> "f16 of " + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
    }

    @Test
    void vectorDecodersAreExactForEveryBitPattern() {
        short[] all = new short[1 << 16];
        for (int h = 0; h < all.length; h++) all[h] = (short) h;
        float[] f16 = new float[all.length];
        float[] bf16 = new float[all.length];
        new Float16Tensor(all, all.length).dequantize(0, f16, 0, all.length);
        new BFloat16Tensor(all, all.length).dequantize(0, bf16, 0, all.length);
        for (int h = 0; h < all.length; h++) {
            float reference = Float.float16ToFloat((short) h);
            assertEquals(Float.floatToRawIntBits(Float16Tensor.toFloat((short) h)), Float.floatToRawIntBits(f16[h]), "f16 " + h);
            if (Float.isNaN(reference)) {
                assertTrue(Float.isNaN(f16[h]) && (Float.floatToRawIntBits(f16[h]) & 0x00400000) != 0, "quiet NaN " + h);
                assertEquals(Float.floatToRawIntBits(reference) & 0x803FE000, Float.floatToRawIntBits(f16[h]) & 0x803FE000, "NaN sign and payload " + h);
            } else {
                assertEquals(Float.floatToRawIntBits(reference), Float.floatToRawIntBits(f16[h]), "f16 " + h);
                assertEquals(h, Float16Tensor.fromFloat(f16[h]) & 0xFFFF, "f16 round trip " + h);
            }
            assertEquals(h << 16, Float.floatToRawIntBits(bf16[h]), "bf16 " + h);
        }
    }

    private static Tensor randomMatrix(long seed, int rows, int cols) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            float magnitude = (float) Math.pow(10, r.nextInt(7) - 3); // rows of very different sizes
            v[i] = (float) r.nextGaussian() * magnitude;
        }
        return Tensor.of(v, rows, cols);
    }

    @Test
    void int8ErrorIsAtMostAbsmaxOver254() {
        Tensor t = randomMatrix(1, 16, 64);
        Int8BlockTensor q = Int8BlockTensor.encode(t);
        for (int b = 0; b < t.size() / 32; b++) {
            float absmax = 0;
            for (int j = 0; j < 32; j++) absmax = Math.max(absmax, Math.abs(t.get(b * 32 + j)));
            assertEquals(absmax / 127f, q.scales()[b]);
            // half a step, plus the float32 rounding of x·(127/absmax) and q·d (a few ulps of absmax)
            double bound = absmax / 254.0 + 4 * Math.ulp(absmax);
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                assertTrue(Math.abs(t.get(i) - q.get(i)) <= bound, "element " + i);
                assertTrue(Math.abs(q.codes()[i]) <= 127);
            }
        }
    }

    @Test
    void int4ErrorIsAtMostHalfAStep() {
        Tensor t = randomMatrix(2, 16, 64);
        for (Codebook book : new Codebook[] {Codebook.INT4, Codebook.NF4}) {
            float[] levels = book.levels();
            java.util.Arrays.sort(levels);
            double widestGap = 0;
            for (int c = 1; c < 16; c++) widestGap = Math.max(widestGap, levels[c] - levels[c - 1]);
            if (book == Codebook.INT4) widestGap = 1.0 / 7; // code 8 (−8/7) is never used
            Int4BlockTensor q = Int4BlockTensor.encode(t, book);
            for (int b = 0; b < t.size() / 32; b++) {
                float absmax = q.scales()[b];
                double bound = widestGap / 2 * absmax + 4 * Math.ulp(absmax);
                for (int j = 0; j < 32; j++) {
                    int i = b * 32 + j;
                    assertTrue(Math.abs(t.get(i) - q.get(i)) <= bound, book.name() + " element " + i);
                    if (book == Codebook.INT4) assertTrue(q.code(i) != 8, "code -8 unused");
                }
            }
        }
    }

    @Test
    void zeroNegativeAndConstantBlocks() {
        float[] v = new float[96];
        // block 0: zeros; block 1: largest magnitude negative; block 2: all equal
        for (int j = 0; j < 32; j++) v[32 + j] = j == 5 ? -5f : j * 0.1f;
        java.util.Arrays.fill(v, 64, 96, -0.75f);
        Tensor t = Tensor.of(v, 3, 32);
        for (StorageFormat f : new StorageFormat[] {StorageFormat.Q8, StorageFormat.Q4}) {
            StoredTensor q = StoredTensor.encode(t, f);
            float[] back = q.toFloat32().toArray();
            for (int j = 0; j < 32; j++) assertEquals(0f, back[j], f + ": a zero block decodes to 0, not NaN");
            float scale = f == StorageFormat.Q8 ? ((Int8BlockTensor) q).scales()[1] * 127 : ((Int4BlockTensor) q).scales()[1];
            assertEquals(5f, scale, 1e-6f, f + ": the scale is max |x|, positive for a negative extreme");
            assertEquals(-5f, back[37], 5f / 254, f + ": the negative extreme");
            for (int j = 64; j < 96; j++) assertEquals(-0.75f, back[j], 0.75f / 254 + 1e-7f, f + ": a constant block");
        }
        assertEquals(-5f, Int4BlockTensor.encode(t, Codebook.INT4).get(37), "the extreme maps to level -1 exactly");
        assertEquals(-0.75f, Int4BlockTensor.encode(t, Codebook.NF4).get(70));
    }

    @Test
    void int4LayoutIsLowNibbleThenHighNibble() {
        float[] v = new float[32];
        v[0] = 1f;    // code 7 (q = 7) in byte 0, low nibble
        v[16] = -1f;  // code 9 (q = -7) in byte 0, high nibble
        v[1] = 3f / 7; // code 3 in byte 1, low nibble
        Int4BlockTensor q = Int4BlockTensor.encode(Tensor.of(v, 32), Codebook.INT4);
        assertEquals((byte) 0x97, q.packed()[0]);
        assertEquals(0x03, q.packed()[1]);
        assertEquals(1f, q.scales()[0]);
        assertEquals(3f / 7, q.get(1));
    }

    @Test
    void quantizersRefuseNonFiniteValuesAndRaggedRows() {
        float[] v = new float[32];
        v[3] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> Int8BlockTensor.encode(Tensor.of(v, 32)));
        assertTrue(e.getMessage().contains("Q8") && e.getMessage().contains("NaN"), e.getMessage());
        var s = assertThrows(IllegalArgumentException.class, () -> StoredTensor.encode(Tensor.zeros(4, 100), StorageFormat.Q4));
        assertEquals("Q4 stores blocks of 32 along the last dimension, which must be a multiple of 32; shape [4, 100] is not", s.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> StoredTensor.encode(Tensor.zeros(64), StorageFormat.Q8).dot(16, new float[64], 0, 32));
        assertTrue(d.getMessage().startsWith("dot of a Q8 tensor takes whole blocks of 32"), d.getMessage());
    }

    /** Each format's dot and matvec give exactly {@link Reductions#dot} on the decoded values, and stay near float64. */
    @Test
    void dotAndMatvecEqualFloat32OnTheDecodedValues() {
        int rows = 37;
        int cols = 96;
        Tensor w = randomMatrix(3, rows, cols);
        float[] x = new float[cols + 3];
        Random r = new Random(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int xo = 3;
        for (StorageFormat f : StorageFormat.values()) {
            StoredTensor q = StoredTensor.encode(w, f);
            float[] decoded = q.toFloat32().toArray();
            float[] y = new float[rows + 1];
            int threads = Parallel.threads();
            try {
                Parallel.setThreads(2);
                q.matvec(x, xo, y, 1);
                float[] single = new float[rows + 1];
                Parallel.setThreads(1);
                q.matvec(x, xo, single, 1);
                assertArrayEquals(y, single, f + ": matvec does not depend on the thread count");
            } finally {
                Parallel.setThreads(threads);
            }
            for (int row = 0; row < rows; row++) {
                float expected = Reductions.dot(decoded, row * cols, x, xo, cols);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(q.dot(row * cols, x, xo, cols)), f + " dot row " + row);
                assertEquals(expected, y[1 + row], f + " matvec row " + row);
                double exact = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    exact += (double) decoded[row * cols + c] * x[xo + c];
                    magnitude += Math.abs((double) decoded[row * cols + c] * x[xo + c]);
                }
                // float32 summation of 96 terms: |error| <= ~n·eps·Σ|terms| (loose bound, eps = 2^-24)
                assertEquals(exact, expected, cols * 0x1p-24 * magnitude, f + " row " + row + " vs float64");
            }
            for (int i = 0; i < w.size(); i += 97) assertEquals(decoded[i], q.get(i), f + " get " + i);
            for (int row = 0; row < rows; row += 5) { // the tile path that machines with 4 lanes take
                float vector = q.dot(row * cols, x, xo, cols);
                if (q instanceof Int8BlockTensor b) assertEquals(vector, b.dotThroughTiles(row * cols, x, xo, cols), "Q8 tiles");
                if (q instanceof Int4BlockTensor b) assertEquals(vector, b.dotThroughTiles(row * cols, x, xo, cols), "Q4 tiles");
            }
        }
    }

    @Test
    void unalignedTailsOfTheHalfFormats() {
        Tensor w = randomMatrix(5, 1, 45);
        float[] x = new float[45];
        for (int i = 0; i < 45; i++) x[i] = i * 0.25f - 3;
        for (StorageFormat f : new StorageFormat[] {StorageFormat.F32, StorageFormat.BF16, StorageFormat.F16}) {
            StoredTensor q = StoredTensor.encode(w, f);
            float[] decoded = new float[40];
            q.dequantize(3, decoded, 0, 40);
            assertEquals(Reductions.dot(decoded, 0, x, 1, 40), q.dot(3, x, 1, 40), f.name());
        }
    }

    /** The first (interpreted) call and a call after many (compiled) give the same bits. */
    @Test
    void kernelsGiveTheSameBitsBeforeAndAfterCompilation() {
        Tensor w = randomMatrix(6, 4, 256);
        float[] x = new float[128];
        for (int i = 0; i < 128; i++) x[i] = (float) Math.sin(i);
        for (StorageFormat f : StorageFormat.values()) {
            StoredTensor q = StoredTensor.encode(w, f);
            float first = q.dot(128, x, 0, 128);
            float later = first;
            for (int k = 0; k < 5_000; k++) later = q.dot(128, x, 0, 128);
            assertEquals(Float.floatToRawIntBits(first), Float.floatToRawIntBits(later), f.name());
        }
    }

    @Test
    void storageBytes() {
        assertEquals(4L * 4096 * 4096, StorageFormat.F32.bytesFor(4096L * 4096));
        assertEquals(2L * 4096 * 4096, StorageFormat.BF16.bytesFor(4096L * 4096));
        assertEquals(4096L * 4096 + 4096L * 4096 / 32 * 4, StorageFormat.Q8.bytesFor(4096L * 4096));
        assertEquals(4096L * 4096 / 2 + 4096L * 4096 / 32 * 4, StorageFormat.Q4.bytesFor(4096L * 4096));
    }
}
