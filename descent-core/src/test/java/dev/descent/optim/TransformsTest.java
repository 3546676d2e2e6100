package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The combinators of {@link Transforms}, each against its definition computed by hand in the
 * comments (optax's semantics): two parameters, a vector {@code b} [2] and a matrix {@code w} [2, 2],
 * laid out b0 b1 w00 w01 w10 w11.
 */
class TransformsTest {
    private static float[] values() { return new float[] {1f, -2f, 0.5f, 3f, -1f, 2f}; }

    private static ParamSet params(float[] v) {
        return ParamSet.of(v, List.of("b", "w"), List.of(new int[] {2}, new int[] {2, 2}));
    }

    private static float[] run(GradientTransformation tx, float[] v, float[]... grads) {
        ParamSet p = params(v);
        OptState s = tx.init(p);
        float[] u = null;
        for (float[] g : grads) {
            u = g.clone();
            tx.update(u, s, p);
        }
        return u;
    }

    @Test
    void chainAppliesInOrderAndNamesChildStates() {
        // scale(2) then scale(-0.5): u = -g
        GradientTransformation tx = Transforms.chain(Transforms.scale(2), Transforms.scale(-0.5));
        assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6}, run(tx, values(), new float[] {1, 2, 3, 4, 5, 6}));
        OptState s = tx.init(params(values()));
        assertEquals(2.0, s.find("0.scale")[0]);
        assertEquals(-0.5, s.find("1.scale")[0]);
    }

    @Test
    void partitionRoutesByLabelAndKeepsStateOnlyForItsBranch() {
        // matrices are scaled by 10, vectors by -1; the momentum branch holds a trace of 4 values (the matrix) only
        GradientTransformation tx = Transforms.partition(p -> p.isMatrix() ? "m" : "v", Map.of(
                "m", Transforms.chain(Transforms.trace(0.5, false), Transforms.scale(10)),
                "v", Transforms.scale(-1)));
        ParamSet p = params(values());
        OptState s = tx.init(p);
        assertEquals(4, s.child("m").child("0").buffer("trace").length);
        float[] u = {1, 2, 3, 4, 5, 6};
        tx.update(u, s, p);
        assertArrayEquals(new float[] {-1, -2, 30, 40, 50, 60}, u);
        float[] u2 = {1, 1, 1, 1, 1, 1};
        tx.update(u2, s, p);
        // trace: t = 0.5·t + g → 0.5·3 + 1 = 2.5, … ; ×10
        assertArrayEquals(new float[] {-1, -1, 25, 30, 35, 40}, u2);
    }

    @Test
    void partitionRefusesAnUnroutedLabel() {
        GradientTransformation tx = Transforms.partition(p -> p.isMatrix() ? "m" : "x", Map.of("m", Transforms.identity()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tx.init(params(values())));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void maskedLeavesTheOthersUnchanged() {
        GradientTransformation tx = Transforms.masked(ParamSlot::isMatrix, Transforms.scale(3));
        assertArrayEquals(new float[] {1, 2, 9, 12, 15, 18}, run(tx, values(), new float[] {1, 2, 3, 4, 5, 6}));
    }

    @Test
    void learningRateIsNegatedAndAdjustableBetweenSteps() {
        GradientTransformation tx = Transforms.scaleByLearningRate(0.1);
        ParamSet p = params(values());
        OptState s = tx.init(p);
        float[] u = {1, 2, 3, 4, 5, 6};
        tx.update(u, s, p);
        assertArrayEquals(new float[] {-0.1f, -0.2f, -0.3f, -0.4f, -0.5f, -0.6f}, u);
        s.set("lr", 1.0);
        float[] u2 = {1, 2, 3, 4, 5, 6};
        tx.update(u2, s, p);
        assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6}, u2);
    }

    @Test
    void scheduledLearningRateFollowsTheCount() {
        // linear 1 → 0 over 4 steps: the updates use 1, 0.75, 0.5
        GradientTransformation tx = Transforms.scaleByLearningRate(Schedules.linear(1, 0, 4));
        ParamSet p = params(values());
        OptState s = tx.init(p);
        double[] seen = new double[3];
        for (int i = 0; i < 3; i++) {
            float[] u = {1, 1, 1, 1, 1, 1};
            tx.update(u, s, p);
            seen[i] = -u[0];
            assertEquals(seen[i], s.get("lr"), 1e-7);
        }
        assertArrayEquals(new double[] {1, 0.75, 0.5}, seen, 1e-7);
    }

    @Test
    void decayedWeightsAddLambdaThetaOnTheMaskOnly() {
        // u = g + 0.1·θ on the matrix: θ = 0.5, 3, -1, 2
        GradientTransformation tx = Transforms.addDecayedWeights(0.1, ParamSlot::isMatrix);
        float[] u = run(tx, values(), new float[] {1, 1, 1, 1, 1, 1});
        assertArrayEquals(new float[] {1, 1, 1.05f, 1.3f, 0.9f, 1.2f}, u, 1e-7f);
    }

    @Test
    void nesterovTraceIsMuTPlusG() {
        // step 1: t = g = 1, u = 0.9·1 + 1 = 1.9; step 2: t = 0.9 + 2 = 2.9, u = 0.9·2.9 + 2 = 4.61
        GradientTransformation tx = Transforms.trace(0.9, true);
        float[] u = run(tx, values(), new float[] {1, 1, 1, 1, 1, 1}, new float[] {2, 2, 2, 2, 2, 2});
        for (float x : u) assertEquals(4.61f, x, 1e-6f);
    }

    @Test
    void clipByGlobalNormScalesOnlyAboveTheLimit() {
        // ‖(3, 4, 0, 0, 0, 0)‖ = 5 → scaled by 1/(5 + 1e-6) (torch.nn.utils.clip_grad_norm_); a norm below the limit passes unchanged
        float[] u = run(Transforms.clipByGlobalNorm(1.0), values(), new float[] {3, 4, 0, 0, 0, 0});
        float coef = (float) (1.0 / (5 + 1e-6));
        assertArrayEquals(new float[] {3 * coef, 4 * coef, 0, 0, 0, 0}, u, 0f);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, 0, 0}, u, 2e-7f);
        float[] v = run(Transforms.clipByGlobalNorm(10.0), values(), new float[] {3, 4, 0, 0, 0, 0});
        assertArrayEquals(new float[] {3, 4, 0, 0, 0, 0}, v);
    }

    @Test
    void oneGlobalNormClipForTheLoopAndTheTransformation() {
        // a model-sized buffer over several tensors: the buffer form (the training loop's grad_clip), the
        // slot form and the transformation give the same bits; the result is g·(float)(max/(‖g‖ + 1e-6))
        java.util.Random r = new java.util.Random(4);
        int[] sizes = {70_000, 129, 40_000, 3};
        int n = 0;
        for (int k : sizes) n += k;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (float) r.nextGaussian();
        double sq = 0;
        for (float v : g) sq += (double) v * v;
        double max = 10;
        float[] a = g.clone();
        double norm = Transforms.clipGlobalNorm(a, max);
        // the parallel reduction sums squares in float lanes: ~1e-8 relative, far inside 1e-6
        assertEquals(Math.sqrt(sq), norm, 1e-6 * norm);
        float c = (float) (max / (norm + 1e-6));
        for (int i = 0; i < n; i++) assertEquals(g[i] * c, a[i], 0f, "element " + i);
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<int[]> shapes = new java.util.ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
            names.add("t" + k);
            shapes.add(new int[] {sizes[k]});
        }
        ParamSet ps = ParamSet.of(new float[n], names, shapes);
        float[] b = g.clone();
        Transforms.clipGlobalNorm(b, ps, max);
        assertArrayEquals(a, b);
        float[] u = g.clone();
        GradientTransformation tx = Transforms.clipByGlobalNorm(max);
        OptState st = tx.init(ps);
        tx.update(u, st, ps);
        assertArrayEquals(a, u);
        assertEquals(norm, st.get("last_norm"), 0.0);
        float[] small = {0.1f, 0.2f};
        Transforms.clipGlobalNorm(small, 1.0);          // coef ≥ 1: untouched
        assertArrayEquals(new float[] {0.1f, 0.2f}, small);
    }

    @Test
    void clipBoundsEachElement() {
        float[] u = run(Transforms.clip(0.5), values(), new float[] {-3, 0.25f, 0.5f, 0.75f, -0.5f, 0});
        assertArrayEquals(new float[] {-0.5f, 0.25f, 0.5f, 0.5f, -0.5f, 0}, u);
    }

    @Test
    void skipNonFiniteZeroesTheUpdateAndFreezesTheInnerState() {
        GradientTransformation tx = Transforms.skipNonFinite(Transforms.trace(0.5, false));
        ParamSet p = params(values());
        OptState s = tx.init(p);
        float[] u = {1, 1, 1, 1, 1, 1};
        tx.update(u, s, p);
        float[] bad = {1, Float.NaN, 1, 1, 1, 1};
        tx.update(bad, s, p);
        assertArrayEquals(new float[6], bad);
        assertEquals(1.0, s.get("notfinite_count"));
        float[] again = {1, 1, 1, 1, 1, 1};
        tx.update(again, s, p);
        // the trace saw steps 1 and 3 only: 0.5·1 + 1 = 1.5
        for (float x : again) assertEquals(1.5f, x);
        assertEquals(0.0, s.get("notfinite_count"));
        assertEquals(1.0, s.get("total_notfinite"));
    }

    @Test
    void accumulateEmitsTheMeanEveryKSteps() {
        GradientTransformation tx = Transforms.accumulate(3, Transforms.identity());
        ParamSet p = params(values());
        OptState s = tx.init(p);
        float[][] gs = {{1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2}, {6, 6, 6, 6, 6, 6}};
        for (int i = 0; i < 3; i++) {
            float[] u = gs[i].clone();
            tx.update(u, s, p);
            if (i < 2) assertArrayEquals(new float[6], u);
            else for (float x : u) assertEquals(3f, x);
        }
        float[] u = {9, 9, 9, 9, 9, 9};
        tx.update(u, s, p);
        assertArrayEquals(new float[6], u, "a new accumulation starts from zero");
    }

    @Test
    void parameterEmaTracksTheUpdatedParameters() {
        // ema₀ = θ; after an update u: ema = 0.9·θ + 0.1·(θ + u) = θ + 0.1·u
        float[] v = values();
        GradientTransformation tx = Transforms.parameterEma(0.9);
        ParamSet p = params(v);
        OptState s = tx.init(p);
        float[] u = {1, 1, 1, 1, 1, 1};
        tx.update(u, s, p);
        float[] ema = Transforms.emaValues(s);
        for (int i = 0; i < v.length; i++) assertEquals(v[i] + 0.1f, ema[i], 1e-6f);
    }

    @Test
    void lookaheadPullsTheFastWeightsBackEveryKSteps() {
        // inner = plain step of -1 per element (scale by -1 of g = 1); k = 2, α = 0.5.
        // θ0 = 1: step 1 fast = 0; step 2 fast would be -1 → slow = 1 + 0.5·(-1 − 1) = 0, θ ← 0.
        float[] v = {1, 1, 1, 1, 1, 1};
        GradientTransformation tx = Transforms.lookahead(Transforms.scale(-1), 2, 0.5);
        ParamSet p = params(v);
        OptState s = tx.init(p);
        for (int step = 0; step < 2; step++) {
            float[] u = {1, 1, 1, 1, 1, 1};
            tx.update(u, s, p);
            for (int i = 0; i < v.length; i++) v[i] += u[i];
        }
        for (float x : v) assertEquals(0f, x, 1e-7f);
    }

    @Test
    void stateExportsAndRestoresExactly() {
        GradientTransformation tx = Transforms.chain(Transforms.trace(0.9, false), Transforms.scaleByLearningRate(0.1));
        ParamSet p = params(values());
        OptState a = tx.init(p);
        float[] u = {1, 2, 3, 4, 5, 6};
        tx.update(u, a, p);
        OptState b = tx.init(p);
        Map<String, dev.descent.tensor.Tensor> tensors = new java.util.LinkedHashMap<>();
        for (var e : a.tensors().entrySet()) tensors.put(e.getKey(), e.getValue().copy());
        b.restore(tensors, a.scalars());
        assertEquals(a.scalars(), b.scalars());
        assertArrayEquals(a.tensors().get("0.trace").toArray(), b.tensors().get("0.trace").toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(Map.of(), a.scalars()));
        assertTrue(e.getMessage().contains("0.trace"), e.getMessage());
    }

    @Test
    void invalidHyperparametersNameTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Transforms.scaleByLearningRate(-1)).getMessage().startsWith("lr"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Transforms.trace(1.0, false)).getMessage().startsWith("momentum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Transforms.clipByGlobalNorm(0)).getMessage().startsWith("max_norm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Transforms.accumulate(0, Transforms.identity())).getMessage().startsWith("every_k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Transforms.lookahead(Transforms.identity(), 2, 1.5)).getMessage().startsWith("alpha"));
    }
}
