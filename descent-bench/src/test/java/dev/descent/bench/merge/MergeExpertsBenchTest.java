package dev.descent.bench.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.Safetensors;
import dev.descent.merge.MergeConfig;
import dev.descent.merge.Merger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experts experiment on a few MLP steps: the files it promises exist and its chosen YAMLs rerun. */
class MergeExpertsBenchTest {
    @TempDir
    Path dir;

    @Test
    void writesTheExpertsAndRerunnableMergeConfigurations() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        MergeExpertsBench.run(new MergeExpertsBench.Options("mlp", 1, 1, 1, 5, 5, 10, dir), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String report = buf.toString(StandardCharsets.UTF_8);
        for (String m : new String[] {"task_arithmetic", "ties", "dare_ties", "pcb", "ace", "opcm"}) assertTrue(report.contains("| " + m + " | "), report);
        Path seed = dir.resolve("mlp/seed-1");
        for (int k = 0; k < 5; k++) assertTrue(Files.isRegularFile(seed.resolve("expert-" + k + ".safetensors")));
        Path out = dir.resolve("ace.safetensors");
        new Merger(MergeConfig.read(seed.resolve("ace.yaml"))).merge(out);
        assertEquals(Safetensors.read(seed.resolve("base.safetensors")).tensors().keySet(), Safetensors.read(out).tensors().keySet());
        try (var left = Files.list(seed)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".merge-")), "no temporary merge left");
        }
    }

    @Test
    void normalisedAccuracyIsTheMeanRatioOverTasksWithAnAccurateExpert() {
        assertEquals((0.5 / 1.0 + 0.2 / 0.4) / 2, MergeExpertsBench.normalised(new double[] {0.5, 0.2, 0.3}, new double[] {1.0, 0.4, 0.0}), 1e-15);
    }
}
