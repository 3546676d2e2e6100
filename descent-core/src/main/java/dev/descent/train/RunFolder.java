package dev.descent.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Creation and checks of a run's output folder, with messages that say what to do. */
public final class RunFolder {
    private RunFolder() {}

    /** Creates {@code dir} if needed and checks that it is writable; refuses to mix with an existing run. */
    public static void prepare(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("out_dir " + dir + " exists and is not a folder");
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
        // A fresh run replaces the metrics of an earlier run in the same folder rather than appending to them.
        Files.deleteIfExists(dir.resolve("metrics.jsonl"));
    }
}
