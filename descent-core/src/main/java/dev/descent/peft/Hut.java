package dev.descent.peft;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HUT, the Hadamard Updated Transformation (Zhang, Zhou, Chen, "HUT: A More Computation Efficient
 * Fine-Tuning Method With Hadamard Updated Transformation", arXiv 2409.13501, 2024). No code of the
 * authors was found, and the paper's method section could not be read when this was written (only the
 * abstract and summaries); this is the most faithful reading of the abstract: an "updated transformation"
 * maps the original weight directly to the updated one, and HUT "updates the original weight matrix using
 * the Hadamard transformation with two low-rank matrices".
 *
 * <p>Form ({@link HutLinear}):
 * <pre>
 *   W = W₀ ⊙ (J + s·B A),   B [out, r], A [r, in],  s = α/r
 * </pre>
 * (J all ones): the updated weight is the frozen one transformed element-wise, each entry scaled by
 * 1 + s·(B A)ᵢⱼ, so the update {@code s·W₀ ⊙ B A} is tied to W₀ (zero where W₀ is zero, large where W₀ is)
 * and its rank can exceed r. Trainable: {@code r·(in + out)} per layer, LoRA's count at the same r.
 * Choices where the abstract says nothing (stated in docs/peft.md): the identity J + (·) that makes HUT
 * start at W₀ with B = 0; A initialised as LoRA's A and the scale s = α/r taken from LoRA's
 * {@code lora_alpha} and {@code r} (and {@code rank_pattern}, {@code alpha_pattern}, {@code use_rslora}).
 *
 * <p>Files (PEFT has no HUT): {@code adapter_config.json} is the LoRA configuration's JSON with
 * {@code peft_type = "HUT"}; {@code adapter_model.safetensors} holds, per adapted layer at dotted path P,
 * {@code base_model.model.P.hut_A.weight} {@code [r, in]} and {@code base_model.model.P.hut_B.weight}
 * {@code [out, r]}.
 */
public final class Hut {
    public static final String PEFT_TYPE = "HUT";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Hut() {}

    /**
     * Wraps every target of {@code config} in a {@link HutLinear} named {@code adapterName}, A drawn from
     * the stream {@code (seed, "init/<path>.hut_A.<adapter>.weight")}, and freezes everything else.
     */
    public static Lora.Applied apply(Module root, LoraConfig config, String adapterName, long seed, DropoutStreams streams) {
        Lora.Applied applied = wrap(root, config, adapterName, streams);
        for (var e : layers(root).entrySet()) {
            Tensor a = e.getValue().hutA().value();
            Philox.stream(seed, "init/" + e.getKey() + ".hut_A." + adapterName + ".weight").fillUniform(a.data(), a.offset(), a.size(), 0);
            float bound = (float) (1 / Math.sqrt(e.getValue().inFeatures()));
            for (int i = a.offset(); i < a.offset() + a.size(); i++) a.data()[i] = (a.data()[i] * 2 - 1) * bound;
        }
        return applied;
    }

    private static Lora.Applied wrap(Module root, LoraConfig config, String adapterName, DropoutStreams streams) {
        if (config.bias() != LoraConfig.Bias.NONE) throw new PeftException("'peft.bias' = " + config.bias().peftName() + " is not supported with variant hut; allowed: none");
        if (!config.modulesToSave().isEmpty()) throw new PeftException("'peft.modules_to_save' is not supported with variant hut");
        if (config.initLoraWeights() != LoraConfig.Init.DEFAULT) throw new PeftException("'peft.init_lora_weights' is not used with variant hut; leave it unset");
        Map<String, Module> modules = Lora.modules(root);
        List<String> targets = Lora.targets(modules, config);
        // Check every layer before changing anything, so that a bad rank or base leaves the model as it was.
        List<HutLinear> built = new ArrayList<>();
        for (String path : targets) {
            int r = config.rankOf(path);
            double alpha = config.alphaOf(path);
            try {
                built.add(new HutLinear((LinearLayer) modules.get(path), adapterName, r, config.scaling(r, alpha), config.loraDropout(), streams));
            } catch (PeftException e) {
                throw new PeftException(path + ": " + e.getMessage());
            }
        }
        for (int i = 0; i < targets.size(); i++) root.replace(targets.get(i), built.get(i));
        root.freeze((name, p) -> !(name.contains(".hut_A." + adapterName + ".") || name.contains(".hut_B." + adapterName + ".")));
        long trainable = 0;
        for (Parameter p : root.namedParameters().values()) if (p.isTrainable()) trainable += p.size();
        return new Lora.Applied(targets, trainable, root.parameterCount());
    }

