package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.io.TypedTensor;
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
        run("quantize", "--in", in.toString(), "--format", "nf3", "--out", out.toString()).assertBadInput("nf3", "nf4, int8");
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
}
