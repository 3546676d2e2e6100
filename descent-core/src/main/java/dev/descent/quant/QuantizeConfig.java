package dev.descent.quant;

import dev.descent.nn.Linear;
import dev.descent.nn.Module;
import dev.descent.nn.ParameterRole;
import dev.descent.tensor.Int8BlockTensor;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which linear layers of a model to quantize, and how: a training config's {@code quantize:} section.
 * {@link #apply} replaces each chosen {@link Linear} by a frozen {@link QuantizedLinear} over its packed
 * weight (QLoRA's base, §3 of Dettmers et al. 2023, when LoRA adapters are added on top afterwards).
 *
 * <p>Keys: {@code format} ({@code nf4}, the default, or {@code int8}; the FP8 formats are file formats of the
 * {@code quantize} command only, with no tensor kernels), {@code double_quant} (NF4 only;
 * default true, QLoRA's and bitsandbytes' {@code compress_statistics=True}), {@code target_modules}
 * (module names, each matching a module whose dotted name equals it or ends with {@code "." + name},
 * as in the {@code peft:} section; default: every linear layer) and {@code skip} (names in the same
 * form, never quantized). A layer whose weight is an output head ({@link ParameterRole#HEAD}) is never
 * a default target, and the GPT's tied head is its token embedding, which is not a linear layer: the
 * default quantizes the hidden linear layers only, as QLoRA keeps embeddings and head in 16 bits.
 * A layer with a bias keeps it in float32, frozen.
 *
 * <p>Quantization is a pure function of the weights ({@link NormalFloat4#quantize}, {@link
 * Int8BlockTensor#encode}), so quantizing the same base again (on resume, or when sampling) gives the
 * same packed bits and the same forward.
 */
public record QuantizeConfig(WeightFormat format, boolean doubleQuant, List<String> targetModules, List<String> skip) {
    /** The keys of the section. */
    public static final List<String> KEYS = List.of("format", "double_quant", "target_modules", "skip");

    /** What {@link #apply} did: the quantized layers' dotted names, their weights' element count and the bytes the packed weights hold. */
    public record Applied(List<String> layers, long elements, long packedBytes) {}

    /**
     * Reads a {@code quantize:} section (key → text) whose dotted path is {@code path}; a bad key or value
     * is an {@link IllegalArgumentException} of one line naming {@code path.key} and what is allowed.
     */
    public static QuantizeConfig fromSection(Map<String, String> m, String path) {
        WeightFormat format = WeightFormat.NF4;
        boolean doubleQuant = true;
        List<String> targets = null;
        List<String> skip = List.of();
        for (var e : m.entrySet()) {
            String v = e.getValue().trim();
            String at = path + "." + e.getKey();
            switch (e.getKey()) {
                case "format" -> {
                    try {
                        format = WeightFormat.parse(v, WeightFormat.TRAINING);
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException("'" + at + "' = " + v + ": " + ex.getMessage());
                    }
                }
                case "double_quant" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException("'" + at + "' = " + v + " has the wrong type; allowed: true or false");
                    }
                    doubleQuant = v.equals("true");
                }
                case "target_modules" -> targets = names(v, at);
                case "skip" -> skip = names(v, at);
                default -> throw new IllegalArgumentException("'" + at + "' is not a known key; valid keys there: " + String.join(", ", KEYS));
            }
        }
        return new QuantizeConfig(format, doubleQuant, targets, skip);
    }

    private static List<String> names(String v, String at) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (s.isBlank()) throw new IllegalArgumentException("'" + at + "' = " + v + " has an empty name");
            out.add(s.trim());
        }
        return List.copyOf(out);
    }

    private static boolean matches(List<String> names, String path) {
        for (String n : names) if (path.equals(n) || path.endsWith("." + n)) return true;
        return false;
    }

    /** The block the last dimension of a quantized weight must be a multiple of. */
    private int block() {
        return format == WeightFormat.NF4 ? NormalFloat4.BLOCK : dev.descent.tensor.StorageFormat.BLOCK;
    }

    /**
     * Replaces every chosen {@link Linear} of {@code root} (not yet flattened) by a {@link QuantizedLinear}
     * over its weight quantized in {@link #format}. Everything is checked before the tree changes: a
     * listed target that matches no linear layer (the message lists the linear layers), or a chosen layer
     * whose input width is not a multiple of the format's block (the message says to skip it).
     */
    public Applied apply(Module root) {
        Map<String, Linear> linear = new LinkedHashMap<>();
        collect(root, "", linear);
        List<String> chosen = new ArrayList<>();
        for (var e : linear.entrySet()) {
            String p = e.getKey();
            boolean target = targetModules == null ? e.getValue().weight.role() != ParameterRole.HEAD : matches(targetModules, p);
            if (target && !matches(skip, p)) chosen.add(p);
        }
        if (targetModules != null) {
            for (String t : targetModules) {
                boolean found = false;
                for (String p : linear.keySet()) found |= matches(List.of(t), p);
                if (!found) {
                    throw new IllegalArgumentException("quantize.target_modules: '" + t + "' matches no linear layer; linear layers: "
                            + String.join(", ", linear.keySet()));
                }
            }
        }
        for (String p : chosen) {
            int in = linear.get(p).inFeatures();
            if (in % block() != 0) {
                throw new IllegalArgumentException("quantize: layer " + p + " has " + in + " input features, not a multiple of the "
                        + format.id() + " block of " + block() + "; add it to quantize.skip");
            }
        }
        long bytes = 0;
        long elements = 0;
        for (String p : chosen) {
            Linear l = linear.get(p);
            Tensor w = l.weight.value();
            StoredTensor q = format == WeightFormat.NF4 ? NormalFloat4.quantize(w, doubleQuant).tensor() : Int8BlockTensor.encode(w);
            root.replace(p, new QuantizedLinear(q, l.bias == null ? null : l.bias.value()));
            bytes += q.storageBytes();
            elements += q.size();
        }
        return new Applied(List.copyOf(chosen), elements, bytes);
    }

    private static void collect(Module m, String prefix, Map<String, Linear> out) {
        for (var e : m.children().entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof Linear l) out.put(name, l);
            collect(e.getValue(), name + ".", out);
        }
    }

    /** The bytes held by the packed weights of the {@link QuantizedLinear} layers below {@code root}. */
    public static long packedBytes(Module root) {
        long bytes = 0;
        for (Module m : root.children().values()) {
            if (m instanceof QuantizedLinear q) bytes += q.weight().storageBytes();
            bytes += packedBytes(m);
        }
        return bytes;
    }
}
