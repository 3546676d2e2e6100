package dev.descent.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.AtomicFiles;
import dev.descent.io.Safetensors;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The files of an adapter PEFT has no format for (TeRA, HUT): PEFT's two file names, with
 * {@code adapter_config.json} the LoRA configuration's JSON ({@link LoraConfig#toJson}) whose
 * {@code peft_type} names the variant, and {@code adapter_model.safetensors} the variant's tensors under
 * the names its class documents. PEFT itself refuses such a folder (unknown {@code peft_type}), as does
 * {@link AdapterFiles#load}.
 */
final class VariantFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VariantFiles() {}

    static void write(Path dir, Map<String, Tensor> tensors, ObjectNode config) throws IOException {
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(AdapterFiles.WEIGHTS), tensors, Map.of("format", "pt"));
        AtomicFiles.write(dir.resolve(AdapterFiles.CONFIG),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(Path dir) throws IOException {
        Path f = dir.resolve(AdapterFiles.CONFIG);
        if (!Files.isRegularFile(f)) throw new PeftException("no " + AdapterFiles.CONFIG + " in " + dir);
        try {
            return JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PeftException(f + " is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** The configuration in {@code dir}, which must say {@code peft_type = type}; read with the LoRA configuration's reader. */
    static LoraConfig readConfig(Path dir, String type) throws IOException {
        JsonNode node = json(dir);
        String found = node.path("peft_type").asText("LORA");
        Path f = dir.resolve(AdapterFiles.CONFIG);
        if (!found.equals(type)) throw new PeftException(f + ": peft_type " + found + " is not allowed here; allowed: " + type);
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.put("peft_type", "LORA");
        copy.remove("tera_seed");
        return LoraConfig.fromJson(copy, f.toString());
    }

    /** The {@code peft_type} of the configuration in {@code dir} (LORA when the field is absent). */
    static String peftType(Path dir) throws IOException {
        return json(dir).path("peft_type").asText("LORA");
    }

    static Map<String, Tensor> readWeights(Path dir) throws IOException {
        Path wf = dir.resolve(AdapterFiles.WEIGHTS);
        if (!Files.isRegularFile(wf)) throw new PeftException("no " + AdapterFiles.WEIGHTS + " in " + dir);
        return Safetensors.read(wf).tensors();
    }
}
