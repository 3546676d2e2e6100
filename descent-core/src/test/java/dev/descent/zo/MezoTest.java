package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.optim.Transforms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MeZO against the spec's worked example and an independent script; its skip path; its kinship with zo_sgd. */
class MezoTest {
    private static ParamSet set(float[] values, String name) {
        return ParamSet.of(values, List.of(name), List.of(new int[] {values.length}));
    }

    /**
     * specs/09_mezo.md worked example (worked_examples/mezo_example.py, float64): f = ½θᵀdiag(1,2,3)θ +
     * (0.5, −1, 0)·θ, θ = (1, −2, 0.5), z = (0.3, −1.2, 0.8), ε = 1e-3, lr 1e-2: ℓ₊ = 7.382652445,
     * ℓ₋ = 7.367352445, projected_grad = 7.65, θ_new = (0.97705, −1.9082, 0.4388). Here θ ± εz is
     * stored in float32: each perturbed element is off by ≤ 2⁻²⁴·2 ≈ 1.2e-7, which moves f by
     * ≤ ‖∇f‖·1.2e-7·√3 ≈ 1.5e-6 and the projected gradient by ≤ 2·1.5e-6/(2ε) = 1.5e-3; θ_new then by
     * ≤ lr·1.5e-3·1.2 ≈ 2e-5 (plus float32 rounding of θ_new, 1.2e-7).
     */
    @Test
    void workedExampleOfTheSpec() {
        float[] theta = {1f, -2f, 0.5f};
        double[] diag = {1, 2, 3};
        double[] c = {0.5, -1, 0};
        double[] evals = new double[2];
        int[] n = {0};
        ZoObjective f = () -> {
            double s = 0;
            for (int i = 0; i < 3; i++) s += 0.5 * diag[i] * theta[i] * theta[i] + c[i] * theta[i];
            if (n[0] < 2) evals[n[0]++] = s;
            return s;
        };
        Mezo m = new Mezo(set(theta, "w"), f, 1e-2, 1e-3, 0, 1, Directions.fixed(new float[] {0.3f, -1.2f, 0.8f}));
        m.step();
        assertEquals(7.382652445, evals[0], 1.5e-6);
        assertEquals(7.367352445, evals[1], 1.5e-6);
        assertEquals(7.65, m.projectedGradients()[0], 1.5e-3);
        assertEquals(0.97705, theta[0], 2e-5);
        assertEquals(-1.9082, theta[1], 2e-5);
        assertEquals(0.4388, theta[2], 2e-5);
        assertEquals(7.382652445, m.scalars().get("loss"), 1.5e-6, "the loss reported is ℓ₊ (q = 1)");
        assertEquals(2.0, m.scalars().get("queries"));
    }

