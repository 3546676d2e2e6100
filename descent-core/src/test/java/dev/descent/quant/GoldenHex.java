package dev.descent.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hex words of the quantization golden scripts' outputs ({@code quant_golden.out},
 * {@code fp8_golden.out}): float32 values as their bit patterns, codes as bytes; and the bit-for-bit
 * comparison of float arrays those tests make (any NaN matches a NaN).
 */
final class GoldenHex {
    private GoldenHex() {}

    static float[] floats(String[] hex) {
        float[] out = new float[hex.length];
        for (int i = 0; i < hex.length; i++) out[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(hex[i], 16));
        return out;
    }

    static byte[] bytes(String[] hex) {
        byte[] out = new byte[hex.length];
        for (int i = 0; i < hex.length; i++) out[i] = (byte) Integer.parseInt(hex[i], 16);
        return out;
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i])) {
                assertTrue(Float.isNaN(actual[i]), what + "[" + i + "] should be NaN");
            } else {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                        what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }
}
