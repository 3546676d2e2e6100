package dev.descent.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.AtomicFiles;
import dev.descent.io.Safetensors;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training checkpoint: a folder with
 * <ul>
 *   <li>{@code model.safetensors}: the weights, trainable and frozen, under their PyTorch names (tied entries such as
 *       nanoGPT's {@code lm_head.weight} written as well, so {@code model.load_state_dict(load_file(…))}
 *       works in PyTorch);</li>
 *   <li>{@code optimizer.safetensors}: the optimizer's state tensors;</li>
 *   <li>{@code checkpoint.json}: step, optimizer name and learning rate, tokenizer vocabulary, and
 *       the resolved configuration.</li>
 * </ul>
 * The three files are written into a fresh temporary folder which then replaces the previous
 * checkpoint by renames ({@code checkpoint → checkpoint.prev}, {@code tmp → checkpoint}, delete
 * {@code .prev}); a crash at any point leaves either the old or the new checkpoint complete, and
 * {@link #locate} finds it.
 */
public final class Checkpoint {
    public static final String DIR = "checkpoint";
    private static final String PREV = "checkpoint.prev";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCALAR = "scalar.";

    private Checkpoint() {}

    /** The checkpoint's description file. */
    public record Info(long step, String optimizer, double learningRate, String vocabulary, Map<String, Object> config) {}

    /** Writes a checkpoint of {@code params} and {@code optimizer} at {@code step} into {@code runDir}. */
    public static void save(Path runDir, FlatParameters params, Map<String, String> tied, Optimizer optimizer, long step,
                            String vocabulary, TrainConfig config) throws IOException {
        Path tmp = runDir.resolve("checkpoint.tmp-" + System.nanoTime());
        Files.createDirectories(tmp);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Parameter p : params.all()) weights.put(p.name(), p.value());
        for (var e : tied.entrySet()) weights.put(e.getKey(), params.get(e.getValue()).value());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("step", Long.toString(step));
        Safetensors.write(tmp.resolve("model.safetensors"), weights, meta);
        // Scalars (step counts, hyperparameters) travel as metadata strings: Double.toString round-trips exactly.
        Map<String, String> optMeta = new LinkedHashMap<>();
        for (var e : optimizer.scalars().entrySet()) optMeta.put(SCALAR + e.getKey(), Double.toString(e.getValue()));
        Safetensors.write(tmp.resolve("optimizer.safetensors"), optimizer.state(), optMeta);
        ObjectNode info = JSON.createObjectNode();
        info.put("step", step);
        info.put("optimizer", optimizer.name());
        info.put("learning_rate", optimizer.learningRate());
        info.put("vocabulary", vocabulary);
        info.set("config", JSON.valueToTree(config.asMap()));
        AtomicFiles.write(tmp.resolve("checkpoint.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info).getBytes(StandardCharsets.UTF_8));
        Path current = runDir.resolve(DIR);
        Path prev = runDir.resolve(PREV);
        deleteTree(prev);
        if (Files.exists(current)) Files.move(current, prev, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(prev);
    }

    /** The complete checkpoint folder of a run, or an exception saying why there is none. */
    public static Path locate(Path runDir) {
        if (!Files.isDirectory(runDir)) throw new IllegalArgumentException("run folder not found: " + runDir);
        for (String name : new String[] {DIR, PREV}) {
            Path d = runDir.resolve(name);
            if (Files.isRegularFile(d.resolve("checkpoint.json")) && Files.isRegularFile(d.resolve("model.safetensors"))) {
                return d;
            }
        }
        throw new IllegalArgumentException("no checkpoint in " + runDir + " (expected " + runDir.resolve(DIR) + "/checkpoint.json)");
    }

    /** Reads the description of the checkpoint in {@code runDir}. */
    @SuppressWarnings("unchecked")
    public static Info info(Path runDir) throws IOException {
        Path d = locate(runDir);
        var node = JSON.readTree(d.resolve("checkpoint.json").toFile());
        if (node == null || !node.has("step") || !node.has("vocabulary") || !node.has("config")) {
            throw new IOException("checkpoint description " + d.resolve("checkpoint.json") + " is incomplete");
        }
        Map<String, Object> config = JSON.convertValue(node.get("config"), Map.class);
        return new Info(node.get("step").asLong(), node.path("optimizer").asText("adamw"),
                node.path("learning_rate").asDouble(), node.get("vocabulary").asText(), config);
    }

    /** Loads the weights of the checkpoint in {@code runDir} into {@code params}; names and shapes must match. */
    public static void loadWeights(Path runDir, FlatParameters params) throws IOException {
        Path file = locate(runDir).resolve("model.safetensors");
        Map<String, Tensor> weights = Safetensors.read(file).tensors();
        copyInto(file, weights, params);
    }

    /** Loads the optimizer state of the checkpoint in {@code runDir}. */
    public static void loadOptimizer(Path runDir, Optimizer optimizer) throws IOException {
        Path file = locate(runDir).resolve("optimizer.safetensors");
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (var e : c.metadata().entrySet()) {
            if (!e.getKey().startsWith(SCALAR)) continue;
            try {
                scalars.put(e.getKey().substring(SCALAR.length()), Double.parseDouble(e.getValue()));
            } catch (NumberFormatException ex) {
                throw new IOException(file + ": scalar '" + e.getKey() + "' is not a number: " + e.getValue());
            }
        }
        optimizer.loadState(c.tensors(), scalars);
    }

    static void copyInto(Path file, Map<String, Tensor> weights, FlatParameters params) {
        for (Parameter p : params.all()) {
            Tensor t = weights.get(p.name());
            if (t == null) throw new IllegalArgumentException(file + " has no tensor '" + p.name() + "'");
            if (!t.sameShape(p.value())) {
                throw new IllegalArgumentException(file + ": '" + p.name() + "' has shape " + java.util.Arrays.toString(t.shape())
                        + ", the model expects " + java.util.Arrays.toString(p.shape()));
            }
            p.value().copyFrom(t);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
