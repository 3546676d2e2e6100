package dev.descent.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.config.YamlConfig;
import dev.descent.io.Safetensors;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the merge tests: model files, configurations and the golden scripts' JSON files. */
final class MergeFixtures {
    private MergeFixtures() {}

    static Path model(Path dir, String name, Map<String, float[]> values, Map<String, int[]> shapes) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (var e : values.entrySet()) t.put(e.getKey(), Tensor.of(e.getValue().clone(), shapes.get(e.getKey())));
        Path file = dir.resolve(name + ".safetensors");
        Safetensors.write(file, t);
        return file;
    }

    static MergeConfig config(Path dir, String yaml) {
        return MergeConfig.of(YamlConfig.parse(yaml, "merge.yaml"), "merge.yaml", dir);
    }

    static Map<String, float[]> merge(Path dir, String yaml) throws IOException {
        Path out = dir.resolve("merged.safetensors");
        new Merger(config(dir, yaml)).merge(out);
        Map<String, float[]> r = new LinkedHashMap<>();
        for (var e : Safetensors.read(out).tensors().entrySet()) r.put(e.getKey(), e.getValue().data().clone());
        return r;
    }

    /**
     * Asserts that every tensor of a golden case's {@code expected} object matches {@code got} to 2e-6
     * relative (absolute below 1); returns the number of elements checked, so a test can check that
     * none was skipped.
     */
    static int assertMatchesGolden(JsonNode expected, Map<String, float[]> got, String what) {
        int checked = 0;
        for (var e : expected.properties()) {
            float[] g = got.get(e.getKey());
            for (int j = 0; j < g.length; j++) {
                double want = e.getValue().get(j).asDouble();
                org.junit.jupiter.api.Assertions.assertEquals(want, g[j], 2e-6 * Math.max(1, Math.abs(want)), what + " tensor " + e.getKey() + " [" + j + "]");
                checked++;
            }
        }
        return checked;
    }

    /**
     * A golden file of {@code src/test/resources/golden/} with its input models written into {@code dir} as
     * {@code <name>.safetensors} (its {@code inputs} object: model → tensor → flat values; {@code shapes}:
     * tensor → shape).
     */
    static JsonNode goldenWithInputs(Path dir, String resource) throws IOException {
        JsonNode doc;
        try (InputStream in = MergeFixtures.class.getResourceAsStream("/golden/" + resource)) {
            doc = new ObjectMapper().readTree(in);
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (var e : doc.get("shapes").properties()) {
            int[] shape = new int[e.getValue().size()];
            for (int i = 0; i < shape.length; i++) shape[i] = e.getValue().get(i).intValue();
            shapes.put(e.getKey(), shape);
        }
        for (var m : doc.get("inputs").properties()) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (var e : m.getValue().properties()) values.put(e.getKey(), floats(e.getValue()));
            model(dir, m.getKey(), values, shapes);
        }
        return doc;
    }

    static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) a.get(i).asDouble();
        return v;
    }
}
