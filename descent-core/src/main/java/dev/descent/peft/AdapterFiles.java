package dev.descent.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.io.AtomicFiles;
import dev.descent.io.Safetensors;
import dev.descent.nn.DropoutStreams;
import dev.descent.nn.Module;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An adapter in PEFT's files, so that PEFT ({@code PeftModel.from_pretrained(base, dir)}) loads it onto
 * the same base in PyTorch:
 * <ul>
 *   <li>{@code adapter_config.json}: {@link LoraConfig#toJson} (PEFT's field names);</li>
 *   <li>{@code adapter_model.safetensors}: for each adapted layer at dotted path P,
 *       {@code base_model.model.P.lora_A.weight} {@code [r, in]} and {@code base_model.model.P.lora_B.weight}
 *       {@code [out, r]} (PEFT's {@code get_peft_model_state_dict}: the adapter name removed); the
 *       parameters of {@code modules_to_save} and the biases {@code bias} names, under
 *       {@code base_model.model.<the name without adapters>}; metadata {@code format = pt}.</li>
 * </ul>
 */
public final class AdapterFiles {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdapterFiles() {}

    /** The tensors of adapter {@code adapterName} of {@code root} under PEFT's saved names. */
    public static Map<String, Tensor> tensors(Module root, LoraConfig config, String adapterName) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : Lora.layers(root).entrySet()) {
            LoraLinear.Adapter a = e.getValue().adapters().get(adapterName);
            if (a == null) continue;
            out.put(PREFIX + e.getKey() + ".lora_A.weight", a.loraA().value());
            out.put(PREFIX + e.getKey() + ".lora_B.weight", a.loraB().value());
        }
        if (out.isEmpty()) throw new PeftException("the model has no adapter '" + adapterName + "'");
        Map<String, Module> modules = Lora.modules(root);
        for (var e : Lora.baseParameters(root).entrySet()) {
            String n = e.getKey();
            boolean save = false;
            for (String path : modules.keySet()) {
                if (Lora.Targets.suffix(config.modulesToSave(), path) && n.startsWith(path + ".")) save = true;
            }
            if (n.endsWith("bias") && config.bias() == LoraConfig.Bias.ALL) save = true;
            if (n.endsWith("bias") && config.bias() == LoraConfig.Bias.LORA_ONLY) {
                String layer = n.substring(0, n.length() - ".bias".length());
                if (modules.get(layer) instanceof LoraLinear) save = true;
            }
            if (save) out.put(PREFIX + n, e.getValue().value());
        }
        return out;
    }

    /** Writes adapter {@code adapterName} of {@code root} with its {@code config} into folder {@code dir} (created if needed). */
    public static void save(Path dir, Module root, LoraConfig config, String adapterName) throws IOException {
        write(dir, tensors(root, config, adapterName), config);
    }

    /** Writes PEFT's two files: {@code tensors} (under their saved names) and {@code config}, into folder {@code dir} (created if needed). */
    static void write(Path dir, Map<String, Tensor> t, LoraConfig config) throws IOException {
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS), t, Map.of("format", "pt"));
        AtomicFiles.write(dir.resolve(CONFIG),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config.toJson(JSON)).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@code adapter_config.json} in {@code dir}. */
    public static LoraConfig readConfig(Path dir) throws IOException {
        Path f = dir.resolve(CONFIG);
        if (!Files.isRegularFile(f)) throw new PeftException("no " + CONFIG + " in " + dir);
        JsonNode node;
        try {
            node = JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PeftException(f + " is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        return LoraConfig.fromJson(node, f.toString());
    }

    /**
     * Adds the adapter saved in {@code dir} to {@code root} (before flattening) as {@code adapterName}:
     * applies its configuration (a PiSSA adapter recomputes the residual base from the base weights, as
     * PEFT does when it loads one), then copies the saved tensors in. A file that does not fit the model
     * (a missing or extra tensor, another shape: an adapter for another base) is refused with one line
     * before the model is changed.
     */
    public static LoraConfig load(Path dir, Module root, String adapterName, long seed, DropoutStreams streams) throws IOException {
        LoraConfig config = readConfig(dir);
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wf)) throw new PeftException("no " + WEIGHTS + " in " + dir);
        Map<String, Tensor> saved = Safetensors.read(wf).tensors();
        // Check names and shapes on the model's current layers before changing it.
        Map<String, Module> modules = Lora.modules(root);
        for (String path : Lora.targets(modules, config)) {
            dev.descent.nn.LinearLayer l = (dev.descent.nn.LinearLayer) modules.get(path);
            int r = config.rankOf(path);
            expect(wf, saved, PREFIX + path + ".lora_A.weight", r, l.inFeatures());
            expect(wf, saved, PREFIX + path + ".lora_B.weight", l.outFeatures(), r);
        }
        Lora.apply(root, config, adapterName, seed, streams);
        Map<String, Tensor> mine = tensors(root, config, adapterName);
        for (String k : saved.keySet()) {
            if (!mine.containsKey(k)) throw new PeftException(wf + " holds '" + k + "', which this model does not have: an adapter for another base");
        }
        for (var e : mine.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) throw new PeftException(wf + " has no tensor '" + e.getKey() + "'");
            if (!t.sameShape(e.getValue())) {
                throw new PeftException(wf + ": '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", this model's is "
                        + Arrays.toString(e.getValue().shape()) + ": an adapter for another base");
            }
            e.getValue().copyFrom(t);
        }
        return config;
    }

    /**
     * The configuration of the adapter in {@code dir} whatever its {@code peft_type} (LORA, or a variant
     * PEFT has no format for: {@link Tera#PEFT_TYPE}, {@link Hut#PEFT_TYPE}).
     */
    public static LoraConfig readAnyConfig(Path dir) throws IOException {
        String type = VariantFiles.peftType(dir);
        return type.equals(Tera.PEFT_TYPE) || type.equals(Hut.PEFT_TYPE) ? VariantFiles.readConfig(dir, type) : readConfig(dir);
    }

    /** {@link #load}, or {@link Tera#load} / {@link Hut#load} for a folder whose {@code peft_type} says so. */
    public static LoraConfig loadAny(Path dir, Module root, String adapterName, long seed, DropoutStreams streams) throws IOException {
        String type = VariantFiles.peftType(dir);
        if (type.equals(Tera.PEFT_TYPE)) return Tera.load(dir, root, streams);
        if (type.equals(Hut.PEFT_TYPE)) return Hut.load(dir, root, adapterName, streams);
        return load(dir, root, adapterName, seed, streams);
    }

    private static void expect(Path file, Map<String, Tensor> saved, String key, int rows, int cols) {
        Tensor t = saved.get(key);
        if (t == null) throw new PeftException(file + " has no tensor '" + key + "': an adapter for another base or other target modules");
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new PeftException(file + ": '" + key + "' has shape " + Arrays.toString(t.shape()) + ", this model expects ["
                    + rows + ", " + cols + "]: an adapter for another base");
        }
    }
}
