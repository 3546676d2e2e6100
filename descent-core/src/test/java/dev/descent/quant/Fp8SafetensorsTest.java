package dev.descent.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.io.TypedTensor;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FP8 (E4M3, E5M2) as the quantize command stores it: the codec against {@code bench/golden/fp8_golden.py}
 * (output {@code golden/fp8_golden.out}: integer round-to-nearest-even on the float32 bits with numpy, a route
 * independent of {@link Fp8}'s and of quant_golden.py's exact enumeration, with which it agrees on every shared
 * case), the 32-element blocks with their float32 scales, the safetensors dtypes F8_E4M3 / F8_E5M2, and the
 * refusal of malformed quantized files.
 */
class Fp8SafetensorsTest {
    static final Map<String, String[]> GOLDEN = new HashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = Fp8SafetensorsTest.class.getResourceAsStream("/golden/fp8_golden.out")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] p = line.trim().split(" ");
                GOLDEN.put(p[0] + " " + p[1], java.util.Arrays.copyOfRange(p, 2, p.length));
            }
        }
    }

    static float[] floats(String key) { return GoldenHex.floats(GOLDEN.get(key)); }

    static byte[] bytes(String key) { return GoldenHex.bytes(GOLDEN.get(key)); }


    static WeightFormat format(Fp8 f) {
        return f == Fp8.E4M3 ? WeightFormat.FP8_E4M3 : WeightFormat.FP8_E5M2;
    }

    @Test
    void decodeAndEncodeMatchTheBitLevelGolden() {
        for (Fp8 f : Fp8.values()) {
            float[] values = floats("decode " + f.name());
            float[] ours = new float[256];
            for (int c = 0; c < 256; c++) ours[c] = f.decode(c);
            GoldenHex.assertBitsEqual(values, ours, f + " decode");
            String[] cases = GOLDEN.get("encode " + f.name());
            assertTrue(cases.length > 1500, f + " cases");
            for (String c : cases) {
                String[] p = c.split(":");
                float x = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
                assertEquals(Integer.parseInt(p[2], 16), f.encode(x, p[1].equals("1")), f + " encode(" + x + ", saturate=" + p[1] + ")");
            }
        }
    }

    @Test
    void everyOneOfThe256CodesRoundTrips() {
        for (Fp8 f : Fp8.values()) {
            int finite = 0;
            for (int c = 0; c < 256; c++) {
                float v = f.decode(c);
                if (Float.isNaN(v)) {
                    assertTrue(Float.isNaN(f.decode(f.encode(v))) && Float.isNaN(f.decode(f.encode(v, true))), f + " NaN code " + c);
                } else if (Float.isInfinite(v)) {
                    assertEquals(c, f.encode(v), f + " infinite code " + c);
                    assertEquals(v > 0 ? f.max() : -f.max(), f.decode(f.encode(v, true)), f + " saturated infinity");
                } else {
                    assertEquals(c, f.encode(v), f + " code " + c + " = " + v);
                    assertEquals(c, f.encode(v, true), f + " code " + c + " = " + v + " (saturating)");
                    finite++;
                }
            }
            assertEquals(f == Fp8.E4M3 ? 254 : 248, finite, f + " finite codes (±0 included)");
        }
    }

    @Test
    void tiesGoToTheEvenMantissa() {
        // E4M3 around 1: spacing 1/8. 1.0625 is halfway between 1 (m=000) and 1.125 (m=001): to 1; 1.1875 to 1.25 (m=010).
        assertEquals(0x38, Fp8.E4M3.encode(1.0625f));
        assertEquals(0x3A, Fp8.E4M3.encode(1.1875f));
        assertEquals(0xB8, Fp8.E4M3.encode(-1.0625f));
        // subnormals (step 2^-9): 2^-10 is halfway between 0 and 2^-9: to 0; 3·2^-10 between 2^-9 (m=1) and 2^-8 (m=2): to 2^-8.
        assertEquals(0x00, Fp8.E4M3.encode(0x1p-10f));
        assertEquals(0x02, Fp8.E4M3.encode(3 * 0x1p-10f));
        // E5M2 around 1: spacing 1/4. 1.125 to 1 (m=00), 1.375 to 1.5 (m=10).
        assertEquals(0x3C, Fp8.E5M2.encode(1.125f));
        assertEquals(0x3E, Fp8.E5M2.encode(1.375f));
    }

    @Test
    void saturationAndOverflow() {
        // E4M3: 464 is halfway between 448 (m=110) and the NaN pattern's 480 (m=111): even, so 448 either way; above it, NaN or max.
        assertEquals(0x7E, Fp8.E4M3.encode(464f));
        assertEquals(0x7F, Fp8.E4M3.encode(465f));
        assertEquals(0x7E, Fp8.E4M3.encode(465f, true));
        assertEquals(0xFE, Fp8.E4M3.encode(-1e30f, true));
        assertEquals(0x7E, Fp8.E4M3.encode(Float.POSITIVE_INFINITY, true));
        // E5M2: 61440 is halfway between 57344 (m=11) and 65536 (the ∞ pattern): even is ∞ without saturation, max with it.
        assertEquals(0x7C, Fp8.E5M2.encode(61440f));
        assertEquals(0x7B, Fp8.E5M2.encode(61440f, true));
        assertEquals(0x7B, Fp8.E5M2.encode(61439f));
        assertEquals(0xFB, Fp8.E5M2.encode(Float.NEGATIVE_INFINITY, true));
        assertEquals(0xFC, Fp8.E5M2.encode(Float.NEGATIVE_INFINITY));
    }

    @Test
    void nanHandling() {
        assertEquals(0x7F, Fp8.E4M3.encode(Float.NaN));
        assertEquals(0x7F, Fp8.E4M3.encode(Float.NaN, true));
        assertEquals(0xFF, Fp8.E4M3.encode(Float.intBitsToFloat(0xFFC00000)));
        assertEquals(0x7E, Fp8.E5M2.encode(Float.NaN, true));
        assertEquals(0xFE, Fp8.E5M2.encode(Float.intBitsToFloat(0xFFC00000)));
        for (int c : new int[] {0x7F, 0xFF}) assertTrue(Float.isNaN(Fp8.E4M3.decode(c)));
        for (int c : new int[] {0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF}) assertTrue(Float.isNaN(Fp8.E5M2.decode(c)));
        assertEquals(Float.NEGATIVE_INFINITY, Fp8.E5M2.decode(0xFC));
    }

    @Test
    void blocksOf32MatchTheGolden() {
        for (Fp8 f : Fp8.values()) {
            Tensor w = Tensor.of(floats("weight " + f.name()), 4, 64);
            QuantizedSafetensors.Fp8Blocks q = QuantizedSafetensors.encodeFp8(w, f);
            assertArrayEquals(bytes("codes " + f.name()), q.codes(), f + " codes");
            GoldenHex.assertBitsEqual(floats("scales " + f.name()), q.scales(), f + " scales");
            assertEquals(1f, q.scales()[0], f + ": block 0 holds ±max, so d = 1 and its ties are the grid's");
            assertEquals(0f, q.scales()[1], f + ": the zero block");
            GoldenHex.assertBitsEqual(floats("decoded " + f.name()), QuantizedSafetensors.decodeFp8(q.codes(), q.scales(), f), f + " decoded");
        }
    }

    @Test
    void quantizeAndDequantizeUseTheF8Dtypes() throws IOException {
        for (Fp8 f : Fp8.values()) {
            Map<String, TypedTensor> in = new LinkedHashMap<>();
            in.put("h.0.mlp.c_fc.weight", TypedTensor.of(Tensor.of(floats("weight " + f.name()), 4, 64)));
            in.put("h.0.ln_1.weight", TypedTensor.of(Tensor.of(new float[] {1, 2, 3}, 3)));
            Map<String, TypedTensor> q = QuantizedSafetensors.quantize(in, format(f), false, Set.of());
            String w = "h.0.mlp.c_fc.weight";
            assertEquals(f == Fp8.E4M3 ? DType.F8_E4M3 : DType.F8_E5M2, q.get(w).dtype());
            assertArrayEquals(new int[] {4, 64}, q.get(w).shape());
            assertArrayEquals(bytes("codes " + f.name()), q.get(w).bytes());
            assertEquals(DType.F32, q.get(w + ".scale").dtype());
            assertEquals(8, q.get(w + ".scale").size());
            String state = new String(q.get(w + ".quant_state.descent__fp8").bytes(), StandardCharsets.UTF_8);
            assertTrue(state.contains("\"quant_type\":\"" + format(f).id() + "\"") && state.contains("\"blocksize\":32")
                    && state.contains("\"shape\":[4,64]") && state.contains("\"dtype\":\"float32\""), state);
            // through a file: the codes read back as the F8 dtype, and as float32 each code is its value
            Path file = dir.resolve(f + ".safetensors");
            Safetensors.writeTyped(file, q, Map.of());
            Map<String, TypedTensor> read = Safetensors.readTyped(file).tensors();
            assertArrayEquals(q.get(w).bytes(), read.get(w).bytes());
            float[] asFloat = Safetensors.read(file).tensors().get(w).data();
            for (int i = 0; i < asFloat.length; i++) GoldenHex.assertBitsEqual(new float[] {f.decode(read.get(w).bytes()[i])}, new float[] {asFloat[i]}, "code " + i);
            Map<String, TypedTensor> back = QuantizedSafetensors.dequantize(read);
            assertEquals(in.keySet(), back.keySet());
            GoldenHex.assertBitsEqual(floats("decoded " + f.name()), back.get(w).toFloat32().data(), f + " dequantized");
            assertArrayEquals(in.get("h.0.ln_1.weight").bytes(), back.get("h.0.ln_1.weight").bytes());
        }
    }

    @Test
    void every256CodesAsAnF8Tensor() throws IOException {
        byte[] all = new byte[256];
        for (int c = 0; c < 256; c++) all[c] = (byte) c;
        for (Fp8 f : Fp8.values()) {
            Path file = dir.resolve("all-" + f + ".safetensors");
            DType dtype = f == Fp8.E4M3 ? DType.F8_E4M3 : DType.F8_E5M2;
            Safetensors.writeTyped(file, Map.of("codes", TypedTensor.of(dtype, new int[] {256}, all)), Map.of());
            GoldenHex.assertBitsEqual(floats("decode " + f.name()), Safetensors.read(file).tensors().get("codes").data(), f + " read as float32");
            assertArrayEquals(all, Safetensors.readTyped(file).tensors().get("codes").bytes());
        }
    }

    @Test
    void malformedQuantizedFilesAreRefused() {
        Map<String, TypedTensor> in = Map.of("c.weight", TypedTensor.of(Tensor.of(floats("weight E4M3"), 4, 64)));
        Map<String, TypedTensor> good = QuantizedSafetensors.quantize(in, WeightFormat.FP8_E4M3, false, Set.of());
        String w = "c.weight";
        TypedTensor scale = good.get(w + ".scale");

        Map<String, TypedTensor> fewer = new LinkedHashMap<>(good);
        fewer.put(w + ".scale", TypedTensor.of(DType.F32, new int[] {7}, java.util.Arrays.copyOf(scale.bytes(), 28)));
        assertRefused(fewer, "'c.weight.scale' holds 7 block scales", "needs 8");

        Map<String, TypedTensor> half = new LinkedHashMap<>(good);
        half.put(w + ".scale", TypedTensor.of(DType.F16, new int[] {8}, new byte[16]));
        assertRefused(half, "'c.weight.scale' must be F32", "F16");

        Map<String, TypedTensor> otherCodes = new LinkedHashMap<>(good);
        otherCodes.put(w, TypedTensor.of(DType.F8_E5M2, new int[] {4, 64}, good.get(w).bytes()));
        assertRefused(otherCodes, "'c.weight' must be F8_E4M3", "F8_E5M2");

        Map<String, TypedTensor> negative = new LinkedHashMap<>(good);
        float[] d = scale.toFloat32().data();
        d[3] = -1;
        negative.put(w + ".scale", TypedTensor.of(Tensor.of(d, 8)));
        assertRefused(negative, "'c.weight.scale' [3] = -1.0");

        Map<String, TypedTensor> type = new LinkedHashMap<>(good);
        type.put(w + ".quant_state.descent__fp8", TypedTensor.of(DType.U8, new int[] {2}, "{}".getBytes(StandardCharsets.UTF_8)));
        assertRefused(type, "quant_type must be 'fp8_e4m3' or 'fp8_e5m2'");

        float[] inf = floats("weight E4M3");
        inf[70] = Float.POSITIVE_INFINITY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantizedSafetensors.quantize(
                Map.of("c.weight", TypedTensor.of(Tensor.of(inf, 4, 64))), WeightFormat.FP8_E5M2, false, Set.of()));
        assertTrue(e.getMessage().contains("'c.weight': element 70 is Infinity"), e.getMessage());
    }

    @Test
    void fp8IsNotATrainingBaseFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizeConfig.fromSection(Map.of("format", "fp8_e4m3"), "quantize"));
        assertTrue(e.getMessage().contains("'quantize.format' = fp8_e4m3") && e.getMessage().contains("valid: nf4, int8"), e.getMessage());
    }

    static void assertRefused(Map<String, TypedTensor> file, String... expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantizedSafetensors.dequantize(file));
        for (String s : expected) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
