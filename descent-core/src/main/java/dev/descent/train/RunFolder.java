package dev.descent.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.descent.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Creation and checks of a run's output folder, with messages that say what to do. */
public final class RunFolder {
    /** The files whose presence means a folder already holds a run. */
    private static final List<String> RUN_FILES = List.of(Checkpoint.DIR, "checkpoint.prev", "config.yaml", "metrics.jsonl");
    /** What a new run replaces when asked to overwrite. */
    private static final List<String> REPLACED = List.of("metrics.jsonl", "samples.txt", "config.yaml");
    /** Reads the NaN an evaluation of a diverged run may have logged. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private RunFolder() {}

    /** Creates {@code dir} for a new run, refusing a folder that holds a run already; see {@link #prepare(Path, boolean)}. */
    public static void prepare(Path dir) throws IOException {
        prepare(dir, false);
    }

    /**
     * Creates {@code dir} if needed and checks that it is writable. A folder that already holds a
     * run (a checkpoint, a config or metrics) is refused, naming the ways on ({@code --resume}, a
     * fresh {@code out_dir}, {@code --overwrite}), unless {@code overwrite}: then that run's
     * checkpoints, metrics, samples and config are deleted first. Leftovers of an interrupted
     * checkpoint write are removed either way.
     */
    public static void prepare(Path dir, boolean overwrite) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("out_dir " + dir + " exists and is not a folder");
        }
        if (!overwrite && holdsRun(dir)) {
            throw new IllegalArgumentException("out_dir " + dir + " already holds a run; continue it with --resume " + dir
                    + ", choose a fresh out_dir, or pass --overwrite to replace it");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create out_dir " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) throw new IllegalArgumentException("out_dir " + dir + " is not writable");
        Path probe = dir.resolve(".write-test");
        try {
            Files.writeString(probe, "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException("out_dir " + dir + " is not writable: " + e.getMessage());
        }
        Checkpoint.removeLeftovers(dir);
        if (overwrite) {
            Checkpoint.delete(dir);
            for (String f : REPLACED) Files.deleteIfExists(dir.resolve(f));
        }
    }

    /** True when {@code dir} holds a checkpoint, a config or metrics of a run. */
    public static boolean holdsRun(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        for (String f : RUN_FILES) if (Files.exists(dir.resolve(f))) return true;
        return false;
    }

    /** True when {@code a} and {@code b} name the same folder (same file when both exist, else same normalised path). */
    public static boolean same(Path a, Path b) throws IOException {
        if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * Cuts {@code metrics.jsonl} back to the lines of steps ≤ {@code step} (the checkpoint a run
     * resumes from), so that the steps it takes again are not logged twice. A line that is not a
     * JSON object with a step (the torn last line of a killed run) is dropped.
     */
    public static void truncateMetrics(Path dir, long step) throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(f)) return;
        StringBuilder kept = new StringBuilder();
        boolean changed = false;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            long s = stepOf(line);
            if (s >= 0 && s <= step) kept.append(line).append('\n');
            else changed = true;
        }
        if (changed) AtomicFiles.write(f, kept.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static long stepOf(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.path("step").canConvertToExactIntegral() ? n.get("step").asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
