package dev.descent.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.config.ConfigException;
import dev.descent.tensor.Philox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariants of the merges, DARE's random mask, and the refusal of bad input. */
class MergeTest {
    @TempDir
    Path dir;

    static final Map<String, int[]> SHAPES = Map.of("w", new int[] {8, 16}, "b", new int[] {16});

    Map<String, float[]> random(long seed, float scale) {
        Random r = new Random(seed);
        float[] w = new float[128], b = new float[16];
        for (int i = 0; i < w.length; i++) w[i] = scale * (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = scale * (float) r.nextGaussian();
        return Map.of("w", w, "b", b);
    }

    void write(String name, Map<String, float[]> v) throws IOException {
        MergeFixtures.model(dir, name, v, SHAPES);
    }

    static String yaml(String method, String extra, String... models) {
        StringBuilder y = new StringBuilder("merge_method: " + method + "\nbase_model: base.safetensors\nmodels:\n");
        for (String m : models) y.append("  - model: ").append(m).append("\n");
        return y + extra;
    }

    @Test
    void mergingAModelWithItselfReturnsIt() throws IOException {
        Map<String, float[]> a = random(1, 1), base = random(2, 1);
        write("a", a);
        write("base", base);
        String two = "    parameters: {weight: 0.3, density: 0.5}\n";
        for (String method : MergeMethod.validNames().split(", ")) {
            // not ace: its closed form centres the task vectors (the mean row is dropped) and adds the prior c
            // to S, so two equal tasks give W̃(2Σ+2εI)(2Σ+2εI+c)⁻¹, not W (as the reference does)
            // nor pcb: mergekit divides by the sum of the balancing scores over all entries, so τ̄ = δ⊙b̂ / Σb̂
            // opcm and gradfix: MergeOpcmGradFixTest (opcm adds a 1-D tensor's task vectors unprojected; gradfix needs a gradient file)
            if (method.equals("ace") || method.equals("pcb") || method.equals("opcm") || method.equals("gradfix")) continue;
            String y = "merge_method: " + method + "\nbase_model: base.safetensors\nmodels:\n  - model: a.safetensors\n" + two
                    + "  - model: a.safetensors\n" + two.replace("0.3", "0.7");
            if (method.startsWith("dare") || method.startsWith("breadcrumbs") || method.equals("ties")) {
                y = y.replace("density: 0.5", "density: 1.0"); // sparsification would (rightly) drop entries
                y += "parameters: {normalize: true}\n";
            }
            if (method.equals("task_arithmetic")) y += "parameters: {normalize: true}\n";
            var out = MergeFixtures.merge(dir, y);
            for (String k : a.keySet()) assertArrayEquals(a.get(k), out.get(k), 1e-6f, method + " " + k);
        }
    }

    @Test
    void theBaseAsAnExpertContributesNothing() throws IOException {
        Map<String, float[]> base = random(2, 1);
        write("base", base);
        var out = MergeFixtures.merge(dir, yaml("ties", "    parameters: {weight: 1.0, density: 0.5}\n", "base.safetensors"));
        for (String k : base.keySet()) assertArrayEquals(base.get(k), out.get(k), 0f, k);
    }

    @Test
    void weightsThatSumToZeroAreRefused() throws IOException {
        write("a", random(1, 1));
        write("c", random(3, 1));
        write("base", random(2, 1));
        String y = yaml("linear", "", "a.safetensors\n    parameters: {weight: 1.0}", "c.safetensors\n    parameters: {weight: -1.0}");
        var e = assertThrows(IllegalArgumentException.class, () -> MergeFixtures.merge(dir, y));
        assertTrue(e.getMessage().contains("sum to 0.0"), e.getMessage());
        String t = yaml("task_arithmetic", "parameters: {normalize: true}\n", "a.safetensors\n    parameters: {weight: 0.5}",
                "c.safetensors\n    parameters: {weight: -0.5}");
        assertThrows(IllegalArgumentException.class, () -> MergeFixtures.merge(dir, t));
        assertFalse(Files.exists(dir.resolve("merged.safetensors")));
        // without normalize the sum is never divided by: a plain difference of task vectors
        MergeFixtures.merge(dir, t.replace("normalize: true", "normalize: false"));
    }

    @Test
    void dareKeepsTheDensityFractionAndRescalesTheL1Norm() {
        int n = 200_000;
        Random r = new Random(5);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) r.nextGaussian();
        float[] original = d.clone();
        double density = 0.3;
        Sparsify.bernoulli(d, n, density, Merger.dareMask(7, 0, "w"), true);
        int kept = 0;
        double l1Before = 0, l1After = 0, ratio = Double.NaN;
        for (int i = 0; i < n; i++) {
            l1Before += Math.abs(original[i]);
            l1After += Math.abs(d[i]);
            if (d[i] != 0) {
                kept++;
                double q = d[i] / original[i];
                if (Double.isNaN(ratio)) ratio = q;
                assertEquals(ratio, q, 1e-5 * ratio, "one scale for every kept entry");
            }
        }
        double sd = Math.sqrt(n * density * (1 - density));
        assertEquals(n * density, kept, 5 * sd, "kept count ~ Binomial(n, density)");
        assertEquals(l1Before, l1After, 1e-4 * l1Before, "L1 rescale (mergekit's rescale: true)");
        assertEquals(1 / density, ratio, 0.02 / density, "the L1 rescale is 1/density up to the mask's fluctuation");
        // without rescale the kept entries are untouched
        float[] plain = original.clone();
        Sparsify.bernoulli(plain, n, density, Merger.dareMask(7, 0, "w"), false);
        for (int i = 0; i < n; i++) assertEquals(d[i] == 0 ? 0f : original[i], plain[i], "same mask, no scale");
    }

