package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.Safetensors;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.tasks.Tasks;
import dev.descent.tensor.Tensor;
import dev.descent.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeGradientsCommandTest {
    @TempDir
    Path dir;

    /** A run folder holding a small untrained GPT over the addition task's alphabet. */
    Path runFolder() throws Exception {
        String vocab = "+0123456789=\n";
        Gpt gpt = new Gpt(new GptConfig(13, 16, 1, 2, 16, 0f, false), 3);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (var p : gpt.parameters().list()) w.put(p.name(), Tensor.of(p.value().toArray(), p.shape()));
        Path run = dir.resolve("run");
        Checkpoint.saveModel(run, w, 0, Tasks.tokenizer(vocab).vocabulary(),
                Map.of("block_size", 16, "n_layer", 1, "n_head", 2, "n_embd", 16, "bias", false));
        return run;
    }

    @Test
    void writesOneStatisticPerTensorAndTheGradfixMergeReadsIt() throws Exception {
        Path run = runFolder();
        Path g = dir.resolve("g.safetensors");
        CliRun r = run("merge-gradients", "--run", run.toString(), "--task", "addition", "--set", "digits=1", "--examples", "4", "--out", g.toString());
        assertEquals(0, r.exit(), r.err());
        var t = Safetensors.read(g).tensors();
        assertEquals(Safetensors.read(Checkpoint.locate(run).resolve("model.safetensors")).tensors().keySet(), t.keySet());
        // vote max over 4 examples: every entry is a sum of four signs
        for (Tensor x : t.values()) for (float v : x.toArray()) assertTrue(Math.abs(v) <= 4 && v == Math.rint(v), "sum of signs: " + v);
        Path cfg = dir.resolve("merge.yaml");
        Files.writeString(cfg, "merge_method: gradfix\nbase_model: run\ngradients: g.safetensors\nmodels:\n  - model: run\n");
        CliRun m = run("merge", "--config", cfg.toString(), "--out", dir.resolve("merged").toString());
        assertEquals(0, m.exit(), m.err());
        run("merge-gradients", "--run", run.toString(), "--task", "addition", "--vote", "median", "--out", dir.resolve("h.safetensors").toString())
                .assertBadInput("unknown vote 'median'; valid: mean, max");
        run("merge-gradients", "--run", dir.resolve("none").toString(), "--task", "addition", "--out", dir.resolve("h.safetensors").toString())
                .assertBadInput("none");
        assertFalse(Files.exists(dir.resolve("h.safetensors")));
    }
}
