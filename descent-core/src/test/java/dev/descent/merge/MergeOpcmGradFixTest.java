package dev.descent.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.descent.config.ConfigException;
import dev.descent.linalg.Svd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opcm and gradfix: against the independent float64 NumPy transcription of the authors' code in
 * {@code bench/golden/merge_opcm_gradfix_golden.py} (its output is
 * {@code src/test/resources/golden/merge_opcm_gradfix.json}; OPCM there runs step by step with full SVDs
 * and the per-step rescale, ours with the thin SVD and one final rescale), their invariants, and bad input.
 */
class MergeOpcmGradFixTest {
    @TempDir
    Path dir;

    @Test
    void everyCaseMatchesTheScript() throws IOException {
        JsonNode doc = MergeFixtures.goldenWithInputs(dir, "merge_opcm_gradfix.json");
        int checked = 0;
        for (JsonNode c : doc.get("cases")) {
            StringBuilder y = new StringBuilder("merge_method: " + c.get("method").asText() + "\nbase_model: base.safetensors\nmodels:\n");
            for (int i = 0; i < c.get("models").size(); i++) {
                y.append("  - model: ").append(c.get("models").get(i).asText()).append(".safetensors\n");
                if (c.has("weights")) y.append("    parameters: {weight: ").append(c.get("weights").get(i).asDouble()).append("}\n");
            }
            if (c.get("method").asText().equals("opcm")) y.append("parameters: {alpha: ").append(c.get("alpha").asDouble()).append("}\n");
            else y.append("parameters: {lambda: ").append(c.get("lambda").asDouble()).append("}\nsource_model: src.safetensors\ngradients: grads.safetensors\n");
            Map<String, float[]> got = MergeFixtures.merge(dir, y.toString());
            checked += MergeFixtures.assertMatchesGolden(c.get("expected"), got, y.toString());
        }
        assertEquals(3 * (20 + 18 + 7), checked);
    }

