package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.io.TypedTensor;
import dev.descent.quant.Fp8;
import dev.descent.quant.NormalFloat4;
import dev.descent.tensor.Int8BlockTensor;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizeCommandTest {
    @TempDir
    Path dir;

    static Tensor gaussian(String purpose, int... shape) {
        float[] v = new float[Tensor.sizeOf(shape)];
        Philox.stream(3, purpose).fillGaussian(v, 0, v.length, 0);
        for (int i = 0; i < v.length; i++) v[i] *= 0.05f;
        return Tensor.of(v, shape);
    }

    Path model() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("wte.weight", gaussian("wte", 64, 128));
        t.put("h.0.mlp.c_fc.weight", gaussian("fc", 96, 128));
        t.put("h.0.mlp.c_fc.bias", gaussian("fcb", 96));
        t.put("h.0.ln_1.weight", gaussian("ln", 128));
        Path p = dir.resolve("model.safetensors");
        Safetensors.write(p, t);
        return p;
    }

    @Test
    void nf4RoundTripUsesBitsandbytesKeysAndDecodesToTheQuantizedValues() throws Exception {
        Path in = model();
        Path q = dir.resolve("q.safetensors");
        CliRun r = run("quantize", "--in", in.toString(), "--format", "nf4", "--out", q.toString(), "--skip", "wte.weight");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("quantized 1 weight"), r.out());
        Map<String, TypedTensor> file = Safetensors.readTyped(q).tensors();
        String w = "h.0.mlp.c_fc.weight";
        assertEquals(DType.U8, file.get(w).dtype());
        assertArrayEquals(new int[] {96 * 128 / 2, 1}, file.get(w).shape());
        assertEquals(DType.U8, file.get(w + ".absmax").dtype(), "double-quantized scales");
        assertEquals(96 * 128 / 64, file.get(w + ".absmax").size());
        assertEquals(16, file.get(w + ".quant_map").size());
        assertEquals(256, file.get(w + ".nested_quant_map").size());
        assertEquals(1, file.get(w + ".nested_absmax").size());
        String state = new String(file.get(w + ".quant_state.bitsandbytes__nf4").bytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(state.contains("\"quant_type\":\"nf4\"") && state.contains("\"blocksize\":64") && state.contains("\"shape\":[96,128]")
                && state.contains("\"nested_offset\""), state);
        assertEquals(DType.F32, file.get("wte.weight").dtype(), "skipped");

        Path back = dir.resolve("back.safetensors");
        assertEquals(0, run("quantize", "--in", q.toString(), "--dequantize", "--out", back.toString()).exit());
        Map<String, Tensor> original = Safetensors.read(in).tensors();
        Map<String, Tensor> decoded = Safetensors.read(back).tensors();
        assertEquals(original.keySet(), decoded.keySet());
        float[] expected = NormalFloat4.quantize(original.get(w), true).tensor().toFloat32().data();
        assertArrayEquals(expected, decoded.get(w).data(), w);
        for (String k : new String[] {"wte.weight", "h.0.mlp.c_fc.bias", "h.0.ln_1.weight"}) {
            assertArrayEquals(original.get(k).data(), decoded.get(k).data(), k);
        }
    }

    @Test
    void int8RoundTripIsWithinHalfAStep() throws Exception {
        Path in = model();
        Path q = dir.resolve("q8.safetensors");
        Path back = dir.resolve("back8.safetensors");
        assertEquals(0, run("quantize", "--in", in.toString(), "--format", "int8", "--out", q.toString()).exit());
        assertEquals(DType.I8, Safetensors.readTyped(q).tensors().get("wte.weight").dtype());
        assertEquals(0, run("quantize", "--in", q.toString(), "--dequantize", "--out", back.toString()).exit());
        Tensor w = Safetensors.read(in).tensors().get("h.0.mlp.c_fc.weight");
        Tensor d = Safetensors.read(back).tensors().get("h.0.mlp.c_fc.weight");
        assertArrayEquals(Int8BlockTensor.encode(w).toFloat32().data(), d.data());
        for (int b = 0; b < w.size() / 32; b++) {
            float absmax = 0;
            for (int j = 0; j < 32; j++) absmax = Math.max(absmax, Math.abs(w.get(32 * b + j)));
            for (int j = 0; j < 32; j++) assertTrue(Math.abs(w.get(32 * b + j) - d.get(32 * b + j)) <= absmax / 254 * 1.0001);
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() throws Exception {
        Path in = model();
        Path out = dir.resolve("never.safetensors");
        run("quantize", "--in", in.toString(), "--format", "nf3", "--out", out.toString()).assertBadInput("nf3", "nf4, int8, fp8_e4m3, fp8_e5m2");
        run("quantize", "--in", in.toString(), "--out", out.toString()).assertBadInput("--format");
        assertFalse(Files.exists(out));

        Path q = dir.resolve("q.safetensors");
        assertEquals(0, run("quantize", "--in", in.toString(), "--format", "nf4", "--out", q.toString(), "--double-quant", "false").exit());
        Map<String, TypedTensor> file = new LinkedHashMap<>(Safetensors.readTyped(q).tensors());
        String w = "h.0.mlp.c_fc.weight";
        TypedTensor absmax = file.get(w + ".absmax");
        // wrong block count: one scale short
        Map<String, TypedTensor> shortScales = new LinkedHashMap<>(file);
        byte[] fewer = java.util.Arrays.copyOf(absmax.bytes(), absmax.bytes().length - 4);
        shortScales.put(w + ".absmax", TypedTensor.of(DType.F32, new int[] {absmax.size() - 1}, fewer));
        Path bad1 = dir.resolve("bad1.safetensors");
        Safetensors.writeTyped(bad1, shortScales, Map.of());
        run("quantize", "--in", bad1.toString(), "--dequantize", "--out", out.toString()).assertBadInput(w + ".absmax", "191", "192");
        // wrong scale dtype: F16 instead of F32
        Map<String, TypedTensor> halfScales = new LinkedHashMap<>(file);
        halfScales.put(w + ".absmax", TypedTensor.of(DType.F16, new int[] {absmax.size()}, new byte[2 * absmax.size()]));
        Path bad2 = dir.resolve("bad2.safetensors");
        Safetensors.writeTyped(bad2, halfScales, Map.of());
        run("quantize", "--in", bad2.toString(), "--dequantize", "--out", out.toString()).assertBadInput("must be F32", "F16");
        // quantizing a quantized file
        run("quantize", "--in", q.toString(), "--format", "int8", "--out", out.toString()).assertBadInput("already quantized");
        assertFalse(Files.exists(out));
    }

    @Test
    void fp8RoundTripStoresF8CodesWithBlockScalesAndDecodesToTheGrid() throws Exception {
        Path in = model();
        String w = "h.0.mlp.c_fc.weight";
        Tensor original = Safetensors.read(in).tensors().get(w);
        for (Fp8 f : Fp8.values()) {
            String id = f == Fp8.E4M3 ? "fp8_e4m3" : "fp8_e5m2";
            Path q = dir.resolve(id + ".safetensors");
            CliRun r = run("quantize", "--in", in.toString(), "--format", id, "--out", q.toString(), "--skip", "wte.weight");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("quantized 1 weight"), r.out());
            Map<String, TypedTensor> file = Safetensors.readTyped(q).tensors();
            assertEquals(f == Fp8.E4M3 ? DType.F8_E4M3 : DType.F8_E5M2, file.get(w).dtype());
            assertArrayEquals(new int[] {96, 128}, file.get(w).shape());
            assertEquals(DType.F32, file.get(w + ".scale").dtype());
            assertEquals(96 * 128 / 32, file.get(w + ".scale").size());
            assertEquals(DType.F32, file.get("wte.weight").dtype(), "skipped");

            Path back = dir.resolve(id + "-back.safetensors");
            assertEquals(0, run("quantize", "--in", q.toString(), "--dequantize", "--out", back.toString()).exit());
            Map<String, Tensor> decoded = Safetensors.read(back).tensors();
            assertEquals(Safetensors.read(in).tensors().keySet(), decoded.keySet());
            // each block: d = absmax / max, x̂ = value(RNE_sat(x / d)) · d, and |x − x̂| within half a step of the FP8 grid
            float[] x = original.data();
            float[] got = decoded.get(w).data();
            for (int b = 0; b < x.length / 32; b++) {
                float absmax = 0;
                for (int j = 0; j < 32; j++) absmax = Math.max(absmax, Math.abs(x[32 * b + j]));
                float d = absmax / f.max();
                for (int j = 0; j < 32; j++) {
                    int i = 32 * b + j;
                    assertEquals(f.decode(f.encode(x[i] / d, true)) * d, got[i], id + " element " + i);
                    double relative = Math.scalb(1.0, f == Fp8.E4M3 ? -4 : -3); // half the spacing of the normal grid
                    double subnormal = d * Math.scalb(1.0, f == Fp8.E4M3 ? -10 : -17); // half the subnormal step
                    assertTrue(Math.abs(x[i] - got[i]) <= Math.abs(x[i]) * relative + subnormal + 1e-12, id + " error at " + i);
                }
            }
        }
    }

    @Test
    void malformedInt8AndFp8FilesAreOneLineExitTwoAndNothingWritten() throws Exception {
        Path in = model();
        Path out = dir.resolve("never.safetensors");
        String w = "h.0.mlp.c_fc.weight";
        String[][] cases = {{"int8", ".absmax"}, {"fp8_e4m3", ".scale"}, {"fp8_e5m2", ".scale"}};
        for (String[] c : cases) {
            Path q = dir.resolve(c[0] + ".safetensors");
            assertEquals(0, run("quantize", "--in", in.toString(), "--format", c[0], "--out", q.toString(), "--skip", "wte.weight").exit());
            Map<String, TypedTensor> file = new LinkedHashMap<>(Safetensors.readTyped(q).tensors());
            TypedTensor scales = file.get(w + c[1]);
            // wrong block count: one scale short
            Map<String, TypedTensor> shortScales = new LinkedHashMap<>(file);
            shortScales.put(w + c[1], TypedTensor.of(DType.F32, new int[] {scales.size() - 1}, java.util.Arrays.copyOf(scales.bytes(), scales.bytes().length - 4)));
            Path bad1 = dir.resolve(c[0] + "-bad1.safetensors");
            Safetensors.writeTyped(bad1, shortScales, Map.of());
            run("quantize", "--in", bad1.toString(), "--dequantize", "--out", out.toString()).assertBadInput(w + c[1], "383", "needs 384");
            // wrong scale dtype: F16 instead of F32
            Map<String, TypedTensor> halfScales = new LinkedHashMap<>(file);
            halfScales.put(w + c[1], TypedTensor.of(DType.F16, new int[] {scales.size()}, new byte[2 * scales.size()]));
            Path bad2 = dir.resolve(c[0] + "-bad2.safetensors");
            Safetensors.writeTyped(bad2, halfScales, Map.of());
            run("quantize", "--in", bad2.toString(), "--dequantize", "--out", out.toString()).assertBadInput("must be F32", "F16");
            // quantizing a quantized file
            run("quantize", "--in", q.toString(), "--format", "nf4", "--out", out.toString()).assertBadInput("already quantized");
            assertFalse(Files.exists(out), c[0]);
        }
        // a non-finite weight
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(in).tensors());
        float[] v = t.get(w).toArray();
        v[5] = Float.NaN;
        t.put(w, Tensor.of(v, 96, 128));
        Path nan = dir.resolve("nan.safetensors");
        Safetensors.write(nan, t);
        run("quantize", "--in", nan.toString(), "--format", "fp8_e4m3", "--out", out.toString()).assertBadInput(w, "element 5 is NaN");
        assertFalse(Files.exists(out));
    }
}