    @Test
    void dareIsFixedBySeedAndDiffersAcrossModelsAndSeeds() throws IOException {
        write("base", random(2, 1));
        write("a", random(1, 1));
        write("c", random(3, 1));
        String y = yaml("dare_ties", "seed: 11\n", "a.safetensors\n    parameters: {weight: 0.5, density: 0.4}",
                "c.safetensors\n    parameters: {weight: 0.5, density: 0.4}");
        var first = MergeFixtures.merge(dir, y);
        var again = MergeFixtures.merge(dir, y);
        assertArrayEquals(first.get("w"), again.get("w"), 0f);
        var other = MergeFixtures.merge(dir, y.replace("seed: 11", "seed: 12"));
        assertFalse(Arrays.equals(first.get("w"), other.get("w")));
        Philox m0 = Merger.dareMask(11, 0, "w"), m1 = Merger.dareMask(11, 1, "w");
        assertNotEquals(m0.bits(0), m1.bits(0));
    }

    @Test
    void dareLinearIsTaskArithmeticOnTheMaskedTaskVectors() throws IOException {
        Map<String, float[]> base = random(2, 1), a = random(1, 1), c = random(3, 1);
        write("base", base);
        write("a", a);
        write("c", c);
        var out = MergeFixtures.merge(dir, yaml("dare_linear", "seed: 3\nparameters: {lambda: 0.9}\n",
                "a.safetensors\n    parameters: {weight: 0.6, density: 0.5}", "c.safetensors\n    parameters: {weight: 0.8, density: 0.7}"));
        for (String k : base.keySet()) {
            int n = base.get(k).length;
            float[] da = new float[n], dc = new float[n];
            for (int j = 0; j < n; j++) {
                da[j] = a.get(k)[j] - base.get(k)[j];
                dc[j] = c.get(k)[j] - base.get(k)[j];
            }
            Sparsify.bernoulli(da, n, 0.5, Merger.dareMask(3, 0, k), true);
            Sparsify.bernoulli(dc, n, 0.7, Merger.dareMask(3, 1, k), true);
            for (int j = 0; j < n; j++) {
                double want = base.get(k)[j] + 0.9 * (0.6 * da[j] + 0.8 * dc[j]);
                assertEquals(want, out.get(k)[j], 1e-5, k + "[" + j + "]");
            }
        }
    }