    @Test
    void theProjectedTaskVectorIsOrthogonalToTheDominantSingularPairs() {
        Random r = new Random(3);
        int rows = 6, cols = 9;
        double[] s = new double[rows * cols], tau = new double[rows * cols];
        for (int j = 0; j < s.length; j++) {
            s[j] = r.nextGaussian();
            tau[j] = r.nextGaussian();
        }
        Svd svd = Svd.of(s, rows, cols);
        int split = Opcm.splitRank(svd.sigma(), 0.5);
        assertTrue(split >= 1, "a random 6×9 matrix needs more than one singular value to pass half of Σs");
        double[] added = s.clone();
        Opcm.addProjected(added, tau, rows, cols, 0.5);
        int k = svd.sigma().length;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double m = 0; // u_aᵀ (added − s) v_b
                for (int i = 0; i < rows; i++) for (int c = 0; c < cols; c++) m += svd.u()[i * k + a] * (added[i * cols + c] - s[i * cols + c]) * svd.v()[c * k + b];
                if (a == b || (a < split && b < split)) assertEquals(0, m, 1e-12, "component (" + a + ", " + b + ")");
            }
        }
    }

    @Test
    void mergingAModelWithItselfReturnsIt() throws IOException {
        Random r = new Random(5);
        Map<String, int[]> shapes = Map.of("w", new int[] {6, 4}, "u", new int[] {3, 5});
        Map<String, float[]> a = new LinkedHashMap<>(), base = new LinkedHashMap<>();
        for (var e : shapes.entrySet()) {
            int n = e.getValue()[0] * e.getValue()[1];
            float[] x = new float[n], b = new float[n];
            for (int j = 0; j < n; j++) {
                x[j] = (float) r.nextGaussian();
                b[j] = (float) r.nextGaussian();
            }
            a.put(e.getKey(), x);
            base.put(e.getKey(), b);
        }
        MergeFixtures.model(dir, "a", a, shapes);
        MergeFixtures.model(dir, "base", base, shapes);
        // One model: OPCM returns it bit for bit (S = τ, rescale n̄/‖S‖ = 1).
        var one = MergeFixtures.merge(dir, "merge_method: opcm\nbase_model: base.safetensors\nmodels:\n  - model: a.safetensors\n");
        for (String k : a.keySet()) assertArrayEquals(a.get(k), one.get(k), k);
        // Twice (2-D tensors only): the second copy lies in the span of the first's singular pairs' diagonal, so it is removed.
        var twice = MergeFixtures.merge(dir, "merge_method: opcm\nbase_model: base.safetensors\nmodels:\n  - model: a.safetensors\n  - model: a.safetensors\n");
        for (String k : a.keySet()) assertArrayEquals(a.get(k), twice.get(k), 1e-5f, k);
        // GradFix with a gradient pointing exactly along τ (−g = τ) keeps every entry: base + τ = a.
        Map<String, float[]> g = new LinkedHashMap<>();
        for (String k : a.keySet()) {
            float[] v = new float[a.get(k).length];
            for (int j = 0; j < v.length; j++) v[j] = base.get(k)[j] - a.get(k)[j];
            g.put(k, v);
        }
        MergeFixtures.model(dir, "g", g, shapes);
        var fixed = MergeFixtures.merge(dir, "merge_method: gradfix\nbase_model: base.safetensors\ngradients: g.safetensors\nmodels:\n  - model: a.safetensors\n");
        for (String k : a.keySet()) assertArrayEquals(a.get(k), fixed.get(k), 1e-6f, k);
        // ... and the opposite gradient drops every entry: the base.
        for (float[] v : g.values()) for (int j = 0; j < v.length; j++) v[j] = -v[j];
        MergeFixtures.model(dir, "g", g, shapes);
        var dropped = MergeFixtures.merge(dir, "merge_method: gradfix\nbase_model: base.safetensors\ngradients: g.safetensors\nmodels:\n  - model: a.safetensors\n");
        for (String k : a.keySet()) assertArrayEquals(base.get(k), dropped.get(k), k);
    }

    @Test
    void theGradientFileHoldsTheMeanGradientOrTheSumOfSigns() {
        var params = new dev.descent.nn.MlpClassifier(1, 2, 2).parameters();
        int n = params.size();
        // three examples with gradients (+1, +1, −5) at every entry ×(j+1), scaled so the mean and the vote disagree in sign
        double[] per = {1, 1, -5};
        var mean = GradientSigns.compute(params, 3, GradientSigns.Vote.MEAN, i -> {
            for (int j = 0; j < n; j++) params.grads()[j] = (float) (per[i] * (j + 1));
        });
        var max = GradientSigns.compute(params, 3, GradientSigns.Vote.MAX, i -> {
            for (int j = 0; j < n; j++) params.grads()[j] = (float) (per[i] * (j + 1));
        });
        int off = 0;
        for (var p : params.list()) {
            float[] m = mean.get(p.name()).data(), v = max.get(p.name()).data();
            assertArrayEquals(p.shape(), mean.get(p.name()).shape());
            for (int j = 0; j < m.length; j++) {
                assertEquals(-1.0 * (off + j + 1), m[j], 1e-5 * (off + j + 1), "mean (1 + 1 − 5)/3 × (j+1)");
                assertEquals(1f, v[j], "vote: two positive signs, one negative");
            }
            off += m.length;
        }
        for (float g : params.grads()) assertEquals(0f, g, "gradients left zeroed");
    }

    @Test
    void badInputIsRefusedInOneLine() throws IOException {
        Map<String, int[]> shapes = Map.of("w", new int[] {2, 3});
        MergeFixtures.model(dir, "a", Map.of("w", new float[] {1, 2, 3, 4, 5, 6}), shapes);
        MergeFixtures.model(dir, "base", Map.of("w", new float[6]), shapes);
        String models = "models:\n  - model: a.safetensors\n";
        var noFile = assertThrows(IllegalArgumentException.class,
                () -> MergeFixtures.merge(dir, "merge_method: gradfix\nbase_model: base.safetensors\ngradients: none.safetensors\n" + models));
        assertTrue(noFile.getMessage().startsWith("gradients file not found: ") && !noFile.getMessage().contains("\n"), noFile.getMessage());
        var noKey = assertThrows(ConfigException.class, () -> MergeFixtures.config(dir, "merge_method: gradfix\nbase_model: base.safetensors\n" + models));
        assertTrue(noKey.getMessage().contains("gradfix needs 'gradients'"), noKey.getMessage());
        var stray = assertThrows(ConfigException.class, () -> MergeFixtures.config(dir, "merge_method: ties\nbase_model: base.safetensors\ngradients: g.safetensors\n" + models
                + "    parameters: {weight: 1}\n"));
        assertTrue(stray.getMessage().contains("'gradients' is gradfix's"), stray.getMessage());
        var alpha = assertThrows(ConfigException.class, () -> MergeFixtures.config(dir, "merge_method: opcm\nbase_model: base.safetensors\n" + models + "parameters: {alpha: 1.5}\n"));
        assertTrue(alpha.getMessage().contains("parameters.alpha = 1.5") && alpha.getMessage().contains("[0, 1]"), alpha.getMessage());
        MergeFixtures.model(dir, "g", Map.of("w", new float[6]), Map.of("w", new int[] {3, 2}));
        var shape = assertThrows(IllegalArgumentException.class,
                () -> MergeFixtures.merge(dir, "merge_method: gradfix\nbase_model: base.safetensors\ngradients: g.safetensors\n" + models));
        assertTrue(shape.getMessage().contains("tensor 'w' has shape [3, 2]"), shape.getMessage());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("merged")), "no output left behind");
        }
    }
}
