package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GptTest {
    static final int V = 11;
    static final int BLOCK = 8;
    static final int C = 16;

    static GptConfig config(boolean bias, float dropout) {
        return new GptConfig(V, BLOCK, 2, 2, C, dropout, bias);
    }

    /** nanoGPT's named_parameters() for this config (lm_head.weight is tied to wte, so not listed). */
    static Map<String, int[]> expectedParameters(boolean bias) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("transformer.wte.weight", new int[] {V, C});
        m.put("transformer.wpe.weight", new int[] {BLOCK, C});
        for (int i = 0; i < 2; i++) {
            String h = "transformer.h." + i + ".";
            m.put(h + "ln_1.weight", new int[] {C});
            if (bias) m.put(h + "ln_1.bias", new int[] {C});
            m.put(h + "attn.c_attn.weight", new int[] {3 * C, C});
            if (bias) m.put(h + "attn.c_attn.bias", new int[] {3 * C});
            m.put(h + "attn.c_proj.weight", new int[] {C, C});
            if (bias) m.put(h + "attn.c_proj.bias", new int[] {C});
            m.put(h + "ln_2.weight", new int[] {C});
            if (bias) m.put(h + "ln_2.bias", new int[] {C});
            m.put(h + "mlp.c_fc.weight", new int[] {4 * C, C});
            if (bias) m.put(h + "mlp.c_fc.bias", new int[] {4 * C});
            m.put(h + "mlp.c_proj.weight", new int[] {C, 4 * C});
            if (bias) m.put(h + "mlp.c_proj.bias", new int[] {C});
        }
        m.put("transformer.ln_f.weight", new int[] {C});
        if (bias) m.put("transformer.ln_f.bias", new int[] {C});
        return m;
    }

    static int[] tokens(long seed, int n) {
        Philox p = Philox.stream(seed, "tokens");
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = p.nextInt(i, V);
        return t;
    }

    @Test
    void parameterNamesAndShapesAreNanoGpts() {
        for (boolean bias : new boolean[] {true, false}) {
            Gpt g = new Gpt(config(bias, 0f), 1);
            Map<String, int[]> expected = expectedParameters(bias);
            List<String> names = new ArrayList<>();
            for (Parameter p : g.parameters().list()) names.add(p.name());
            assertEquals(new ArrayList<>(expected.keySet()), names, "bias=" + bias);
            long total = 0;
            for (var e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), g.parameters().get(e.getKey()).shape(), e.getKey());
                total += Tensor.sizeOf(e.getValue());
            }
            assertEquals(total, g.parameterCount());
            assertEquals(total, g.parameters().size());
            // nanoGPT's get_num_params(non_embedding=True) subtracts wpe only (wte is shared with lm_head)
            assertEquals(total - (long) BLOCK * C, g.config().nonEmbeddingParams());
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(g.namedParameters().keySet()));
        }
        assertEquals("transformer.wte.weight", Gpt.TIED.get("lm_head.weight"));
    }

    @Test
    void initialisationFollowsNanoGpt() {
        Gpt g = new Gpt(new GptConfig(V, BLOCK, 2, 2, 64, 0f, true), 3);
        FlatParameters ps = g.parameters();
        for (Parameter p : ps.list()) {
            float[] v = p.value().toArray();
            String n = p.name();
            if (n.endsWith(".bias")) {
                for (float x : v) assertEquals(0f, x, n);
            } else if (n.contains(".ln_")) {
                for (float x : v) assertEquals(1f, x, n);
            } else {
                double s2 = 0;
                for (float x : v) s2 += (double) x * x;
                double std = Math.sqrt(s2 / v.length);
                double expected = n.endsWith("c_proj.weight") ? 0.02 / Math.sqrt(4) : 0.02;
                // sample std of ≥ 704 normals: relative sd ≤ 1/sqrt(2·704) = 2.7%; allow 5 sd
                assertEquals(expected, std, expected * 5 / Math.sqrt(2.0 * v.length), n);
            }
        }
    }

    @Test
    void flatParametersAreViewsOfOneContiguousBuffer() {
        Gpt g = new Gpt(config(true, 0f), 1);
        FlatParameters ps = g.parameters();
        int expectedOffset = 0;
        for (int i = 0; i < ps.list().size(); i++) {
            Parameter p = ps.list().get(i);
            assertSame(ps.values(), p.value().data(), p.name());
            assertSame(ps.grads(), p.grad().data(), p.name());
            assertEquals(expectedOffset, ps.offset(i));
            assertEquals(expectedOffset, p.value().offset());
            assertEquals(expectedOffset, p.grad().offset());
            expectedOffset += p.size();
        }
        assertEquals(expectedOffset, ps.values().length);
        assertEquals(expectedOffset, ps.grads().length);
        // writes through the flat buffer are seen by the parameter, and back
        Parameter wpe = ps.get("transformer.wpe.weight");
        ps.values()[wpe.value().offset() + 3] = 42f;
        assertEquals(42f, wpe.value().get(3));
        wpe.value().set(4, -7f);
        assertEquals(-7f, ps.values()[ps.offset(1) + 4]);
        float[] snap = ps.snapshot();
        assertArrayEquals(ps.values(), snap);
        snap[0] = 99f;
        assertNotEquals(99f, ps.values()[0]);
        ps.grads()[5] = 3f;
        ps.zeroGrad();
        assertEquals(0f, ps.grads()[5]);
        assertTrue(ps.contains("transformer.ln_f.bias"));
        var e = assertThrows(IllegalArgumentException.class, () -> ps.get("lm_head.weight"));
        assertTrue(e.getMessage().contains("lm_head.weight"));
    }

    /** Parameters set to well-scaled random values (std 0.3, LayerNorm gains 1 ± 0.1) so gradients are O(0.1). */
    static void randomise(Gpt g, long seed) {
        for (Parameter p : g.parameters().list()) {
            Tensor v = p.value();
            Philox.stream(seed, "test/" + p.name()).fillGaussian(v.data(), v.offset(), v.size(), 0);
            boolean gain = p.name().contains(".ln_") && p.name().endsWith(".weight");
            for (int i = 0; i < v.size(); i++) {
                v.data()[v.offset() + i] = gain ? 1f + 0.1f * v.data()[v.offset() + i] : 0.3f * v.data()[v.offset() + i];
            }
        }
    }

    static float loss(Gpt g, int[] x, int[] y, int b, int t) {
        try (NoGrad ignored = NoGrad.open()) {
            return g.loss(x, y, b, t).item();
        }
    }

    @Test
    void lossGradientMatchesFiniteDifferences() {
        // 30 entries spread over every kind of parameter; central differences of the float32 loss with
        // h = 1e-2: truncation ~h²·L''' ≈ 1e-5 and round-off ~2⁻²⁴·L·few/2h ≈ 1e-5, so |a − n| ≤
        // 2e-2·|n| + 2e-4 separates a correct backward from a wrong one (whose errors are O(|n|)).
        for (boolean bias : new boolean[] {true, false}) {
            Gpt g = new Gpt(config(bias, 0f), 5);
            randomise(g, 6);
            int b = 2;
            int t = 7;
            int[] x = tokens(1, b * t);
            int[] y = tokens(2, b * t);
            y[3] = -1; // an ignored target
            FlatParameters ps = g.parameters();
            ps.zeroGrad();
            g.loss(x, y, b, t).backward();
            float[] grad = ps.grads().clone();
            Philox pick = Philox.stream(9, "pick");
            List<Parameter> list = ps.list();
            int checked = 0;
            double maxAbs = 0;
            for (int k = 0; k < 30; k++) {
                Parameter p = list.get(k % list.size());
                int idx;
                if (p.name().equals("transformer.wte.weight")) {
                    idx = x[k % x.length] * C + pick.nextInt(k, C); // a row that is used as input
                } else if (p.name().equals("transformer.wpe.weight")) {
                    idx = pick.nextInt(k, t * C); // a used position
                } else {
                    idx = pick.nextInt(k, p.size());
                }
                int flat = p.value().offset() + idx;
                float x0 = ps.values()[flat];
                float xp = x0 + 1e-2f;
                float xm = x0 - 1e-2f;
                ps.values()[flat] = xp;
                double fp = loss(g, x, y, b, t);
                ps.values()[flat] = xm;
                double fm = loss(g, x, y, b, t);
                ps.values()[flat] = x0;
                double numeric = (fp - fm) / ((double) xp - xm);
                double analytic = grad[flat];
                assertEquals(numeric, analytic, 2e-2 * Math.abs(numeric) + 2e-4,
                        "bias=" + bias + " " + p.name() + "[" + idx + "]");
                maxAbs = Math.max(maxAbs, Math.abs(numeric));
                checked++;
            }
            assertEquals(30, checked);
            assertTrue(maxAbs > 1e-2, "gradients too small to be a meaningful check: " + maxAbs);
        }
    }

    @Test
    void sameSeedSameBitsDifferentSeedDifferent() {
        int[] x = tokens(3, 2 * BLOCK);
        int[] y = tokens(4, 2 * BLOCK);
        for (float dropout : new float[] {0f, 0.2f}) {
            Gpt a = new Gpt(config(true, dropout), 7);
            Gpt b = new Gpt(config(true, dropout), 7);
            Gpt c = new Gpt(config(true, dropout), 8);
            assertArrayEquals(a.parameters().values(), b.parameters().values());
            a.beginStep(3);
            b.beginStep(3);
            c.beginStep(3);
            float la = a.loss(x, y, 2, BLOCK).item();
            float lb = b.loss(x, y, 2, BLOCK).item();
            float lc = c.loss(x, y, 2, BLOCK).item();
            assertEquals(Float.floatToIntBits(la), Float.floatToIntBits(lb));
            assertNotEquals(Float.floatToIntBits(la), Float.floatToIntBits(lc));
            // at init the loss is close to ln(V) (nanoGPT's sanity check)
            assertEquals(Math.log(V), la, 0.3);
        }
    }

    @Test
    void dropoutMasksDependOnStepAndEvalDisablesThem() {
        int[] x = tokens(5, 2 * BLOCK);
        int[] y = tokens(6, 2 * BLOCK);
        Gpt noDrop = new Gpt(config(true, 0f), 11);
        Gpt drop = new Gpt(config(true, 0.3f), 11);
        randomise(noDrop, 1);
        randomise(drop, 1);
        float reference = noDrop.loss(x, y, 2, BLOCK).item();
        drop.beginStep(0);
        float step0 = drop.loss(x, y, 2, BLOCK).item();
        drop.beginStep(1);
        float step1 = drop.loss(x, y, 2, BLOCK).item();
        drop.beginStep(0);
        float step0again = drop.loss(x, y, 2, BLOCK).item();
        assertNotEquals(reference, step0);
        assertNotEquals(step0, step1);
        assertEquals(Float.floatToIntBits(step0), Float.floatToIntBits(step0again));
        drop.train(false);
        assertTrue(!drop.isTraining() && !drop.get("transformer.h.1.attn").isTraining());
        assertEquals(Float.floatToIntBits(reference), Float.floatToIntBits(drop.loss(x, y, 2, BLOCK).item()));
        assertEquals(Float.floatToIntBits(reference), Float.floatToIntBits(drop.loss(x, y, 2, BLOCK).item()));
        drop.train(true);
        assertTrue(drop.get("transformer.h.1.mlp").isTraining());
    }

    @Test
    void generateIsDeterministicAndTopOneIsGreedy() {
        Gpt g = new Gpt(config(true, 0.1f), 13);
        randomise(g, 2);
        int[] prompt = {1, 2, 3};
        int count = 10; // prompt + count > block_size: the context is cropped to the last 8 tokens
        int[] a = g.generate(prompt, count, 0.8f, 0, Philox.stream(1, "sample"));
        int[] b = g.generate(prompt, count, 0.8f, 0, Philox.stream(1, "sample"));
        assertArrayEquals(a, b);
        assertEquals(prompt.length + count, a.length);
        assertArrayEquals(prompt, java.util.Arrays.copyOf(a, 3));
        for (int tok : a) assertTrue(tok >= 0 && tok < V);
        assertTrue(g.isTraining(), "generate restores training mode");
        int[] other = g.generate(prompt, 40, 5f, 0, Philox.stream(2, "sample"));
        int[] other2 = g.generate(prompt, 40, 5f, 0, Philox.stream(3, "sample"));
        assertNotEquals(java.util.Arrays.toString(other), java.util.Arrays.toString(other2));

        int[] greedy = g.generate(prompt, count, 1f, 1, Philox.stream(4, "sample"));
        g.train(false);
        for (int n = prompt.length; n < greedy.length; n++) {
            int start = Math.max(0, n - BLOCK);
            int[] ctx = java.util.Arrays.copyOfRange(greedy, start, n);
            Tensor logits;
            try (NoGrad ignored = NoGrad.open()) {
                logits = g.forward(ctx, 1, ctx.length).value();
            }
            int best = 0;
            for (int j = 1; j < V; j++) {
                if (logits.at(ctx.length - 1, j) > logits.at(ctx.length - 1, best)) best = j;
            }
            assertEquals(best, greedy[n], "step " + n);
        }
        g.train(true);
        assertThrows(IllegalArgumentException.class, () -> g.generate(new int[0], 1, 1f, 0, Philox.stream(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> g.generate(prompt, 1, 0f, 0, Philox.stream(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> g.forward(tokens(1, BLOCK + 1), 1, BLOCK + 1));
    }

    @Test
    void samplingInverseCdfTemperatureAndTopK() {
        float ln3 = (float) Math.log(3);
        float[] logits = {0f, ln3}; // probabilities 1/4, 3/4
        assertEquals(0, Sampling.sample(logits, 1f, 0, 0.2f));
        assertEquals(1, Sampling.sample(logits, 1f, 0, 0.3f));
        assertEquals(1, Sampling.sample(logits, 1f, 0, 0.999f));
        // temperature 2: weights 1 : √3, P(0) = 1/(1+√3) = 0.366
        assertEquals(0, Sampling.sample(logits, 2f, 0, 0.36f));
        assertEquals(1, Sampling.sample(logits, 2f, 0, 0.37f));
        // top-k = 1 picks the argmax for any u
        float[] l3 = {0.5f, 2f, -1f, 1.9f};
        for (float u : new float[] {0f, 0.5f, 0.9999f}) assertEquals(1, Sampling.sample(l3, 1f, 1, u));
        // top-k = 2 keeps {1, 3} only
        for (int i = 0; i < 100; i++) {
            int s = Sampling.sample(l3, 1f, 2, i / 100f);
            assertTrue(s == 1 || s == 3);
        }
    }

    @Test
    void configRejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(V, BLOCK, 2, 3, 16, 0f, true));
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(0, BLOCK, 2, 2, 16, 0f, true));
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(V, BLOCK, 2, 2, 16, 1f, true));
    }
}
