package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The launcher's compile-threshold file ({@code bin/jit-thresholds.txt}) lowers the JIT's
 * thresholds for the project's classes but must leave every class that uses the Vector API at the
 * JVM's defaults (a kernel compiled too early can keep its vectors in heap objects). A new vector
 * class that is not listed fails here, with the line to add.
 */
class JitThresholdsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyVectorApiClassKeepsTheDefaultThresholds() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("bin/jit-thresholds.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        int global = lines.indexOf("CompileThresholdScaling,dev.descent.*::*,0.02");
        assertTrue(global >= 0, "the project-wide scaling line is missing: " + lines);
        // The JVM applies the last matching line, so each exception must come after the global one.
        List<String> exceptions = lines.subList(global + 1, lines.size());
        List<String> vectorClasses = vectorApiClasses();
        assertTrue(vectorClasses.contains("dev.descent.tensor.GemmKernels"), "the scan found the kernels: " + vectorClasses);
        List<String> missing = new ArrayList<>();
        for (String c : vectorClasses) {
            String line = "CompileThresholdScaling," + c + "*::*,1.0";
            if (!exceptions.contains(line)) missing.add(line);
        }
        assertEquals(List.of(), missing, "add these lines to bin/jit-thresholds.txt");
        assertTrue(exceptions.contains("CompileThresholdScaling,dev.descent.train.TrainingLoop::run,1.0"), lines.toString());
    }

    @Test
    void theLauncherPassesTheFileToTheJvm() throws IOException {
        String launcher = Files.readString(ROOT.resolve("bin/descent"));
        assertTrue(launcher.contains("\"-XX:CompileCommandFile=$root/bin/jit-thresholds.txt\""), "bin/descent");
    }

    /** Classes of every module's main sources that import {@code jdk.incubator.vector}. */
    private static List<String> vectorApiClasses() throws IOException {
        List<String> classes = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("descent-")).sorted().toList()) {
                Path src = module.resolve("src/main/java");
                if (!Files.isDirectory(src)) continue;
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                        if (Files.readString(f).contains("import jdk.incubator.vector.")) {
                            String name = src.relativize(f).toString().replace('/', '.').replace('\\', '.');
                            classes.add(name.substring(0, name.length() - ".java".length()));
                        }
                    }
                }
            }
        }
        return classes;
    }
}
