package dev.descent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library keeps no per-thread state beyond the few thread-locals that belong to the executing
 * thread itself (docs/design.md, "Per-thread state"): this test reads every main source file of the
 * project's modules and fails when a {@code ThreadLocal} (or {@code InheritableThreadLocal}) appears
 * anywhere else, so a new one cannot be added without a design decision.
 */
class ArchitectureTest {
    /** "file (from the module's src/main/java) field" of each allowed thread-local. */
    private static final Set<String> ALLOWED = Set.of(
            // the no-grad scope is a property of the executing thread, as torch.no_grad is
            "dev/descent/autograd/NoGrad.java DEPTH",
            // the nested-parallel guard: a worker running a chunk keeps nested calls on itself
            "dev/descent/tensor/Parallel.java INSIDE",
            // kernels' scratch arrays (GEMM's packed B and edge tile, attention's T x T blocks, GELU's
            // Φ block, layer-norm rows), reused by the thread that runs the kernel, never read by a later call
            "dev/descent/tensor/ThreadScratch.java arrays",
            // zeroth-order scratch buffers; being removed (the buffers move to the estimators that use them)
            "dev/descent/zo/Scratch.java CURRENT");

    private static final Pattern MENTION = Pattern.compile("\\b(Inheritable)?ThreadLocal\\b");
    private static final Pattern FIELD = Pattern.compile("ThreadLocal<.*>\\s+(\\w+)\\s*=");

    @Test
    void onlyTheDocumentedThreadLocalsExist() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(module.getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith("descent-"))
                    .map(p -> p.resolve("src/main/java")).filter(Files::isDirectory).forEach(roots::add);
        }
        assertTrue(roots.contains(module.resolve("src/main/java")), "run from the descent-core module directory, got " + module);
        Set<String> found = new TreeSet<>();
        List<String> unexpected = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String rel = root.relativize(f).toString().replace('\\', '/');
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        if (!MENTION.matcher(line).find() || line.strip().startsWith("*") || line.strip().startsWith("//")) continue;
                        if (line.strip().startsWith("import ")) continue;
                        Matcher m = FIELD.matcher(line);
                        String key = rel + " " + (m.find() ? m.group(1) : "?");
                        if (ALLOWED.contains(key)) found.add(key);
                        else unexpected.add(root.getParent().getParent().getParent().getFileName() + "/" + rel + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertEquals(List.of(), unexpected, "a ThreadLocal outside the documented ones (see docs/design.md, \"Per-thread state\")");
        // The scan sees the three permanent ones (so a rename cannot make it pass vacuously); Scratch may already be gone.
        for (String permanent : List.of("dev/descent/autograd/NoGrad.java DEPTH",
                "dev/descent/tensor/Parallel.java INSIDE", "dev/descent/tensor/ThreadScratch.java arrays")) {
            assertTrue(found.contains(permanent), "expected to find " + permanent + "; found " + found);
        }
    }
}
