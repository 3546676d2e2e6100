package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's {@code main} class in a JVM of its own (this JVM's java, class path and the Vector
 * API module), for checks that depend on what the JIT compiles first, which other tests of this JVM
 * would decide (the allocation of a compiled kernel).
 */
public final class FreshJvm {
    private FreshJvm() {}

    /** The combined output of {@code main}, after checking that it exited with 0 within two minutes. */
    public static String run(Class<?> main) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), main.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), main.getSimpleName() + " did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