    @Test
    void magnitudeKeepsExactlyTheLargestIntDensityN() {
        float[] d = {0.5f, -3f, 2f, 2f, -2f, 0.1f, 0f, 1f, -1f, 4f};
        Sparsify.magnitude(d, 10, 0.45, false); // int(4.5) = 4: 4, -3 and two of the three ±2 (higher index wins ties)
        assertArrayEquals(new float[] {0, -3f, 0, 2f, -2f, 0, 0, 0, 0, 4f}, d);
        float[] e = {0.5f, -3f, 2f, 1f, 4f};
        Sparsify.magnitudeOutliers(e, 5, 0.4, 0.2, false); // drop the largest (int(1.0) = 1), keep the next int(2.0) = 2
        assertArrayEquals(new float[] {0, -3f, 2f, 0, 0}, e);
        float[] f = {1f, -2f, 3f};
        Sparsify.magnitude(f, 3, 0.5, true); // keeps 3, rescaled by 6/3
        assertArrayEquals(new float[] {0, 0, 6f}, f);
        assertThrows(IllegalArgumentException.class, () -> Sparsify.magnitude(new float[3], 3, 0.2, false));
    }

    @Test
    void badInputIsRefusedInOneLine() throws IOException {
        write("base", random(2, 1));
        write("a", random(1, 1));
        MergeFixtures.model(dir, "renamed", Map.of("w", new float[128], "bias", new float[16]), Map.of("w", new int[] {8, 16}, "bias", new int[] {16}));
        MergeFixtures.model(dir, "reshaped", Map.of("w", new float[128], "b", new float[16]), Map.of("w", new int[] {16, 8}, "b", new int[] {16}));
        String p = "\n    parameters: {weight: 1.0, density: 0.5}";
        var names = assertThrows(IllegalArgumentException.class, () -> MergeFixtures.merge(dir, yaml("ties", "", "a.safetensors" + p, "renamed.safetensors" + p)));
        assertTrue(names.getMessage().contains("renamed.safetensors has no tensor 'b'"), names.getMessage());
        var shapes = assertThrows(IllegalArgumentException.class, () -> MergeFixtures.merge(dir, yaml("ties", "", "a.safetensors" + p, "reshaped.safetensors" + p)));
        assertTrue(shapes.getMessage().contains("tensor 'w' has shape [16, 8]"), shapes.getMessage());
        var noBase = assertThrows(IllegalArgumentException.class, () -> MergeFixtures.config(dir, "merge_method: ties\nmodels:\n  - model: a.safetensors" + p));
        assertTrue(noBase.getMessage().contains("needs base_model"), noBase.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> MergeFixtures.merge(dir, yaml("ties", "", "nothing.safetensors" + p)));
        assertTrue(missing.getMessage().startsWith("model not found"), missing.getMessage());
        for (String bad : new String[] {"0", "0.0", "1.5", "-0.2"}) {
            var density = assertThrows(ConfigException.class, () -> MergeFixtures.config(dir, yaml("ties", "", "a.safetensors" + p.replace("0.5", bad))));
            assertTrue(density.getMessage().contains("density = ") && density.getMessage().contains("(0, 1]"), density.getMessage());
        }
        var method = assertThrows(IllegalArgumentException.class, () -> MergeFixtures.config(dir, yaml("slerp", "", "a.safetensors" + p)));
        assertEquals("unknown merge_method 'slerp'; valid: linear, task_arithmetic, ties, dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties, ace, pcb, opcm, gradfix",
                method.getMessage());
        var unknown = assertThrows(ConfigException.class, () -> MergeFixtures.config(dir, yaml("ties", "", "a.safetensors\n    parameters: {weight: 1, densty: 0.5}")));
        assertTrue(unknown.getMessage().contains("at models[0].parameters.densty"), unknown.getMessage());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("merged")), "no output left behind");
        }
    }
}
