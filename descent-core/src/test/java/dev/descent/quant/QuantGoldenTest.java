package dev.descent.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bit-exact comparisons with {@code src/test/resources/golden/quant_golden.py} (output
 * {@code quant_golden.out}); the script's header says how each value is computed independently of
 * this code: FP8 by exact enumeration of all 256 codes (torch 1.13 has no float8), the dynamic map by
 * bitsandbytes' own {@code create_dynamic_map} under torch, NF4 and double quantization by numpy with
 * argmin-distance rounding (not the kernel's midpoint tree used here).
 */
class QuantGoldenTest {
    static final Map<String, String[]> GOLDEN = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = QuantGoldenTest.class.getResourceAsStream("/golden/quant_golden.out")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts[0].startsWith("fp8_")) {
                    GOLDEN.put(parts[0] + " " + parts[1], java.util.Arrays.copyOfRange(parts, 2, parts.length));
                } else {
                    GOLDEN.put(parts[0], java.util.Arrays.copyOfRange(parts, 1, parts.length));
                }
            }
        }
    }

    static float[] floats(String key) { return GoldenHex.floats(GOLDEN.get(key)); }

    static byte[] bytes(String key) { return GoldenHex.bytes(GOLDEN.get(key)); }


    @Test
    void fp8DecodesEveryCode() {
        for (Fp8 f : Fp8.values()) {
            float[] expected = floats("fp8_decode " + f.name());
            float[] actual = new float[256];
            for (int c = 0; c < 256; c++) actual[c] = f.decode(c);
            GoldenHex.assertBitsEqual(expected, actual, f + " decode");
        }
        assertEquals(448f, Fp8.E4M3.max());
        assertEquals(57344f, Fp8.E5M2.max());
    }

    @Test
    void fp8EncodesRoundToNearestEvenWithOverflowAndSaturation() {
        for (Fp8 f : Fp8.values()) {
            String[] cases = GOLDEN.get("fp8_encode " + f.name());
            assertTrue(cases.length > 1000, "cases for " + f);
            for (String c : cases) {
                String[] p = c.split(":");
                float x = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
                boolean saturate = p[1].equals("1");
                int expected = Integer.parseInt(p[2], 16);
                assertEquals(expected, f.encode(x, saturate), f + " encode(" + x + ", saturate=" + saturate + ")");
            }
            // infinities and NaN (the script covers finite inputs)
            int nan = f.encode(Float.NaN);
            assertTrue(Float.isNaN(f.decode(nan)), f + " NaN");
            assertEquals(f.max(), f.decode(f.encode(Float.POSITIVE_INFINITY, true)));
            assertEquals(-f.max(), f.decode(f.encode(Float.NEGATIVE_INFINITY, true)));
            float inf = f.decode(f.encode(Float.POSITIVE_INFINITY));
            assertTrue(f == Fp8.E5M2 ? inf == Float.POSITIVE_INFINITY : Float.isNaN(inf), f + " +inf");
            // every finite code survives a round trip
            for (int code = 0; code < 256; code++) {
                float v = f.decode(code);
                if (Float.isFinite(v)) assertEquals(code, f.encode(v), f + " code " + code);
            }
        }
    }

    @Test
    void dynamicMapIsBitsandbytesMap() {
        GoldenHex.assertBitsEqual(floats("dynamic_map"), DynamicMap.values(), "dynamic map");
    }

    @Test
    void nf4MatchesIndependentQuantizationAndBitsandbytesPacking() {
        float[] input = floats("nf4_input");
        NormalFloat4.Weight w = NormalFloat4.quantize(Tensor.of(input, 4, 256), false);
        GoldenHex.assertBitsEqual(floats("nf4_absmax"), w.absmax(), "absmax");
        assertArrayEquals(bytes("nf4_packed"), NormalFloat4.toBitsandbytes(w.tensor()), "bitsandbytes packing");
        GoldenHex.assertBitsEqual(floats("nf4_dequant"), w.tensor().toFloat32().data(), "dequantized");
        // and back from the serialized parts
        NormalFloat4.Weight back = NormalFloat4.fromBitsandbytes(bytes("nf4_packed"), floats("nf4_absmax"), null, new int[] {4, 256});
        GoldenHex.assertBitsEqual(floats("nf4_dequant"), back.tensor().toFloat32().data(), "dequantized from bitsandbytes parts");
    }

    @Test
    void doubleQuantizationMatchesIndependentComputation() {
        NestedAbsmax n = NestedAbsmax.compress(floats("dq_input"));
        assertEquals(Float.floatToRawIntBits(floats("dq_offset")[0]), Float.floatToRawIntBits(n.offset()), "offset");
        assertArrayEquals(bytes("dq_codes"), n.codes(), "codes");
        GoldenHex.assertBitsEqual(floats("dq_nested"), n.absmax(), "nested absmax");
        GoldenHex.assertBitsEqual(floats("dq_decoded"), n.decompress(), "decoded absmax");
    }
}