    /**
     * q = 2 (n-SPSA): θ ← θ − η((g₁z₁ + g₂z₂)/2 + λθ). On the worked example's quadratic the central
     * difference is exact, gⱼ = zⱼᵀ∇f(θ), so the expected step is computed here in float64 from ∇f;
     * the tolerance is the float32 storage of θ ± εz (≤ 1.5e-3 on each gⱼ, see above) times η·|z|.
     */
    @Test
    void twoQueriesAverageTheirProjectedGradients() {
        float[] theta = {1f, -2f, 0.5f};
        double[] diag = {1, 2, 3};
        double[] c = {0.5, -1, 0};
        ZoObjective f = () -> {
            double s = 0;
            for (int i = 0; i < 3; i++) s += 0.5 * diag[i] * theta[i] * theta[i] + c[i] * theta[i];
            return s;
        };
        float[] z1 = {0.3f, -1.2f, 0.8f};
        float[] z2 = {-0.7f, 0.1f, 1.5f};
        double lr = 1e-2;
        double wd = 0.1;
        double[] grad = new double[3];
        for (int i = 0; i < 3; i++) grad[i] = diag[i] * theta[i] + c[i];
        double g1 = 0;
        double g2 = 0;
        for (int i = 0; i < 3; i++) {
            g1 += z1[i] * grad[i];
            g2 += z2[i] * grad[i];
        }
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) expected[i] = theta[i] - lr * ((g1 * z1[i] + g2 * z2[i]) / 2 + wd * theta[i]);
        Mezo m = new Mezo(set(theta, "w"), f, lr, 1e-3, wd, 2, Directions.fixed(z1, z2));
        m.step();
        assertEquals(g1, m.projectedGradients()[0], 1.5e-3);
        assertEquals(g2, m.projectedGradients()[1], 1.5e-3);
        for (int i = 0; i < 3; i++) assertEquals(expected[i], theta[i], 3e-5, "θ" + i);
        assertEquals(4.0, m.scalars().get("queries"));
    }

    /**
     * Three steps with seeded Gaussian directions (seed 11, μ = 1e-3, lr 0.05, weight decay 0.1 on the
     * decayed parameter "w") against src/test/resources/zo/spsa_golden.py, which regenerates the
     * directions from its own Philox and mirrors the float32 storage of θ (the update itself in float64).
     * Differences: the update's float32 arithmetic (a few ulps of θ) and, through it, the rounding of
     * θ ± μz in later steps, which moves the projected gradient by up to ~‖∇f‖·2⁻²³/μ ≈ 1e-3; so
     * projected gradients to 5e-3 and θ to 1e-3 (lr·5e-3·|z| ≤ 1e-3).
     */
    @Test
    void goldenStepsFromTheIndependentScript() {
        double[][] a = {{4, 1, 0, 0.5}, {1, 3, 0.2, 0}, {0, 0.2, 2, 0.3}, {0.5, 0, 0.3, 1}};
        double[] b = {0.5, -1, 0.25, 2};
        float[] t = {1f, -2f, 0.5f, 0.75f};
        ZoObjective f = () -> {
            double s = 0;
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) s += 0.5 * t[i] * a[i][j] * t[j];
                s += b[i] * t[i];
            }
            return s;
        };
        Mezo m = new Mezo(set(t, "w"), f, 0.05, 1e-3, 0.1, 1, 11, DirectionKind.GAUSSIAN);
        double[] pg = {-13.39357228576965, -5.1517897379469435, -2.910361910657855};
        double[] lossPlus = {10.930360128239055, 3.6626819192715967, 2.560725074238536};
        double[][] theta = {
                {0.8637229800224304, -1.0513215065002441, 0.11309538781642914, -0.030415968969464302},
                {0.7059063911437988, -0.8696026802062988, 0.512907087802887, -0.19857943058013916},
                {0.43994104862213135, -0.9474701881408691, 0.39618420600891113, -0.16153699159622192}};
        for (int s = 0; s < 3; s++) {
            m.step();
            assertEquals(pg[s], m.projectedGradients()[0], 5e-3, "projected gradient, step " + (s + 1));
            assertEquals(lossPlus[s], m.scalars().get("loss"), 1e-5, "loss+, step " + (s + 1));
            for (int i = 0; i < 4; i++) assertEquals(theta[s][i], t[i], 1e-3, "θ" + i + ", step " + (s + 1));
        }
    }

    /**
     * MeZO's update θ − fl(η·fl(g·z)) and zo_sgd's (central Gaussian SPSA into the gradient buffer,
     * then θ + fl(−η·fl(g·z))) round identically, so with the same seed, μ and lr (no momentum, no
     * decay) they take bit-identical steps: one checks the other's memory-saving update.
     */
    @Test
    void mezoEqualsZoSgdWithCentralGaussianSpsaBitForBit() {
        int d = 300;
        float[] x = new float[d];
        float[] y = new float[d];
        for (int i = 0; i < d; i++) x[i] = y[i] = (float) Math.cos(i);
        ZoObjective fx = () -> quartic(x);
        ZoObjective fy = () -> quartic(y);
        Map<String, String> h = Map.of("lr", "1e-3", "mu", "1e-2", "seed", "4");
        Optimizer mezo = ZerothOrderOptimizers.create("mezo", set(x, "w"), new float[d], new HyperParams(h), fx);
        Optimizer sgd = ZerothOrderOptimizers.create("zo_sgd", set(y, "w"), new float[d], new HyperParams(h), fy);
        for (int s = 0; s < 20; s++) {
            mezo.step();
            sgd.step();
        }
        for (int i = 0; i < d; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i);
        assertTrue(quartic(x) < quartic(new float[d]) + 1e9); // finite
    }

    private static double quartic(float[] p) {
        double s = 0;
        for (int i = 0; i < p.length; i++) s += 0.25 * Math.pow(p[i] - 0.1 * (i % 5), 4) + 0.5 * p[i] * p[i];
        return s;
    }

    @Test
    void nonFiniteEvaluationSkipsTheStepAndRestoresTheParameters() {
        int d = 64;
        float[] t = new float[d];
        for (int i = 0; i < d; i++) t[i] = (float) Math.sin(i + 1);
        int[] calls = {0};
        ZoObjective f = () -> ++calls[0] == 6 ? Double.POSITIVE_INFINITY : quartic(t);
        Mezo m = new Mezo(set(t, "w"), f, 1e-2, 1e-2, 0, 1, 0, DirectionKind.GAUSSIAN);
        m.step();
        m.step();
        assertNull(m.lastSkipReason());
        float[] before = t.clone();
        m.step(); // evaluations 5 and 6: the second is infinite
        assertEquals(1.0, m.scalars().get("skipped"));
        assertEquals(3.0, m.scalars().get("step"));
        assertNotNull(m.lastSkipReason());
        assertTrue(m.lastSkipReason().contains("step 3"), m.lastSkipReason());
        Direction z = Directions.seeded(DirectionKind.GAUSSIAN, 0).at(2, 0, d);
        for (int i = 0; i < d; i++) {
            double bound = Perturbation.restoreBound(before[i], 2 * 1e-2 * Math.abs(z.value(i)) * (1 + 1e-6), 3);
            assertTrue(Math.abs(t[i] - before[i]) <= bound, "element " + i + " moved by " + (t[i] - before[i]));
        }
        m.step();
        assertFalse(Double.isNaN(m.scalars().get("loss")));
        assertEquals(8.0, m.scalars().get("queries"));
    }

    @Test
    void zoOptimizerSkipsNonFiniteStepsWithoutTouchingItsState() {
        int d = 16;
        float[] t = new float[d];
        for (int i = 0; i < d; i++) t[i] = 0.1f * i;
        int[] calls = {0};
        ZoObjective f = () -> ++calls[0] == 3 ? Double.NaN : quartic(t);
        Optimizer adam = ZerothOrderOptimizers.create("zo_adam", set(t, "w"), new float[d], new HyperParams(Map.of("lr", "0.01")), f);
        adam.step();
        float[] m1 = adam.state().values().iterator().next().toArray();
        float[] before = t.clone();
        adam.step();
        assertEquals(1.0, adam.scalars().get("skipped"));
        assertNotNull(((ZoOptimizer) adam).lastSkipReason());
        float[] m2 = adam.state().values().iterator().next().toArray();
        for (int i = 0; i < d; i++) assertEquals(m1[i], m2[i], 0f, "first moment untouched");
        for (int i = 0; i < d; i++) assertEquals(before[i], t[i], Perturbation.restoreBound(before[i], 2e-3 * 6, 3));
        assertFalse(adam.needsGradients());
    }

    @Test
    void anyEstimatorWithAnyTransformation() {
        // Rademacher forward differences + clipping + a learning rate: a combination no registry entry has.
        int d = 8;
        float[] t = new float[d];
        java.util.Arrays.fill(t, 1f);
        float[] grads = new float[d];
        ZoObjective f = () -> {
            double s = 0;
            for (float v : t) s += 0.5 * v * v;
            return s;
        };
        ZoOptimizer opt = new ZoOptimizer("custom", set(t, "w"), grads,
                SpsaEstimator.seeded(SpsaEstimator.Scheme.FORWARD, DirectionKind.RADEMACHER, 0, 1e-3, 2),
                Transforms.chain(Transforms.clipByGlobalNorm(1.0), Transforms.scaleByLearningRate(0.1)), f, "lr");
        double start = f.loss();
        for (int s = 0; s < 300; s++) opt.step();
        assertTrue(f.loss() < 1e-3 * start, "loss " + f.loss() + " from " + start);
        assertEquals(900.0, opt.scalars().get("queries"), "q + 1 = 3 evaluations per step");
    }

    @Test
    void buildingByNameNeedsTheContext() {
        float[] t = new float[4];
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OptimizerRegistry.defaults().create("mezo", set(t, "w"), new float[4], HyperParams.empty()));
        assertTrue(e.getMessage().contains("ZoContext"), e.getMessage());
        try (var scope = ZoContext.use(() -> 0.0)) {
            Optimizer o = OptimizerRegistry.defaults().create("mezo", set(t, "w"), new float[4], HyperParams.empty());
            assertFalse(o.needsGradients());
            assertTrue(o.state().isEmpty(), "mezo keeps no state tensors");
        }
    }

    @Test
    void weightDecaySkipsBiasesAndLayerNorms() {
        // Roles from the model that built the parameters…
        FlatParameters gpt = new Gpt(new GptConfig(11, 8, 1, 2, 16, 0f, true), 1).parameters();
        ParamSet ps = ParamSet.of(gpt);
        java.util.function.Function<String, ParamSlot> slot = n -> ps.slots().stream().filter(s -> s.name().equals(n)).findFirst().orElseThrow();
        assertTrue(Mezo.decays(slot.apply("transformer.h.0.attn.c_attn.weight")));
        assertTrue(Mezo.decays(slot.apply("transformer.wte.weight")));
        assertFalse(Mezo.decays(slot.apply("transformer.h.0.attn.c_attn.bias")));
        assertFalse(Mezo.decays(slot.apply("transformer.h.0.ln_1.weight")));
        assertFalse(Mezo.decays(slot.apply("transformer.ln_f.weight")));
        // …and inferred from name and shape when there is no model (the reference's own names).
        assertFalse(Mezo.decays(new ParamSlot(0, "encoder.layer.0.output.LayerNorm.weight", new int[] {4}, 0, 0, 4)));
        assertFalse(Mezo.decays(new ParamSlot(0, "encoder.layer.0.output.dense.bias", new int[] {4}, 0, 0, 4)));
        assertTrue(Mezo.decays(new ParamSlot(0, "encoder.layer.0.output.dense.weight", new int[] {4, 4}, 0, 0, 16)));
    }

    /**
     * With q = 1 the restore and the update share one pass; the result must be, bit for bit, the four
     * separate passes of the reference (θ + μz, θ − 2μz, θ + μz, then θ − η(g·z + λθ) with decay on the
     * weight and not on the bias), written out here element by element.
     */
    @Test
    void fusedRestoreAndUpdateEqualTheSeparatePassesBitForBit() {
        int d = 5000;
        float[] x = new float[d];
        for (int i = 0; i < d; i++) x[i] = (float) Math.sin(0.37 * i) * 3;
        float[] ref = x.clone();
        ParamSet ps = ParamSet.of(x, List.of("w.weight", "w.bias"), List.of(new int[] {4000}, new int[] {1000}));
        Mezo mezo = new Mezo(ps, () -> quartic(x), 1e-3, 1e-2, 0.1, 1, 6, DirectionKind.GAUSSIAN);
        for (int step = 0; step < 3; step++) {
            mezo.step();
            Direction z = Directions.seeded(DirectionKind.GAUSSIAN, 6).at(step, 0, d);
            float m = 1e-2f;
            for (int i = 0; i < d; i++) ref[i] += m * z.value(i);
            double plus = quartic(ref);
            for (int i = 0; i < d; i++) ref[i] += -2 * m * z.value(i);
            double minus = quartic(ref);
            float g = (float) ((plus - minus) / (2 * 1e-2));
            for (int i = 0; i < d; i++) {
                float theta = ref[i] + m * z.value(i);
                float lambda = i < 4000 ? 0.1f : 0f;
                ref[i] = theta - 1e-3f * (g * z.value(i) + lambda * theta);
            }
        }
        for (int i = 0; i < d; i++) assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(x[i]), "element " + i);
    }
}
