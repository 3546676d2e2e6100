package dev.descent.merge;

import dev.descent.config.YamlConfig;
import dev.descent.io.Safetensors;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the merge tests: model files and configurations. */
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
}
