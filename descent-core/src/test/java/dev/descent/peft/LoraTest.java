package dev.descent.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.linalg.Svd;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.nn.Init;
import dev.descent.nn.KvCache;
import dev.descent.nn.Linear;
import dev.descent.nn.Parameter;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {
    private static final GptConfig SMALL = new GptConfig(11, 8, 2, 2, 8, 0f, true);

    private static float[] gaussian(String key, int n, float scale) {
        float[] v = new float[n];
        Philox.stream(7, key).fillGaussian(v, 0, n, 0);
        for (int i = 0; i < n; i++) v[i] *= scale;
        return v;
    }

    private static void fill(Parameter p, String key, float scale) {
        Tensor t = p.value();
        System.arraycopy(gaussian(key, t.size(), scale), 0, t.data(), t.offset(), t.size());
    }

    /** A LoRA layer over a Linear 5→4 (with bias) with rank 3, α = 6, B filled so the adapter path counts. */
    private static LoraLinear layer(boolean rslora) {
        Linear base = Init.torchDefault(new Linear(5, 4), 3);
        LoraLinear l = new LoraLinear(base, null);
        LoraConfig c = LoraConfig.of(LoraConfig.Targets.names(List.of("x"))).withRank(3, 6);
        double s = rslora ? 6 / Math.sqrt(3) : c.scaling(3, 6);
        LoraLinear.Adapter a = l.addAdapter("default", "x", 3, 6, s, 0, LoraConfig.Init.DEFAULT, 11);
        fill(a.loraB(), "B", 0.5f);
        return l;
    }

    // ------------------------------------------------------------------ forward and backward

    /**
     * y = x Wᵀ + b + s·(x Aᵀ) Bᵀ for fixed values, r = 2, α = 4 (s = 2) and rsLoRA (s = 4/√2). Expected
     * values from numpy in float32: {@code y = (x@W.T + b) + ((x@A.T)@B.T)*s} with the arrays below.
     */
    @Test
    void forwardMatchesNumpy() {
        float[] x = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f};
        float[] w = {0.1f, 0.2f, -0.3f, 0.4f, -0.5f, 0.6f, -0.7f, 0.8f, 0.9f, 0.05f, -0.15f, 0.25f};
        float[] b = {0.01f, -0.02f, 0.03f, -0.04f};
        float[] a = {0.3f, -0.2f, 0.1f, -0.4f, 0.5f, 0.6f};
        float[] bb = {0.7f, -0.1f, 0.2f, 0.3f, -0.5f, 0.4f, 0.9f, -0.8f};
        float[][] expected = {
                {-0.0700000524520874f, 2.4000000953674316f, 0.5299999713897705f, 0.8249999284744263f,
                        1.0750000476837158f, -0.4200000464916229f, -2.559999942779541f, 1.875f},
                {0.20752298831939697f, 2.615391254425049f, 0.46786797046661377f, 0.9037004709243774f,
                        1.3400967121124268f, -0.5960408449172974f, -3.0011374950408936f, 2.730350971221924f}};
        for (int k = 0; k < 2; k++) {
            boolean rs = k == 1;
            Linear base = new Linear(3, 4);
            System.arraycopy(w, 0, base.weight.value().data(), 0, w.length);
            System.arraycopy(b, 0, base.bias.value().data(), 0, b.length);
            LoraConfig c = new LoraConfig(2, 4, 0, rs, LoraConfig.Bias.NONE, LoraConfig.Targets.names(List.of("l")), null, null,
                    LoraConfig.Init.NONE, null, null, null);
            LoraLinear l = new LoraLinear(base, null);
            LoraLinear.Adapter ad = l.addAdapter("default", "l", 2, 4, c.scaling(2, 4), 0, LoraConfig.Init.NONE, 0);
            System.arraycopy(a, 0, ad.loraA().value().data(), 0, a.length);
            System.arraycopy(bb, 0, ad.loraB().value().data(), 0, bb.length);
            float[] y = l.forward(Variable.constant(Tensor.of(x, 2, 3))).value().toArray();
            for (int i = 0; i < y.length; i++) assertEquals(expected[k][i], y[i], 2e-6, "rslora=" + rs + " y[" + i + "]");
        }
    }

    /** Central finite differences of Σ w·y with respect to x, A and B (dropout off), in double over float steps. */
    @Test
    void backwardMatchesFiniteDifferences() {
        LoraLinear l = layer(false);
        LoraLinear.Adapter ad = l.adapters().get("default");
        Variable x = new Variable(Tensor.of(gaussian("x", 3 * 5, 1f), 3, 5), true);
        float[] w = gaussian("w", 3 * 4, 1f);
        Variable y = l.forward(x);
        y.backward(Tensor.of(w.clone(), 3, 4));
        Supplier<Tensor> out = () -> {
            try (var ignored = NoGrad.open()) {
                return l.forward(x).value();
            }
        };
        check("x", out, w, x.value().data(), x.grad().toArray());
        check("A", out, w, ad.loraA().value().data(), ad.loraA().grad().toArray());
        check("B", out, w, ad.loraB().value().data(), ad.loraB().grad().toArray());
    }

    private static void check(String name, Supplier<Tensor> out, float[] w, float[] data, float[] analytic) {
        double h = 1e-2;
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < analytic.length; j++) {
            float x0 = data[j];
            float xp = (float) (x0 + h);
            float xm = (float) (x0 - h);
            data[j] = xp;
            double fp = dot(out.get(), w);
            data[j] = xm;
            double fm = dot(out.get(), w);
            data[j] = x0;
            double n = (fp - fm) / ((double) xp - xm);
            assertEquals(n, analytic[j], 1e-3 + 1e-2 * Math.abs(n), name + "[" + j + "]");
            diff += (n - analytic[j]) * (n - analytic[j]);
            norm += n * n;
        }
        assertTrue(norm > 0, name + ": degenerate check");
        assertTrue(Math.sqrt(diff / norm) < 1e-2, name + ": relative L2 error " + Math.sqrt(diff / norm));
    }

    private static double dot(Tensor t, float[] w) {
        double s = 0;
        for (int i = 0; i < w.length; i++) s += (double) t.data()[t.offset() + i] * w[i];
        return s;
    }

    @Test
    void defaultInitIsKaimingUniformAndZero() {
        Linear base = new Linear(64, 32);
        LoraLinear l = new LoraLinear(base, null);
        LoraLinear.Adapter a = l.addAdapter("default", "x", 8, 16, 2, 0, LoraConfig.Init.DEFAULT, 1);
        float bound = (float) (1 / Math.sqrt(64));
        double sq = 0;
        for (float v : a.loraA().value().toArray()) {
            assertTrue(Math.abs(v) <= bound);
            sq += v * v;
        }
        // U(−c, c) has variance c²/3.
        assertEquals(bound * bound / 3, sq / (8 * 64), 0.15 * bound * bound / 3);
        for (float v : a.loraB().value().toArray()) assertEquals(0f, v);
        LoraLinear.Adapter g = l.addAdapter("g", "x", 8, 16, 2, 0, LoraConfig.Init.GAUSSIAN, 1);
        sq = 0;
        for (float v : g.loraA().value().toArray()) sq += v * v;
        assertEquals(1.0 / 64, sq / (8 * 64), 0.15 / 64, "gaussian: std 1/r");
        for (float v : g.loraB().value().toArray()) assertEquals(0f, v);
    }

    /** PiSSA: B A s is the best rank-r approximation of W, the residual W − s·B A replaces W, and the output is unchanged. */
    @Test
    void pissaSplitsTheWeightBySvd() {
        Linear base = Init.torchDefault(new Linear(6, 5), 4);
        float[] w0 = base.weight.value().toArray();
        Variable x = Variable.constant(Tensor.of(gaussian("px", 2 * 6, 1f), 2, 6));
        float[] y0 = base.forward(x).value().toArray();
        LoraLinear l = new LoraLinear(base, null);
        LoraLinear.Adapter a = l.addAdapter("default", "x", 2, 4, 2, 0, LoraConfig.Init.PISSA, 1);
        float[] y1 = l.forward(x).value().toArray();
        for (int i = 0; i < y0.length; i++) assertEquals(y0[i], y1[i], 1e-5);
        double[] wd = new double[w0.length];
        for (int i = 0; i < wd.length; i++) wd[i] = w0[i];
        Svd svd = Svd.of(wd, 5, 6);
        float[] delta = l.delta(a);
        for (int o = 0; o < 5; o++) {
            for (int j = 0; j < 6; j++) {
                double lowRank = 0;
                for (int i = 0; i < 2; i++) lowRank += svd.u()[o * 5 + i] * svd.sigma()[i] * svd.v()[j * 5 + i];
                assertEquals(lowRank, delta[o * 6 + j], 1e-5);
                assertEquals(w0[o * 6 + j] - delta[o * 6 + j], base.weight.value().data()[o * 6 + j], 1e-6);
            }
        }
    }

    // ------------------------------------------------------------------ merge

    @Test
    void mergeThenUnmergeRestoresTheBaseBitForBit() {
        LoraLinear l = layer(false);
        Linear base = (Linear) l.base();
        float[] before = base.weight.value().toArray();
        Variable x = Variable.constant(Tensor.of(gaussian("mx", 4 * 5, 1f), 4, 5));
        float[] unmerged = l.forward(x).value().toArray();
        l.merge();
        assertEquals("default", l.merged());
        assertFalse(java.util.Arrays.equals(before, base.weight.value().toArray()), "merging changed the weight");
        float[] merged = l.forward(x).value().toArray();
        for (int i = 0; i < merged.length; i++) assertEquals(unmerged[i], merged[i], 1e-5, "merged output " + i);
        l.unmerge();
        float[] after = base.weight.value().toArray();
        for (int i = 0; i < before.length; i++) {
            assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(after[i]), "weight " + i + " restored exactly");
        }
        assertArrayEquals(unmerged, l.forward(x).value().toArray());
    }

    @Test
    void severalNamedAdaptersOneActive() {
        LoraLinear l = layer(false);
        LoraLinear.Adapter second = l.addAdapter("other", "x", 2, 2, 1, 0, LoraConfig.Init.DEFAULT, 5);
        fill(second.loraB(), "B2", 0.5f);
        Variable x = Variable.constant(Tensor.of(gaussian("ax", 2 * 5, 1f), 2, 5));
        float[] first = l.forward(x).value().toArray();
        l.setActive("other");
        float[] other = l.forward(x).value().toArray();
        l.setActive(null);
        float[] none = l.forward(x).value().toArray();
        assertArrayEquals(none, l.base().forward(x).value().toArray());
        assertFalse(java.util.Arrays.equals(first, other));
        assertThrows(PeftException.class, () -> l.setActive("missing"));
    }

    // ------------------------------------------------------------------ target matching (PEFT's tests)

    /** Cases of PEFT's {@code test_tuners_utils.py} REGEX_TEST_CASES without layer filters: (key, targets, expected). */
    @Test
    @SuppressWarnings("unchecked")
    void targetMatchingFollowsPeft() {
        Object[][] cases = {
                {"", List.of(), false}, {"", List.of("foo"), false}, {"foo", List.of(), false}, {"foo", List.of("foo"), true},
                {"foo", List.of("bar"), false}, {"foo", List.of("foo", "bar"), true},
                {"foo", "foo", true}, {"foo", ".*oo", true}, {"foo", "fo.*", true}, {"foo", ".*bar.*", false}, {"foobar", ".*oba.*", true},
                {"transformer.h.1.attn.attention.q_proj.foo", List.of("q_proj"), false},
                {"transformer.h.1.attn.attention.q_proj", List.of(), false},
                {"transformer.h.1.attn.attention.q_proj", List.of("q_proj"), true},
                {"transformer.h.1.attn.attention.q_proj", List.of("q_proj", "v_proj"), true},
                {"transformer.h.1.attn.attention.resid_dropout", List.of("q_proj", "v_proj"), false},
                {"transformer.h.1.attn.attention.fooq_proj", List.of("q_proj"), false},
                {"transformer.h.1.attn.attention.q_proj", List.of("attention.q_proj"), true},
                {"transformer.h.1.attn.attention.q_proj", "q_proj", false},
                {"transformer.h.1.attn.attention.q_proj", ".*\\.q_proj", true},
        };
        for (Object[] c : cases) {
            String key = (String) c[0];
            LoraConfig.Targets t = c[1] instanceof String s ? LoraConfig.Targets.regex(s) : LoraConfig.Targets.names((List<String>) c[1]);
            assertEquals(c[2], t.matches(key), key + " vs " + c[1]);
        }
    }

    @Test
    void rankAndAlphaPatternsFollowPeftsGetPatternKey() {
        LoraConfig c = new LoraConfig(8, 16, 0, false, LoraConfig.Bias.NONE, LoraConfig.Targets.names(List.of("c_attn", "c_proj")), null,
                null, LoraConfig.Init.DEFAULT, new java.util.LinkedHashMap<>(Map.of("h.0.attn.c_attn", 2)), Map.of("attn", 3.0, "c_fc", 5.0), null);
        assertEquals(2, c.rankOf("transformer.h.0.attn.c_attn"));
        assertEquals(8, c.rankOf("transformer.h.1.attn.c_attn"));
        assertEquals(8, c.rankOf("transformer.h.10.attn.c_attn"));
        assertEquals(16, c.alphaOf("transformer.h.0.c_attn"), "'attn' must be the whole last part(s): c_attn does not end in .attn");
        assertEquals(3.0, c.alphaOf("transformer.h.0.attn"));
        assertEquals(5.0, c.alphaOf("transformer.h.0.mlp.c_fc"));
        assertEquals(16 / Math.sqrt(4), new LoraConfig(4, 16, 0, true, LoraConfig.Bias.NONE, c.targetModules(), null, null,
                LoraConfig.Init.DEFAULT, null, null, null).scaling(4, 16), "rsLoRA: α/√r");
    }

    // ------------------------------------------------------------------ on a GPT

    private static Gpt gpt() {
        return new Gpt(SMALL, 3);
    }

    private static LoraConfig gptConfig() {
        return LoraConfig.of(LoraConfig.Targets.names(List.of("c_attn", "mlp.c_proj"))).withRank(2, 4);
    }

    @Test
    void frozenBaseHasNoGradientAndAdamWKeepsStateOnlyForTheAdapters() {
        Gpt m = gpt();
        Lora.Applied applied = Lora.apply(m, gptConfig(), "default", 1, m.dropoutStreams());
        assertEquals(List.of("transformer.h.0.attn.c_attn", "transformer.h.0.mlp.c_proj", "transformer.h.1.attn.c_attn",
                "transformer.h.1.mlp.c_proj"), applied.layers());
        var params = m.parameters();
        long lora = 0;
        for (Parameter p : params.list()) {
            assertTrue(p.name().contains(".lora_A.default.") || p.name().contains(".lora_B.default."), p.name());
            lora += p.size();
        }
        // c_attn: A [2, 8], B [24, 2]; mlp.c_proj: A [2, 32], B [8, 2]; two blocks.
        assertEquals(2 * (2 * 8 + 24 * 2 + 2 * 32 + 8 * 2), lora);
        assertEquals(lora, params.size());
        assertEquals(lora, applied.trainable());
        for (Parameter p : params.frozen()) assertNull(p.grad(), p.name());
        assertTrue(params.contains("transformer.h.0.attn.c_attn.base_layer.weight"));
        Optimizer opt = AdamW.nanoGpt(params, 1e-3, 0.9, 0.99, 0.1);
        long stateBytes = 0;
        for (Tensor t : opt.state().values()) stateBytes += 4L * t.size();
        assertEquals(2 * 4 * lora, stateBytes, "two float moments per adapter element, none for the base");
        // One step moves only the adapters.
        float[] frozen = params.frozenValues().clone();
        int[] idx = {1, 2, 3, 4, 5, 6, 7, 8};
        m.loss(idx, new int[] {2, 3, 4, 5, 6, 7, 8, 9}, 1, 8).backward();
        opt.step();
        assertArrayEquals(frozen, params.frozenValues());
    }

    @Test
    void allLinearAdaptsEveryLinearLayerAndExcludeWins() {
        Gpt m = gpt();
        LoraConfig all = LoraConfig.of(LoraConfig.Targets.regex("All-Linear")).withRank(1, 1);
        assertEquals(8, Lora.apply(m, all, "default", 1, null).layers().size(), "c_attn, c_proj, c_fc, c_proj in two blocks");
        Gpt e = gpt();
        LoraConfig some = new LoraConfig(1, 1, 0, false, LoraConfig.Bias.NONE, LoraConfig.Targets.names(List.of("c_proj")),
                LoraConfig.Targets.regex(".*\\.h\\.0\\..*"), null, LoraConfig.Init.DEFAULT, null, null, null);
        assertEquals(List.of("transformer.h.1.attn.c_proj", "transformer.h.1.mlp.c_proj"), Lora.apply(e, some, "default", 1, null).layers());
        // A second adapter on the same layers: it trains, the first one is frozen (no decay of an adapter that is not training).
        Lora.apply(e, some, "second", 2, null);
        for (var p : e.namedParameters().entrySet()) {
            assertEquals(p.getKey().contains(".lora_A.second.") || p.getKey().contains(".lora_B.second."), p.getValue().isTrainable(), p.getKey());
        }
        assertEquals("default", ((LoraLinear) e.get("transformer.h.1.mlp.c_proj")).active(), "the first adapter stays active");
        Lora.setActive(e, "second");
        assertEquals("second", ((LoraLinear) e.get("transformer.h.1.mlp.c_proj")).active());
    }

    @Test
    void adapterWrittenThenReadGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
        Gpt m = gpt();
        LoraConfig c = gptConfig();
        Lora.apply(m, c, "default", 1, m.dropoutStreams());
        for (LoraLinear l : Lora.layers(m).values()) fill(l.adapters().get("default").loraB(), "B" + l.hashCode(), 0.3f);
        AdapterFiles.save(dir, m, c, "default");
        assertTrue(Files.isRegularFile(dir.resolve("adapter_model.safetensors")));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", json.get("peft_type").asText());
        assertEquals(2, json.get("r").asInt());
        assertEquals(4, json.get("lora_alpha").asInt());
        assertTrue(json.get("target_modules").isArray());
        var saved = dev.descent.io.Safetensors.read(dir.resolve("adapter_model.safetensors")).tensors();
        assertArrayEquals(new int[] {2, 8}, saved.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").shape());
        assertArrayEquals(new int[] {24, 2}, saved.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").shape());
        assertEquals(8, saved.size());

        Gpt fresh = gpt();
        AdapterFiles.load(dir, fresh, "default", 99, fresh.dropoutStreams());
        int[] idx = {1, 2, 3, 4, 5, 6, 7, 8, 0, 10};
        m.train(false);
        fresh.train(false);
        assertArrayEquals(m.forward(idx, 2, 5).value().toArray(), fresh.forward(idx, 2, 5).value().toArray());
    }

    @Test
    void cachedGenerationRunsOnALoraModel() {
        Gpt m = gpt();
        Lora.apply(m, gptConfig(), "default", 1, m.dropoutStreams());
        for (LoraLinear l : Lora.layers(m).values()) fill(l.adapters().get("default").loraB(), "G" + l.hashCode(), 0.3f);
        m.train(false);
        int[] idx = {1, 2, 3, 4, 5};
        float[] full;
        try (var ignored = NoGrad.open()) {
            full = m.forward(idx, 1, 5).value().toArray();
        }
        float[] cached = m.forwardCached(new KvCache(SMALL, 1, 8), new int[][] {idx}, true);
        assertEquals(full.length, cached.length);
        for (int i = 0; i < full.length; i++) assertEquals(full[i], cached[i], 1e-5, "logit " + i);
        assertNotNull(m.generate(new int[] {1}, 5, 1f, 0, Philox.stream(1, "s")));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsRefusedWithOneLine(@TempDir Path dir) throws Exception {
        Gpt m = gpt();
        PeftException none = assertThrows(PeftException.class,
                () -> Lora.apply(m, LoraConfig.of(LoraConfig.Targets.names(List.of("q_proj"))), "default", 1, null));
        assertTrue(none.getMessage().contains("matches no module") && none.getMessage().contains("transformer.h.0.attn.c_attn"), none.getMessage());
        assertFalse(none.getMessage().contains("\n"));
        assertThrows(PeftException.class, () -> gptConfig().withRank(0, 1));
        PeftException big = assertThrows(PeftException.class, () -> Lora.apply(m, gptConfig().withRank(9, 1), "default", 1, null));
        assertTrue(big.getMessage().contains("exceeds"), big.getMessage());
        assertFalse(m.get("transformer.h.0.attn.c_attn") instanceof LoraLinear, "a refused rank leaves the model unchanged");
        PeftException kind = assertThrows(PeftException.class,
                () -> Lora.apply(m, LoraConfig.of(LoraConfig.Targets.names(List.of("ln_1"))).withRank(1, 1), "default", 1, null));
        assertTrue(kind.getMessage().contains("not a linear layer"), kind.getMessage());

        // An adapter for another base: the same names with other widths.
        Gpt other = new Gpt(new GptConfig(11, 8, 2, 2, 12, 0f, true), 3);
        Lora.apply(other, gptConfig(), "default", 1, null);
        AdapterFiles.save(dir, other, gptConfig(), "default");
        Gpt target = gpt();
        PeftException shape = assertThrows(PeftException.class, () -> AdapterFiles.load(dir, target, "default", 1, null));
        assertTrue(shape.getMessage().contains("another base"), shape.getMessage());
        assertFalse(target.get("transformer.h.0.attn.c_attn") instanceof LoraLinear, "nothing changed");
    }

    @Test
    void trainConfigSectionIsCheckedKeyByKey() {
        LoraConfig c = LoraConfig.fromSection(Map.of("r", "4", "lora_alpha", "8", "target_modules", "c_attn,c_proj",
                "rank_pattern.c_proj", "2", "bias", "lora_only", "init_lora_weights", "gaussian"), "peft");
        assertEquals(4, c.r());
        assertEquals(List.of("c_attn", "c_proj"), c.targetModules().names());
        assertEquals(2, c.rankOf("transformer.h.0.mlp.c_proj"));
        PeftException e = assertThrows(PeftException.class, () -> LoraConfig.fromSection(Map.of("target_modules", "c_attn", "rank", "4"), "peft"));
        assertTrue(e.getMessage().startsWith("'peft.rank' is not a known key"), e.getMessage());
        PeftException r = assertThrows(PeftException.class, () -> LoraConfig.fromSection(Map.of("target_modules", "c_attn", "r", "0"), "peft"));
        assertTrue(r.getMessage().startsWith("'peft.r' = 0"), r.getMessage());
        assertThrows(PeftException.class, () -> LoraConfig.fromSection(Map.of("target_modules", "c_attn", "bias", "some"), "peft"));
    }

    @Test
    void adapterConfigJsonRoundTrips() {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        LoraConfig c = new LoraConfig(4, 8.5, 0.1, true, LoraConfig.Bias.ALL, LoraConfig.Targets.regex(".*c_attn"),
                LoraConfig.Targets.names(List.of("h.0.attn.c_attn")), List.of("ln_f"), LoraConfig.Init.PISSA, Map.of("c_attn", 2),
                Map.of("c_attn", 3.0), "runs/base");
        assertEquals(c, LoraConfig.fromJson(c.toJson(mapper), "test"));
    }
}
