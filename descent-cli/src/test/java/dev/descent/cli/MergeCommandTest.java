package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeCommandTest {
    @TempDir
    Path dir;

    void model(String name, float... w) throws Exception {
        Safetensors.write(dir.resolve(name), Map.of("w", Tensor.of(w, 2, 2)));
    }

    Path config(String text) throws Exception {
        Path c = dir.resolve("merge.yaml");
        Files.writeString(c, text);
        return c;
    }

    @Test
    void tiesFromARunFolderAndAFileWritesTheMergedModelInTheRequestedDtype() throws Exception {
        Path run = dir.resolve("run/checkpoint");
        Files.createDirectories(run);
        Safetensors.write(run.resolve("model.safetensors"), Map.of("w", Tensor.of(new float[] {1, 1, 1, 1}, 2, 2)));
        model("base.safetensors", 0, 0, 0, 0);
        model("b.safetensors", -1, 2, 0.5f, 0);
        Path c = config("""
                merge_method: ties
                base_model: base.safetensors
                models:
                  - model: run
                    parameters: {weight: 1.0}
                  - model: b.safetensors
                    parameters: {weight: 1.0}
                dtype: bfloat16
                """);
        Path out = dir.resolve("merged");
        CliRun r = run("merge", "--config", c.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("ties: merged 1 tensor of 2 models"), r.out());
        var t = Safetensors.readTyped(out.resolve("model.safetensors")).tensors().get("w");
        assertEquals(DType.BF16, t.dtype());
        // elected signs: +, +, +, + (sums 0, 3, 1.5, 1 ≥ 0); entry 0 keeps only +1 from the run: 1/1
        assertEquals(java.util.List.of(1f, 1.5f, 0.75f, 1f), java.util.Arrays.asList(box(t.toFloat32().data())));
        assertTrue(Files.exists(out.resolve("merge.yaml")));
    }

    @Test
    void badInputExitsTwoAndLeavesNoOutput() throws Exception {
        model("base.safetensors", 0, 0, 0, 0);
        model("a.safetensors", 1, 2, 3, 4);
        Safetensors.write(dir.resolve("odd.safetensors"), Map.of("w", Tensor.of(new float[4], 4)));
        Path out = dir.resolve("merged");
        String models = "models:\n  - model: a.safetensors\n    parameters: {weight: 1.0, density: 0.5}\n";
        run("merge", "--config", config("merge_method: model_soup\nbase_model: base.safetensors\n" + models).toString(), "--out", out.toString())
                .assertBadInput("unknown merge_method 'model_soup'", "valid: linear, task_arithmetic, ties", "ace, pcb, opcm, gradfix");
        run("merge", "--config", config("merge_method: gradfix\nbase_model: base.safetensors\ngradients: none.safetensors\n" + models).toString(),
                "--out", out.toString()).assertBadInput("gradients file not found: ");
        run("merge", "--config", config("merge_method: ties\n" + models).toString(), "--out", out.toString()).assertBadInput("needs base_model");
        run("merge", "--config", config("merge_method: ties\nbase_model: base.safetensors\n" + models.replace("0.5", "1.5")).toString(),
                "--out", out.toString()).assertBadInput("density = 1.5", "(0, 1]");
        run("merge", "--config", config("merge_method: ties\nbase_model: odd.safetensors\n" + models).toString(), "--out", out.toString())
                .assertBadInput("tensor 'w' has shape [2, 2]");
        run("merge", "--config", config("merge_method: linear\nmodels:\n  - model: a.safetensors\n    parameters: {weight: 1.0}\n"
                + "  - model: base.safetensors\n    parameters: {weight: -1.0}\n").toString(), "--out", out.toString()).assertBadInput("sum to 0.0");
        assertFalse(Files.exists(out), "no output folder left behind");
    }

    private static Float[] box(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }
}
