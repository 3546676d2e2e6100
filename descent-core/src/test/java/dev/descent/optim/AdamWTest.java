package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.nn.ParameterRole;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** A matrix "w" [4, 5] (decays under the nanoGPT rule) and a vector "b" [3] (does not). */
    static final class Two extends Module {
        final Parameter w = parameter("w", ParameterRole.HIDDEN_MATRIX, 4, 5);
        final Parameter b = parameter("b", ParameterRole.BIAS, 3);
    }

    // Exactly representable in float32, and the same formulas in the Python script below.
    static float p0(int i) { return ((i * 7) % 11 - 5) / 8f; }

    static float g(int step, int i) { return ((i * 5 + 3 * step) % 13 - 6) / 16f; }

    /*
     * Golden values: an independent float64 NumPy implementation of torch.optim.AdamW's documented
     * algorithm (amsgrad=False), lr=0.05, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1 on "w" only
     * (flat indices 0..19), 3 steps, p = [p0(i)], m = v = 0:
     *
     *   for t in (1, 2, 3):
     *       gr = np.array([g(t, i) for i in range(23)])
     *       p = p * (1 - lr * wd * decay)                 # decoupled decay
     *       m = m + (1 - b1) * (gr - m)                   # exp_avg.lerp_(grad, 1 - beta1)
     *       v = b2 * v + (1 - b2) * gr * gr               # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
     *       bc1 = 1 - b1 ** t; bc2 = 1 - b2 ** t
     *       denom = np.sqrt(v) / np.sqrt(bc2) + eps
     *       p = p - (lr / bc1) * m / denom
     */
    static final double[] P3 = {
        -0.536700272093473, 0.14561355033138124, -0.11326442310606326, 0.6128465066667679,
        0.10707593132867033, -0.26296937786671787, 0.4063823535704381, -0.05788726013172998,
        -0.4522259489550539, 0.2566143653271069, 0.0003757091410288467, -0.692853155075865,
        0.2101490974647541, -0.16729719396847315, 0.5150166284563811, 0.2561386550189368,
        -0.372228368333232, 0.4764790094536703, 0.10643370025828211, -0.578692521429562,
        0.31657768375838913, -0.08412266913977509, -0.738526959230636,
    };
    static final double[] M3 = {
        0.0035624999999999962, 0.006999999999999999, -0.04724999999999999, 0.03743749999999999,
        -0.032249999999999994, -0.013374999999999998, -0.009937500000000002, 0.0016250000000000014,
        0.020499999999999997, 0.023937499999999994, -0.0303125, 0.054374999999999986,
        -0.015312499999999995, 0.0035624999999999962, 0.006999999999999999, -0.04724999999999999,
        0.03743749999999999, -0.032249999999999994, -0.013374999999999998, -0.009937500000000002,
        0.0016250000000000014, 0.020499999999999997, 0.023937499999999994,
    };
    static final double[] V3 = {
        0.0033442382812500027, 0.010226562500000008, 0.008015625000000007, 0.005801269531250005,
        0.011257812500000009, 0.003787109375000003, 0.01017626953125001, 0.00950976562500001,
        0.004015625000000004, 0.011391113281250009, 0.005344238281250004, 0.008701171875000007,
        0.009826660156250007, 0.0033442382812500027, 0.010226562500000008, 0.008015625000000007,
        0.005801269531250005, 0.011257812500000009, 0.003787109375000003, 0.01017626953125001,
        0.00950976562500001, 0.004015625000000004, 0.011391113281250009,
    };

    static FlatParameters fresh() {
        FlatParameters ps = FlatParameters.of(new Two());
        for (int i = 0; i < ps.size(); i++) ps.values()[i] = p0(i);
        return ps;
    }

    static void setGrads(FlatParameters ps, int step) {
        for (int i = 0; i < ps.size(); i++) ps.grads()[i] = g(step, i);
    }

    static TransformOptimizer optimizer(FlatParameters ps) {
        return AdamW.nanoGpt(ps, 0.05, 0.9, 0.95, 0.1);
    }

    @Test
    void threeStepsMatchFloat64Reference() {
        FlatParameters ps = fresh();
        TransformOptimizer opt = optimizer(ps);
        for (int t = 1; t <= 3; t++) {
            setGrads(ps, t);
            opt.step();
        }
        assertEquals(3, opt.stepCount());
        // float32 arithmetic on parameters of size ≤ 1 and steps of size ≤ lr·(a few): absolute error a
        // few ulps of 1, so |Δ| ≤ 1e-6·max(1, |ref|) (element 10 ends near 4e-4, where a purely relative
        // bound would measure cancellation, not the optimizer).
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(P3[i], ps.values()[i], 1e-6 * Math.max(1, Math.abs(P3[i])), "p[" + i + "]");
        }
        Map<String, Tensor> st = opt.state();
        // the state of the composition optax.adamw = chain(scale_by_adam, add_decayed_weights, scale_by_learning_rate),
        // flat over the parameters in order (w, then b)
        float[] m = st.get("0.mu").toArray();
        float[] v = st.get("0.nu").toArray();
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(M3[i], m[i], 1e-6 * Math.abs(M3[i]) + 1e-9, "m[" + i + "]");
            assertEquals(V3[i], v[i], 1e-6 * V3[i], "v[" + i + "]");
        }
    }

    @Test
    void nanoGptDecaysOnlyRankTwoAndAbove() {
        Gpt gpt = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, true), 1);
        FlatParameters ps = gpt.parameters();
        for (int i = 0; i < ps.size(); i++) ps.values()[i] = 0.5f + (i % 7) / 8f; // non-zero everywhere
        float[] before = ps.snapshot();
        ps.zeroGrad(); // zero gradient: m = v = 0 and the Adam step is 0/(0+eps) = 0, only decay acts
        var opt = AdamW.nanoGpt(ps, 0.1, 0.9, 0.95, 0.2);
        opt.step();
        float factor = (float) (1 - 0.1 * 0.2);
        int decayed = 0;
        for (Parameter p : ps.list()) {
            boolean decays = p.name().endsWith(".weight") && !p.name().contains(".ln_");
            assertEquals(decays, p.rank() >= 2, p.name());
            for (int j = 0; j < p.size(); j++) {
                int f = p.value().offset() + j;
                float expected = decays ? before[f] * factor : before[f];
                assertEquals(expected, ps.values()[f], Math.ulp(expected), p.name());
            }
            if (decays) decayed++;
        }
        assertEquals(2 + 2 * 4, decayed); // wte, wpe, and c_attn, attn.c_proj, c_fc, mlp.c_proj per layer
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        FlatParameters a = fresh();
        TransformOptimizer optA = optimizer(a);
        for (int t = 1; t <= 2; t++) {
            setGrads(a, t);
            optA.step();
        }
        Map<String, Tensor> saved = new LinkedHashMap<>();
        for (var e : optA.state().entrySet()) saved.put(e.getKey(), e.getValue().copy());
        float[] values = a.snapshot();

        FlatParameters b = fresh();
        System.arraycopy(values, 0, b.values(), 0, values.length);
        TransformOptimizer optB = optimizer(b);
        optB.loadState(saved, optA.scalars());
        assertEquals(2, optB.stepCount());
        for (int t = 3; t <= 4; t++) {
            setGrads(a, t);
            setGrads(b, t);
            optA.step();
            optB.step();
        }
        assertArrayEquals(a.values(), b.values());
        for (var e : optA.state().entrySet()) {
            assertArrayEquals(e.getValue().toArray(), optB.state().get(e.getKey()).toArray());
        }

        // a fresh optimizer without the state does not continue identically (bias correction, moments)
        FlatParameters c = fresh();
        System.arraycopy(values, 0, c.values(), 0, values.length);
        TransformOptimizer optC = optimizer(c);
        setGrads(c, 3);
        optC.step();
        setGrads(c, 4);
        optC.step();
        assertTrue(!java.util.Arrays.equals(a.values(), c.values()));

        Map<String, Tensor> missing = new LinkedHashMap<>(saved);
        missing.remove("0.nu");
        var e1 = assertThrows(IllegalArgumentException.class, () -> optB.loadState(missing, optA.scalars()));
        assertTrue(e1.getMessage().contains("0.nu"));
        Map<String, Tensor> wrong = new LinkedHashMap<>(saved);
        wrong.put("0.mu", Tensor.zeros(saved.get("0.mu").size() + 1));
        assertThrows(IllegalArgumentException.class, () -> optB.loadState(wrong, Map.of("step", 2.0)));
    }

    @Test
    void invalidHyperparametersNameTheParameter() {
        FlatParameters ps = fresh();
        assertNamed("lr", () -> AdamW.optimizer(ps, -1e-3, 0.9, 0.999, 1e-8, 0.01, p -> true));
        assertNamed("lr", () -> AdamW.optimizer(ps, Double.NaN, 0.9, 0.999, 1e-8, 0.01, p -> true));
        assertNamed("beta1", () -> AdamW.optimizer(ps, 1e-3, 1.0, 0.999, 1e-8, 0.01, p -> true));
        assertNamed("beta1", () -> AdamW.optimizer(ps, 1e-3, -0.1, 0.999, 1e-8, 0.01, p -> true));
        assertNamed("beta2", () -> AdamW.optimizer(ps, 1e-3, 0.9, 1.5, 1e-8, 0.01, p -> true));
        assertNamed("eps", () -> AdamW.optimizer(ps, 1e-3, 0.9, 0.999, -1e-8, 0.01, p -> true));
        assertNamed("weight_decay", () -> AdamW.optimizer(ps, 1e-3, 0.9, 0.999, 1e-8, -0.01, p -> true));
        assertNamed("weight_decay", () -> AdamW.optimizer(ps, 1e-3, 0.9, 0.999, 1e-8, Double.POSITIVE_INFINITY, p -> true));
        TransformOptimizer ok = optimizer(ps);
        assertNamed("lr", () -> ok.setLearningRate(-1));
        ok.setLearningRate(0.5);
        assertEquals(0.5, ok.learningRate());
        assertEquals("adamw", ok.name());
    }

    static void assertNamed(String name, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
    }
}
