package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.io.Safetensors;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a training run left in its folder, read back (and compared) for the trainer tests. */
final class RunOutputs {
    private RunOutputs() {}

    /** Per-step losses recorded in a run's metrics.jsonl, as the exact strings written ("step=loss"). */
    static List<String> losses(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (line.contains("\"loss\"")) out.add(line.replaceAll(".*\"step\":(\\d+),\"loss\":([^,]+),.*", "$1=$2"));
        }
        return out;
    }

    /** The weights of a run's checkpoint. */
    static Map<String, Tensor> weights(Path run) throws Exception {
        return Safetensors.read(run.resolve(Checkpoint.DIR).resolve("model.safetensors")).tensors();
    }

    /** Same tensor names and the same values bit for bit; {@code label} starts each failure message. */
    static void assertSameWeights(Map<String, Tensor> expected, Map<String, Tensor> actual, String label) {
        assertEquals(expected.keySet(), actual.keySet(), label);
        for (String k : expected.keySet()) assertArrayEquals(expected.get(k).toArray(), actual.get(k).toArray(), label + " " + k);
    }
}
