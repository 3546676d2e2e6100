package dev.descent.quant;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.DType;
import dev.descent.io.TypedTensor;
import dev.descent.tensor.BFloat16Tensor;
import dev.descent.tensor.Codebook;
import dev.descent.tensor.Float16Tensor;
import dev.descent.tensor.Int4BlockTensor;
import dev.descent.tensor.Int8BlockTensor;
import dev.descent.tensor.StorageFormat;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Packed weights in a safetensors file, in the layout bitsandbytes writes for {@code Linear4bit}
 * ({@code QuantState.as_dict(packed=True)}, read at commit 95f9af309d4d5793847169c39288dcd3fcbdf564
 * and used by transformers), so that its files and ours read each other. For a weight {@code W}
 * named {@code p.weight}:
 *
 * <table>
 *   <caption>NF4 (bitsandbytes' keys)</caption>
 *   <tr><th>key</th><th>dtype, shape</th><th>content</th></tr>
 *   <tr><td>{@code p.weight}</td><td>U8 [n/2, 1]</td><td>two codes per byte, element 2i in the high nibble</td></tr>
 *   <tr><td>{@code p.weight.absmax}</td><td>F32 [n/64], or U8 [n/64] when nested</td><td>block scales, or their 8-bit codes</td></tr>
 *   <tr><td>{@code p.weight.quant_map}</td><td>F32 [16]</td><td>the NF4 levels</td></tr>
 *   <tr><td>{@code p.weight.nested_absmax}</td><td>F32 [⌈n/64/256⌉]</td><td>double quantization: scales of the scale codes</td></tr>
 *   <tr><td>{@code p.weight.nested_quant_map}</td><td>F32 [256]</td><td>the dynamic 8-bit map</td></tr>
 *   <tr><td>{@code p.weight.quant_state.bitsandbytes__nf4}</td><td>U8 [bytes]</td><td>UTF-8 JSON: {@code quant_type},
 *       {@code blocksize}, {@code dtype}, {@code shape}, and when nested {@code nested_blocksize}, {@code nested_dtype},
 *       {@code nested_offset}</td></tr>
 * </table>
 *
 * <p>int8 has no bitsandbytes counterpart with per-block scales (its {@code Linear8bitLt} scales
 * rows), so its layout is ours, built the same way: {@code p.weight} I8 [out, in] codes,
 * {@code p.weight.absmax} F32 [n/32] holding each block's scale d = absmax/127, and
 * {@code p.weight.quant_state.descent__int8} with {@code quant_type "int8"}, {@code blocksize 32},
 * {@code dtype}, {@code shape}.
 *
 * <p>FP8 ({@code fp8_e4m3}, {@code fp8_e5m2}; {@link Fp8}) is also ours, in the same shape: {@code p.weight}
 * F8_E4M3 or F8_E5M2 [out, in] (the safetensors dtype names; any reader of those dtypes sees the codes),
 * {@code p.weight.scale} F32 [n/32], and {@code p.weight.quant_state.descent__fp8} with {@code quant_type}
 * ({@code "fp8_e4m3"} or {@code "fp8_e5m2"}), {@code blocksize 32}, {@code dtype}, {@code shape}. The scale is
 * per block of 32 consecutive elements of a row (chosen over one scale per tensor, torchao's default, so that
 * one outlier costs its block only; the layout of int8 and of the OCP MX formats, whose blocks are 32 too):
 * <pre>
 *   d = absmax / max (float32; max = 448 for E4M3, 57344 for E5M2),  code = RNE_sat(x / d),  x̂ = value(code) · d
 * </pre>
 * RNE_sat rounds to nearest, ties to even, and saturates to ±max as torchao's {@code to_fp8_saturated} does
 * (clamp, then torch's cast; torch's plain cast does not saturate). An all-zero block has d = 0 and codes ±0.
 * Non-finite weights are refused, as for int8 and NF4.
 *
 * <p>Which tensors are quantized: rank-2 floating-point tensors (F32, BF16, F16) whose name ends in
 * {@code weight} and whose last dimension is a multiple of the format's block (64, 32) — the linear
 * layers of a model. Everything else is copied as it is (embeddings are rank 2 but their rows are
 * looked up, not multiplied: pass their names to skip them). {@code dtype} records the original
 * dtype, which {@link #dequantize} writes back.
 */
public final class QuantizedSafetensors {
    private static final String NF4_STATE = ".quant_state.bitsandbytes__nf4";
    private static final String INT8_STATE = ".quant_state.descent__int8";
    private static final String FP8_STATE = ".quant_state.descent__fp8";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private QuantizedSafetensors() {}

    /** The tensors of {@code in} with every eligible weight (see the class comment) quantized to {@code format}. */
    public static Map<String, TypedTensor> quantize(Map<String, TypedTensor> in, WeightFormat format, boolean doubleQuant,
                                                    java.util.Set<String> skip) {
        Map<String, TypedTensor> out = new LinkedHashMap<>();
        for (var e : in.entrySet()) {
            String name = e.getKey();
            TypedTensor t = e.getValue();
            if (isStateKey(name)) throw new IllegalArgumentException("tensor '" + name + "' is already quantized; dequantize the file first");
            if (!skip.contains(name) && eligible(name, t, format)) {
                Tensor w = t.toFloat32();
                switch (format) {
                    case NF4 -> putNf4(out, name, NormalFloat4.quantize(w, doubleQuant), t.dtype());
                    case INT8 -> putInt8(out, name, Int8BlockTensor.encode(w), t.dtype());
                    case FP8_E4M3, FP8_E5M2 -> putFp8(out, name, w, format, t.dtype());
                }
            } else {
                out.put(name, t);
            }
        }
        return out;
    }

    /** True if {@code t} is quantized by {@link #quantize} in {@code format}. */
    public static boolean eligible(String name, TypedTensor t, WeightFormat format) {
        int block = format == WeightFormat.NF4 ? NormalFloat4.BLOCK : StorageFormat.BLOCK;
        int[] s = t.shape();
        return name.endsWith("weight") && s.length == 2 && s[1] % block == 0
                && (t.dtype() == DType.F32 || t.dtype() == DType.BF16 || t.dtype() == DType.F16);
    }

    /** The tensors of {@code in} with every packed weight decoded back to its recorded dtype and its parts removed. */
    public static Map<String, TypedTensor> dequantize(Map<String, TypedTensor> in) {
        Map<String, TypedTensor> out = new LinkedHashMap<>();
        java.util.Set<String> parts = new java.util.HashSet<>();
        for (String key : in.keySet()) {
            String base = baseName(key);
            if (base == null) continue;
            for (String suffix : new String[] {"", ".absmax", ".scale", ".quant_map", ".nested_absmax", ".nested_quant_map", NF4_STATE, INT8_STATE,
                    FP8_STATE}) {
                parts.add(base + suffix);
            }
        }
        for (var e : in.entrySet()) {
            String base = baseName(e.getKey());
            if (base != null) {
                Loaded l = load(in, base);
                out.put(base, encode(l.weight().toFloat32(), l.dtype()));
            } else if (!parts.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** A packed weight read from a file and the dtype it was quantized from. */
    public record Loaded(StoredTensor weight, DType dtype) {}

    /** The packed weight stored under {@code name} (e.g. {@code "transformer.h.0.mlp.c_fc.weight"}), ready for {@link QuantizedLinear}. */
    public static Loaded load(Map<String, TypedTensor> file, String name) {
        if (file.containsKey(name + NF4_STATE)) return loadNf4(file, name);
        if (file.containsKey(name + INT8_STATE)) return loadInt8(file, name);
        if (file.containsKey(name + FP8_STATE)) return loadFp8(file, name);
        throw new IllegalArgumentException("'" + name + "' is not a quantized weight (no " + name + NF4_STATE + ", " + name + INT8_STATE
                + " or " + name + FP8_STATE + ")");
    }

    private static String baseName(String key) {
        if (key.endsWith(NF4_STATE)) return key.substring(0, key.length() - NF4_STATE.length());
        if (key.endsWith(INT8_STATE)) return key.substring(0, key.length() - INT8_STATE.length());
        if (key.endsWith(FP8_STATE)) return key.substring(0, key.length() - FP8_STATE.length());
        return null;
    }

    private static boolean isStateKey(String key) {
        return key.contains(".quant_state.");
    }

    // ---------------------------------------------------------------- NF4

    private static void putNf4(Map<String, TypedTensor> out, String name, NormalFloat4.Weight w, DType dtype) {
        int[] shape = w.tensor().shape();
        byte[] packed = NormalFloat4.toBitsandbytes(w.tensor());
        out.put(name, TypedTensor.of(DType.U8, new int[] {packed.length, 1}, packed));
        ObjectNode state = JSON.createObjectNode();
        state.put("quant_type", "nf4");
        state.put("blocksize", NormalFloat4.BLOCK);
        state.put("dtype", torchName(dtype));
        state.putArray("shape").add(shape[0]).add(shape[1]);
        if (w.nested() != null) {
            NestedAbsmax n = w.nested();
            out.put(name + ".absmax", TypedTensor.of(DType.U8, new int[] {n.codes().length}, n.codes().clone()));
            out.put(name + ".quant_map", floats(Codebook.NF4.levels()));
            out.put(name + ".nested_absmax", floats(n.absmax()));
            out.put(name + ".nested_quant_map", floats(n.map()));
            state.put("nested_blocksize", NestedAbsmax.BLOCK);
            state.put("nested_dtype", "float32");
            state.put("nested_offset", (double) n.offset());
        } else {
            out.put(name + ".absmax", floats(w.absmax()));
            out.put(name + ".quant_map", floats(Codebook.NF4.levels()));
        }
        out.put(name + NF4_STATE, json(state));
    }

    private static Loaded loadNf4(Map<String, TypedTensor> file, String name) {
        JsonNode state = readState(file, name + NF4_STATE);
        expect(state, name + NF4_STATE, "quant_type", "nf4");
        int block = intField(state, name + NF4_STATE, "blocksize");
        if (block != NormalFloat4.BLOCK) {
            throw new IllegalArgumentException(name + NF4_STATE + ": blocksize " + block + " is not supported; valid: " + NormalFloat4.BLOCK);
        }
        int[] shape = shape(state, name + NF4_STATE);
        DType dtype = dtypeOf(state, name + NF4_STATE);
        TypedTensor packed = require(file, name, DType.U8);
        checkLevels(require(file, name + ".quant_map", DType.F32), Codebook.NF4.levels(), name + ".quant_map");
        TypedTensor absmax = file.get(name + ".absmax");
        if (absmax == null) throw new IllegalArgumentException("missing tensor '" + name + ".absmax'");
        int blocks = Math.toIntExact(dev.descent.tensor.Tensor.sizeOf(shape) / NormalFloat4.BLOCK);
        if (absmax.size() != blocks) {
            throw new IllegalArgumentException("'" + name + ".absmax' holds " + absmax.size() + " block scales; shape "
                    + Arrays.toString(shape) + " in blocks of " + NormalFloat4.BLOCK + " needs " + blocks);
        }
        NormalFloat4.Weight w;
        if (state.has("nested_offset")) {
            if (absmax.dtype() != DType.U8) {
                throw new IllegalArgumentException("'" + name + ".absmax' must be U8 (double-quantized scale codes), got " + absmax.dtype());
            }
            int nestedBlock = intField(state, name + NF4_STATE, "nested_blocksize");
            if (nestedBlock != NestedAbsmax.BLOCK) {
                throw new IllegalArgumentException(name + NF4_STATE + ": nested_blocksize " + nestedBlock + " is not supported; valid: " + NestedAbsmax.BLOCK);
            }
            float[] map = require(file, name + ".nested_quant_map", DType.F32).toFloat32().data();
            if (map.length != 256) throw new IllegalArgumentException("'" + name + ".nested_quant_map' needs 256 values, got " + map.length);
            float[] nestedAbsmax = require(file, name + ".nested_absmax", DType.F32).toFloat32().data();
            NestedAbsmax n = new NestedAbsmax(absmax.bytes().clone(), nestedAbsmax, (float) state.get("nested_offset").asDouble(), map);
            w = NormalFloat4.fromBitsandbytes(packed.bytes(), null, n, shape);
        } else {
            if (absmax.dtype() != DType.F32) {
                throw new IllegalArgumentException("'" + name + ".absmax' must be F32 (block scales), got " + absmax.dtype());
            }
            w = NormalFloat4.fromBitsandbytes(packed.bytes(), absmax.toFloat32().data(), null, shape);
        }
        return new Loaded(w.tensor(), dtype);
    }

    // ---------------------------------------------------------------- int8

    private static void putInt8(Map<String, TypedTensor> out, String name, Int8BlockTensor w, DType dtype) {
        out.put(name, TypedTensor.of(DType.I8, w.shape(), w.codes().clone()));
        out.put(name + ".absmax", floats(w.scales()));
        ObjectNode state = JSON.createObjectNode();
        state.put("quant_type", "int8");
        state.put("blocksize", StorageFormat.BLOCK);
        state.put("dtype", torchName(dtype));
        state.putArray("shape").add(w.shape()[0]).add(w.shape()[1]);
        out.put(name + INT8_STATE, json(state));
    }

    private static Loaded loadInt8(Map<String, TypedTensor> file, String name) {
        JsonNode state = readState(file, name + INT8_STATE);
        expect(state, name + INT8_STATE, "quant_type", "int8");
        int block = intField(state, name + INT8_STATE, "blocksize");
        if (block != StorageFormat.BLOCK) {
            throw new IllegalArgumentException(name + INT8_STATE + ": blocksize " + block + " is not supported; valid: " + StorageFormat.BLOCK);
        }
        int[] shape = shape(state, name + INT8_STATE);
        TypedTensor codes = require(file, name, DType.I8);
        if (!Arrays.equals(codes.shape(), shape)) {
            throw new IllegalArgumentException("'" + name + "' has shape " + Arrays.toString(codes.shape()) + ", its quant_state says " + Arrays.toString(shape));
        }
        TypedTensor scales = require(file, name + ".absmax", DType.F32);
        int blocks = codes.size() / StorageFormat.BLOCK;
        if (scales.size() != blocks) {
            throw new IllegalArgumentException("'" + name + ".absmax' holds " + scales.size() + " block scales; shape "
                    + Arrays.toString(shape) + " in blocks of " + StorageFormat.BLOCK + " needs " + blocks);
        }
        return new Loaded(new Int8BlockTensor(codes.bytes().clone(), scales.toFloat32().data(), shape), dtypeOf(state, name + INT8_STATE));
    }

    // ---------------------------------------------------------------- FP8

    /** The DType of {@code f}'s codes. */
    private static DType dtypeOf(Fp8 f) {
        return f == Fp8.E4M3 ? DType.F8_E4M3 : DType.F8_E5M2;
    }

    /** FP8 codes of a tensor and its block scales (see the class comment). */
    record Fp8Blocks(byte[] codes, float[] scales) {}

    /** {@code w} in blocks of 32: d = absmax/max, codes RNE_sat(x/d) (x itself when d = 0); non-finite values are refused. */
    static Fp8Blocks encodeFp8(Tensor w, Fp8 f) {
        float[] x = w.toArray();
        byte[] codes = new byte[x.length];
        float[] scales = new float[x.length / StorageFormat.BLOCK];
        for (int b = 0; b < scales.length; b++) {
            int base = b * StorageFormat.BLOCK;
            float absmax = 0;
            for (int j = 0; j < StorageFormat.BLOCK; j++) {
                float v = x[base + j];
                if (!Float.isFinite(v)) throw new IllegalArgumentException("element " + (base + j) + " is " + v + "; FP8 quantization takes finite weights");
                absmax = Math.max(absmax, Math.abs(v));
            }
            float d = absmax / f.max();
            scales[b] = d;
            for (int j = 0; j < StorageFormat.BLOCK; j++) {
                float v = x[base + j];
                codes[base + j] = (byte) f.encode(d == 0 ? v : v / d, true);
            }
        }
        return new Fp8Blocks(codes, scales);
    }

    /** value(code) · d per element, in float32. */
    static float[] decodeFp8(byte[] codes, float[] scales, Fp8 f) {
        float[] out = new float[codes.length];
        for (int i = 0; i < codes.length; i++) out[i] = f.decode(codes[i]) * scales[i / StorageFormat.BLOCK];
        return out;
    }

    private static void putFp8(Map<String, TypedTensor> out, String name, Tensor w, WeightFormat format, DType dtype) {
        Fp8Blocks q;
        try {
            q = encodeFp8(w, format.fp8());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "': " + e.getMessage());
        }
        out.put(name, TypedTensor.of(dtypeOf(format.fp8()), w.shape(), q.codes()));
        out.put(name + ".scale", floats(q.scales()));
        ObjectNode state = JSON.createObjectNode();
        state.put("quant_type", format.id());
        state.put("blocksize", StorageFormat.BLOCK);
        state.put("dtype", torchName(dtype));
        state.putArray("shape").add(w.shape()[0]).add(w.shape()[1]);
        out.put(name + FP8_STATE, json(state));
    }

    /** An FP8 weight decoded to float32 (FP8 has no tensor kernels here: its values are emulated in float32). */
    private static Loaded loadFp8(Map<String, TypedTensor> file, String name) {
        String key = name + FP8_STATE;
        JsonNode state = readState(file, key);
        String type = state.path("quant_type").asText();
        WeightFormat format = type.equals(WeightFormat.FP8_E4M3.id()) ? WeightFormat.FP8_E4M3
                : type.equals(WeightFormat.FP8_E5M2.id()) ? WeightFormat.FP8_E5M2 : null;
        if (format == null) throw new IllegalArgumentException(key + ": quant_type must be 'fp8_e4m3' or 'fp8_e5m2', got " + state.path("quant_type"));
        int block = intField(state, key, "blocksize");
        if (block != StorageFormat.BLOCK) {
            throw new IllegalArgumentException(key + ": blocksize " + block + " is not supported; valid: " + StorageFormat.BLOCK);
        }
        int[] shape = shape(state, key);
        TypedTensor codes = require(file, name, dtypeOf(format.fp8()));
        if (!Arrays.equals(codes.shape(), shape)) {
            throw new IllegalArgumentException("'" + name + "' has shape " + Arrays.toString(codes.shape()) + ", its quant_state says " + Arrays.toString(shape));
        }
        if (codes.size() % StorageFormat.BLOCK != 0) {
            throw new IllegalArgumentException("'" + name + "' holds " + codes.size() + " codes, not a multiple of the block of " + StorageFormat.BLOCK);
        }
        TypedTensor scales = require(file, name + ".scale", DType.F32);
        int blocks = codes.size() / StorageFormat.BLOCK;
        if (scales.size() != blocks) {
            throw new IllegalArgumentException("'" + name + ".scale' holds " + scales.size() + " block scales; shape "
                    + Arrays.toString(shape) + " in blocks of " + StorageFormat.BLOCK + " needs " + blocks);
        }
        float[] d = scales.toFloat32().data();
        for (int b = 0; b < d.length; b++) {
            if (!(d[b] >= 0) || !Float.isFinite(d[b])) {
                throw new IllegalArgumentException("'" + name + ".scale' [" + b + "] = " + d[b] + "; a block scale must be finite and >= 0");
            }
        }
        float[] values = decodeFp8(codes.bytes(), d, format.fp8());
        return new Loaded(new dev.descent.tensor.Float32Tensor(Tensor.of(values, shape)), dtypeOf(state, key));
    }

    // ---------------------------------------------------------------- helpers

    private static TypedTensor require(Map<String, TypedTensor> file, String key, DType dtype) {
        TypedTensor t = file.get(key);
        if (t == null) throw new IllegalArgumentException("missing tensor '" + key + "'");
        if (t.dtype() != dtype) throw new IllegalArgumentException("'" + key + "' must be " + dtype + ", got " + t.dtype());
        return t;
    }

    private static void checkLevels(TypedTensor stored, float[] expected, String key) {
        float[] v = stored.toFloat32().data();
        if (!Arrays.equals(v, expected)) {
            throw new IllegalArgumentException("'" + key + "' is not the expected table of " + expected.length + " values");
        }
    }

    private static JsonNode readState(Map<String, TypedTensor> file, String key) {
        TypedTensor t = require(file, key, DType.U8);
        try {
            JsonNode n = JSON.readTree(new String(t.bytes(), StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) throw new IllegalArgumentException("'" + key + "' is not a JSON object");
            return n;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("'" + key + "' is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void expect(JsonNode state, String key, String field, String value) {
        if (!state.path(field).asText().equals(value)) {
            throw new IllegalArgumentException(key + ": " + field + " must be '" + value + "', got " + state.path(field));
        }
    }

    private static int intField(JsonNode state, String key, String field) {
        JsonNode v = state.get(field);
        if (v == null || !v.canConvertToInt()) throw new IllegalArgumentException(key + ": " + field + " must be an integer, got " + v);
        return v.asInt();
    }

    private static int[] shape(JsonNode state, String key) {
        JsonNode s = state.get("shape");
        if (s == null || !s.isArray() || s.size() != 2 || !s.get(0).canConvertToInt() || !s.get(1).canConvertToInt()
                || s.get(0).asInt() < 1 || s.get(1).asInt() < 1) {
            throw new IllegalArgumentException(key + ": shape must be [out, in] with positive sizes, got " + s);
        }
        return new int[] {s.get(0).asInt(), s.get(1).asInt()};
    }

    private static DType dtypeOf(JsonNode state, String key) {
        String d = state.path("dtype").asText();
        return switch (d) {
            case "float32" -> DType.F32;
            case "bfloat16" -> DType.BF16;
            case "float16" -> DType.F16;
            default -> throw new IllegalArgumentException(key + ": dtype '" + d + "' is not supported; valid: float32, bfloat16, float16");
        };
    }

    private static String torchName(DType d) {
        return switch (d) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> throw new IllegalArgumentException("cannot quantize a " + d + " tensor");
        };
    }

    private static TypedTensor encode(Tensor t, DType dtype) {
        return switch (dtype) {
            case BF16 -> TypedTensor.of(BFloat16Tensor.encode(t));
            case F16 -> TypedTensor.of(Float16Tensor.encode(t));
            default -> TypedTensor.of(t);
        };
    }

    private static TypedTensor floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return TypedTensor.of(DType.F32, new int[] {v.length}, b.array());
    }

    private static TypedTensor json(ObjectNode state) {
        byte[] bytes = state.toString().getBytes(StandardCharsets.UTF_8);
        return TypedTensor.of(DType.U8, new int[] {bytes.length}, bytes);
    }
}