    /** The HUT layers of {@code root} by dotted name. */
    public static Map<String, HutLinear> layers(Module root) {
        Map<String, HutLinear> out = new LinkedHashMap<>();
        for (var e : Lora.modules(root).entrySet()) if (e.getValue() instanceof HutLinear l) out.put(e.getKey(), l);
        return out;
    }

    /** Writes every HUT layer's W₀ ⊙ (J + s·B A) into its base weight. */
    public static void merge(Module root) { layers(root).values().forEach(HutLinear::merge); }

    /** Restores every merged base weight. */
    public static void unmerge(Module root) { layers(root).values().forEach(HutLinear::unmerge); }

    /** The adapter's tensors under their saved names. */
    public static Map<String, Tensor> adapterTensors(Module root) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : layers(root).entrySet()) {
            out.put(AdapterFiles.PREFIX + e.getKey() + ".hut_A.weight", e.getValue().hutA().value());
            out.put(AdapterFiles.PREFIX + e.getKey() + ".hut_B.weight", e.getValue().hutB().value());
        }
        if (out.isEmpty()) throw new PeftException("the model has no HUT layer");
        return out;
    }

    /** Writes the adapter ({@link #adapterTensors}, the configuration with {@code peft_type = HUT}) into {@code dir}. */
    public static void save(Path dir, Module root, LoraConfig config) throws IOException {
        ObjectNode json = config.toJson(JSON);
        json.put("peft_type", PEFT_TYPE);
        VariantFiles.write(dir, adapterTensors(root), json);
    }

    /**
     * Adds the HUT adapter saved in {@code dir} to {@code root} (before flattening) as {@code adapterName}.
     * A file that does not fit the model (another type, a missing or extra tensor, another shape) is refused
     * with one line before the model is changed.
     */
    public static LoraConfig load(Path dir, Module root, String adapterName, DropoutStreams streams) throws IOException {
        LoraConfig config = VariantFiles.readConfig(dir, PEFT_TYPE);
        Path wf = dir.resolve(AdapterFiles.WEIGHTS);
        Map<String, Tensor> saved = VariantFiles.readWeights(dir);
        Map<String, Module> modules = Lora.modules(root);
        List<String> expected = new ArrayList<>();
        for (String path : Lora.targets(modules, config)) {
            LinearLayer l = (LinearLayer) modules.get(path);
            int r = config.rankOf(path);
            expected.add(expect(wf, saved, AdapterFiles.PREFIX + path + ".hut_A.weight", r, l.inFeatures()));
            expected.add(expect(wf, saved, AdapterFiles.PREFIX + path + ".hut_B.weight", l.outFeatures(), r));
        }
        for (String k : saved.keySet()) {
            if (!expected.contains(k)) throw new PeftException(wf + " holds '" + k + "', which this model does not have: an adapter for another base");
        }
        wrap(root, config, adapterName, streams);
        for (var e : layers(root).entrySet()) {
            e.getValue().hutA().value().copyFrom(saved.get(AdapterFiles.PREFIX + e.getKey() + ".hut_A.weight"));
            e.getValue().hutB().value().copyFrom(saved.get(AdapterFiles.PREFIX + e.getKey() + ".hut_B.weight"));
        }
        return config;
    }

    private static String expect(Path file, Map<String, Tensor> saved, String key, int rows, int cols) {
        Tensor t = saved.get(key);
        if (t == null) throw new PeftException(file + " has no tensor '" + key + "': an adapter for another base or other target modules");
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new PeftException(file + ": '" + key + "' has shape " + Arrays.toString(t.shape()) + ", this model expects [" + rows + ", " + cols + "]: an adapter for another base");
        }
        return key;
    }
}
