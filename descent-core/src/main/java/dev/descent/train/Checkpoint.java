package dev.descent.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.AtomicFiles;
import dev.descent.io.FormatException;
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
 * {@link #locate} finds it. A write that fails (a full disk) deletes its temporary folder and says
 * which file it was writing; the previous checkpoint is untouched. Temporary folders left by a killed
 * process are removed when a run starts ({@link #removeLeftovers}). The files get the usual mode of
 * new files (0644 under the common umask), as the rest of the run folder.
 */
public final class Checkpoint {
    public static final String DIR = "checkpoint";
    private static final String PREV = "checkpoint.prev";
    private static final String TMP_PREFIX = "checkpoint.tmp-";
    /** The largest step a checkpoint may hold (max_iters is an int). */
    private static final long MAX_STEP = Integer.MAX_VALUE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCALAR = "scalar.";

    private Checkpoint() {}

    /** The checkpoint's description file. */
    public record Info(long step, String optimizer, double learningRate, String vocabulary, Map<String, Object> config) {}

    /**
     * What a recipe adds to its checkpoints: files written into the checkpoint folder (a LoRA run's
     * adapter in PEFT's files), and whether {@code model.safetensors} then holds only the trainable
     * parameters (the frozen base is referenced by the configuration's {@code init_from}, not copied).
     */
    public interface Extra {
        boolean trainableOnly();

        void write(Path folder) throws IOException;
    }

    /** Writes a checkpoint of {@code params} and {@code optimizer} at {@code step} into {@code runDir}. */
    public static void save(Path runDir, FlatParameters params, Map<String, String> tied, Optimizer optimizer, long step,
                            String vocabulary, TrainConfig config) throws IOException {
        save(runDir, params, tied, optimizer, step, vocabulary, config, null);
    }

    /** Writes a checkpoint as {@link #save(Path, FlatParameters, Map, Optimizer, long, String, TrainConfig)} does, plus {@code extra} (null: none). */
    public static void save(Path runDir, FlatParameters params, Map<String, String> tied, Optimizer optimizer, long step,
                            String vocabulary, TrainConfig config, Extra extra) throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        boolean trainableOnly = extra != null && extra.trainableOnly();
        for (Parameter p : trainableOnly ? params.list() : params.all()) weights.put(p.name(), p.value());
        for (var e : tied.entrySet()) if (weights.containsKey(e.getValue())) weights.put(e.getKey(), params.get(e.getValue()).value());
        write(runDir, weights, optimizer, step, vocabulary, config.asMap(), extra);
    }

    /**
     * Writes a checkpoint of {@code weights} without optimizer state (a model made rather than trained,
     * such as merged adapter weights): {@code sample} and {@code init_from} read it; it cannot be resumed.
     */
    public static void saveModel(Path runDir, Map<String, Tensor> weights, long step, String vocabulary, Map<String, Object> config)
            throws IOException {
        Files.createDirectories(runDir);
        write(runDir, weights, null, step, vocabulary, config, null);
    }

    private static void write(Path runDir, Map<String, Tensor> weights, Optimizer optimizer, long step, String vocabulary,
                              Map<String, Object> config, Extra extra) throws IOException {
        Path tmp = runDir.resolve(TMP_PREFIX + System.nanoTime());
        Path[] writing = {tmp};
        try {
            Files.createDirectories(tmp);
            writeFiles(tmp, writing, weights, optimizer, step, vocabulary, config);
            if (extra != null) {
                writing[0] = tmp;
                extra.write(tmp);
            }
        } catch (IOException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // the next start of the run removes it (removeLeftovers)
            }
            Path current = runDir.resolve(DIR);
            String previous = Files.isDirectory(current) ? "the previous checkpoint in " + current + " is intact" : "no earlier checkpoint exists";
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) why = fse.getReason();
            throw new IOException("cannot write checkpoint file " + writing[0] + ": " + why + "; " + previous, e);
        }
        Path current = runDir.resolve(DIR);
        Path prev = runDir.resolve(PREV);
        deleteTree(prev);
        if (Files.exists(current)) Files.move(current, prev, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(prev);
    }

    private static void writeFiles(Path tmp, Path[] writing, Map<String, Tensor> weights, Optimizer optimizer,
                                   long step, String vocabulary, Map<String, Object> config) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("step", Long.toString(step));
        writing[0] = tmp.resolve("model.safetensors");
        Safetensors.write(writing[0], weights, meta);
        // Scalars (step counts, hyperparameters) travel as metadata strings: Double.toString round-trips exactly.
        if (optimizer != null) {
            writing[0] = tmp.resolve("optimizer.safetensors");
            writeOptimizerFile(writing[0], optimizer);
        }
        ObjectNode info = JSON.createObjectNode();
        info.put("step", step);
        info.put("optimizer", optimizer == null ? "none" : optimizer.name());
        info.put("learning_rate", optimizer == null ? 0 : optimizer.learningRate());
        info.put("vocabulary", vocabulary);
        info.set("config", JSON.valueToTree(config));
        writing[0] = tmp.resolve("checkpoint.json");
        AtomicFiles.write(writing[0], JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info).getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the temporary folders ({@code checkpoint.tmp-*}) a killed or failed write left in {@code runDir}. */
    public static void removeLeftovers(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) return;
        try (Stream<Path> s = Files.list(runDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) deleteTree(p);
        }
    }

    /** Deletes the checkpoints of {@code runDir} (current and previous), for a run that replaces it. */
    static void delete(Path runDir) throws IOException {
        deleteTree(runDir.resolve(DIR));
        deleteTree(runDir.resolve(PREV));
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

    /**
     * Reads the description of the checkpoint in {@code runDir}. A file that is not JSON, lacks a
     * key, or whose step is not an integer in [0, 2³¹ − 1] is refused with a message naming it.
     */
    @SuppressWarnings("unchecked")
    public static Info info(Path runDir) throws IOException {
        Path file = locate(runDir).resolve("checkpoint.json");
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FormatException(file + " is not a valid checkpoint description (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject() || !node.has("step") || !node.has("vocabulary") || !node.path("config").isObject()) {
            throw new FormatException(file + " is incomplete: it needs \"step\", \"vocabulary\" and a \"config\" object");
        }
        var step = node.get("step");
        if (!step.isIntegralNumber() || !step.canConvertToLong() || step.asLong() < 0 || step.asLong() > MAX_STEP) {
            throw new FormatException(file + ": \"step\" must be an integer from 0 to " + MAX_STEP + ", got " + step);
        }
        if (!node.get("vocabulary").isTextual()) throw new FormatException(file + ": \"vocabulary\" must be a string");
        Map<String, Object> config = JSON.convertValue(node.get("config"), Map.class);
        return new Info(step.asLong(), node.path("optimizer").asText("adamw"),
                node.path("learning_rate").asDouble(), node.get("vocabulary").asText(), config);
    }

    /** Loads the weights of the checkpoint in {@code runDir} into {@code params}; names and shapes must match. */
    public static void loadWeights(Path runDir, FlatParameters params) throws IOException {
        loadWeights(runDir, params, false);
    }

    /** Loads the weights as {@link #loadWeights(Path, FlatParameters)}, only the trainable parameters when {@code trainableOnly}. */
    public static void loadWeights(Path runDir, FlatParameters params, boolean trainableOnly) throws IOException {
        Path file = locate(runDir).resolve("model.safetensors");
        Map<String, Tensor> weights = Safetensors.read(file).tensors();
        copyInto(file, weights, trainableOnly ? params.list() : params.all());
    }

    /** Loads the optimizer state of the checkpoint in {@code runDir}. */
    public static void loadOptimizer(Path runDir, Optimizer optimizer) throws IOException {
        readOptimizerFile(locate(runDir).resolve("optimizer.safetensors"), optimizer);
    }

    /**
     * Writes {@code optimizer}'s state tensors to the safetensors {@code file}, its scalars (step
     * counts, hyperparameters) as metadata strings ({@code Double.toString} round-trips exactly); a
     * recipe with a second optimizer (a PPO critic) writes it into its checkpoint with this.
     */
    public static void writeOptimizerFile(Path file, Optimizer optimizer) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        for (var e : optimizer.scalars().entrySet()) meta.put(SCALAR + e.getKey(), Double.toString(e.getValue()));
        Safetensors.write(file, optimizer.state(), meta);
    }

    /** Restores {@code optimizer}'s state from a file {@link #writeOptimizerFile} wrote. */
    public static void readOptimizerFile(Path file, Optimizer optimizer) throws IOException {
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

    /** Copies the tensors of the safetensors {@code file} into {@code params} (every parameter, trainable and frozen; names and shapes must match). */
    public static void loadWeightsFile(Path file, FlatParameters params) throws IOException {
        copyInto(file, Safetensors.read(file).tensors(), params.all());
    }

    static void copyInto(Path file, Map<String, Tensor> weights, FlatParameters params) {
        copyInto(file, weights, params.all());
    }

    private static void copyInto(Path file, Map<String, Tensor> weights, java.util.List<Parameter> params) {
        for (Parameter p : params) {
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
