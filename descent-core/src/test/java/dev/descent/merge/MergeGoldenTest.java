package dev.descent.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every deterministic merge method against an independent float64 NumPy derivation of mergekit's
 * semantics: {@code src/test/resources/golden/merge_golden.py} (its output is {@code merge_golden.json}
 * beside it). The cases cover magnitude sparsification, breadcrumbs' outlier removal (including a
 * 9-element tensor, where γ·n &lt; 1), TIES' sign election with a negative weight, normalisation by the
 * kept weights, L1 rescale and λ, and mergekit's PCB. The Java merge computes in float32, the script in float64: agreement to
 * 2e-6 relative.
 */
class MergeGoldenTest {
    @TempDir
    Path dir;

    @Test
    void everyCaseMatchesTheScript() throws IOException {
        JsonNode doc = MergeFixtures.goldenWithInputs(dir, "merge_golden.json");   // models base, e0, e1, e2
        int checked = 0;
        for (JsonNode c : doc.get("cases")) {
            StringBuilder y = new StringBuilder("merge_method: " + c.get("method").asText() + "\nbase_model: base.safetensors\nmodels:\n");
            for (int i = 0; i < 3; i++) {
                y.append("  - model: e").append(i).append(".safetensors\n    parameters: {weight: ").append(c.get("weights").get(i).asDouble())
                        .append(", density: ").append(c.get("densities").get(i).asDouble()).append(", gamma: ").append(c.get("gamma").asDouble()).append("}\n");
            }
            y.append("parameters: {lambda: ").append(c.get("lambda").asDouble());
            if (!c.get("normalize").isNull()) y.append(", normalize: ").append(c.get("normalize").asBoolean());
            if (!c.get("rescale").isNull()) y.append(", rescale: ").append(c.get("rescale").asBoolean());
            y.append("}\n");
            if (c.get("method").asText().equals("pcb")) {
                // mergekit's pcb takes density and weight as method parameters, not per model
                y = new StringBuilder("merge_method: pcb\nbase_model: base.safetensors\nmodels:\n  - model: e0.safetensors\n"
                        + "  - model: e1.safetensors\n  - model: e2.safetensors\nparameters: {density: 0.4, weight: 0.9}\n");
            }
            if (c.get("method").asText().equals("linear")) y = new StringBuilder(y.toString().replace("base_model: base.safetensors\n", ""));
            Map<String, float[]> got = MergeFixtures.merge(dir, y.toString());
            checked += MergeFixtures.assertMatchesGolden(c.get("expected"), got, y.toString());
        }
        assertEquals(11 * (42 + 9 + 150), checked);
    }
}
