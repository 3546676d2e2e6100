package dev.descent.peft;

import static dev.descent.peft.VariantFixture.IN;
import static dev.descent.peft.VariantFixture.OUT;
import static dev.descent.peft.VariantFixture.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoraProTest {
    /** A LoRA layer over W0 with r = 2, α = 4 (s = 2) and the fixture's A and B (B ≠ 0, so that X matters). */
    private static LoraLinear layer() {
        LoraLinear l = new LoraLinear(VariantFixture.base(), null);
        LoraLinear.Adapter ad = l.addAdapter("default", "x", R, 4, 2.0, 0, LoraConfig.Init.NONE, 0);
        VariantFixture.set(ad.loraA(), VariantFixture.a0());
        VariantFixture.set(ad.loraB(), VariantFixture.b0());
        return l;
    }

    /**
     * Golden values from {@code bench/golden/lora_variants.py} (torch autograd in float64 for the LoRA
     * gradients, then the paper's Theorem 2.1/2.3 formulas with numpy's pinv and the Sylvester equation
     * solved as a Kronecker linear system): the adjusted gradients after one backward, and A, B after
     * two SGD steps (lr 0.1) on the adjusted gradients through {@link LoraProOptimizer}.
     */
    @Test
    void adjustedGradientsAndTwoStepsMatchTheIndependentComputation() {
        double[] adjustedA = {0.22598509784603163, 0.18580996844570116, 0.19454149277323524, 0.1416827189883815, -0.12409793870557656,
            0.5297176634247075, -0.19745639751476296, -0.21461313961978193, -0.2848705470869716, -0.8428442967111305};
        double[] adjustedB = {0.9892098007300109, -0.6787578257747603, -0.20597580414641264, -0.4238749166469641, -1.367705264530656,
            0.4261119601498673, -0.991881534464029, 0.7257073933082083};
        double[] twoStepsA = {0.1599554490624481, 0.38485817423500157, -0.09525745507056414, -0.41838532853764104, 0.00047508886995865224,
            0.23138859668738004, 0.022132844949078648, -0.40714761118381726, -0.12009222155921635, 0.5295099079923153};
        double[] twoStepsB = {-0.02986558234003353, 0.33978658898419023, -0.18706980729520692, -0.012240847049667044, 0.5367303221359998,
            -0.1727073973226244, -0.04901386197926165, 0.08057736532794711};
        LoraLinear l = layer();
        VariantFixture.Holder root = new VariantFixture.Holder(l);
        root.freeze((name, p) -> !name.contains(".lora_"));
        FlatParameters params = root.flatten();
        Optimizer sgd = Optimizers.sgd().lr(VariantFixture.LR).build(params);
        LoraProOptimizer pro = new LoraProOptimizer(sgd, Lora.adapterPairs(root, "default"));
        LoraLinear.Adapter ad = l.adapters().get("default");

        VariantFixture.backward(l);
        pro.adjustGradients();
        VariantFixture.assertClose(adjustedA, ad.loraA().grad(), 1e-4, "adjusted g_A");
        VariantFixture.assertClose(adjustedB, ad.loraB().grad(), 1e-4, "adjusted g_B");

        Arrays.fill(params.grads(), 0f);
        for (int step = 0; step < 2; step++) {
            VariantFixture.backward(l);
            pro.step();
            pro.zeroGrad();
        }
        VariantFixture.assertClose(twoStepsA, ad.loraA().value(), 1e-4, "A after two steps");
        VariantFixture.assertClose(twoStepsB, ad.loraB().value(), 1e-4, "B after two steps");
    }

    /**
     * The optimality condition of the least-squares problem min ‖s·B g_A + s·g_B A − G‖: for a random
     * full gradient G (independent of the code), with the LoRA gradients it induces (g_A = s·Bᵀ G,
     * g_B = s·G Aᵀ), the residual G − g̃ of the adjusted equivalent gradient is orthogonal to the
     * feasible set (Bᵀ(G − g̃) = 0 and (G − g̃) Aᵀ = 0), and no worse than plain LoRA's.
     */
    @Test
    void equivalentGradientIsTheLeastSquaresApproximationOfTheFullGradient() {
        int r = 3, in = 7, out = 6;
        double s = 0.5;
        Philox rng = Philox.stream(7, "lora-pro/optimality");
        double[] a = gaussian(rng, r * in, 0), b = gaussian(rng, out * r, 1), g = gaussian(rng, out * in, 2);
        double[] ga = LoraPro.tMul(b, g, out, r, in);                 // s·Bᵀ G
        double[] gb = LoraPro.mulT(g, a, out, in, r);                 // s·G Aᵀ
        for (int i = 0; i < ga.length; i++) ga[i] *= s;
        for (int i = 0; i < gb.length; i++) gb[i] *= s;
        double[][] adj = LoraPro.adjusted(a, b, ga, gb, r, in, out, s);
        double[] eq = LoraPro.equivalentGradient(a, b, adj[0], adj[1], r, in, out, s);
        double[] res = new double[g.length];
        for (int i = 0; i < g.length; i++) res[i] = g[i] - eq[i];
        double scale = norm(g); // the δ = 1e-8 regulariser of the inverses leaves residuals of order δ·‖G‖
        for (double v : LoraPro.tMul(b, res, out, r, in)) assertEquals(0, v, 1e-6 * scale, "Bᵀ(G − g̃)");
        for (double v : LoraPro.mulT(res, a, out, in, r)) assertEquals(0, v, 1e-6 * scale, "(G − g̃)Aᵀ");
        double[] plain = LoraPro.equivalentGradient(a, b, ga, gb, r, in, out, s);
        for (int i = 0; i < g.length; i++) plain[i] = g[i] - plain[i];
        assertTrue(norm(res) < norm(plain), "LoRA-Pro's residual " + norm(res) + " is below plain LoRA's " + norm(plain));
        // Any other feasible point (here: perturbed adjusted gradients) is farther from G.
        double[] pa = adj[0].clone(), pb = adj[1].clone();
        pa[0] += 1e-2;
        pb[1] -= 1e-2;
        double[] other = LoraPro.equivalentGradient(a, b, pa, pb, r, in, out, s);
        for (int i = 0; i < g.length; i++) other[i] = g[i] - other[i];
        assertTrue(norm(other) > norm(res));
    }

    /** X (the Sylvester solution) moves the pair only along directions that cancel in the product: with B = 0 nothing changes g_A. */
    @Test
    void firstStepOfTheDefaultInitialisationScalesOnlyB() {
        int r = 2, in = 5, out = 4;
        double s = 2;
        double[] a = new double[r * in];
        for (int i = 0; i < a.length; i++) a[i] = VariantFixture.a0()[i];
        double[] b = new double[out * r];
        double[] ga = new double[r * in];
        double[] gb = new double[out * r];
        for (int i = 0; i < gb.length; i++) gb[i] = Math.cos(i);
        double[][] adj = LoraPro.adjusted(a, b, ga, gb, r, in, out, s);
        for (double v : adj[0]) assertEquals(0, v, 0);
        // g_B = (1/s²) g_B^lora (AAᵀ)⁻¹: check (g_B s²)(AAᵀ) = g_B^lora.
        double[] aat = LoraPro.mulT(a, a, r, in, r);
        double[] back = LoraPro.mul(adj[1], aat, out, r, r);
        for (int i = 0; i < back.length; i++) assertEquals(gb[i], back[i] * s * s, 1e-6);
    }

    @Test
    void refusesOptimizersThatTakeNoGradient() {
        LoraLinear l = layer();
        VariantFixture.Holder root = new VariantFixture.Holder(l);
        root.freeze((name, p) -> !name.contains(".lora_"));
        FlatParameters params = root.flatten();
        Optimizer zo = new Optimizer() {
            public void step() {}
            public void zeroGrad() {}
            public double learningRate() { return 0; }
            public void setLearningRate(double lr) {}
            public long stepCount() { return 0; }
            public Map<String, Tensor> state() { return Map.of(); }
            public Map<String, Double> scalars() { return Map.of(); }
            public void loadState(Map<String, Tensor> t, Map<String, Double> s) {}
            public String name() { return "mezo"; }
            public boolean needsGradients() { return false; }
        };
        PeftException e = assertThrows(PeftException.class, () -> new LoraProOptimizer(zo, Lora.adapterPairs(root, "default")));
        assertTrue(e.getMessage().contains("mezo"), e.getMessage());
        assertThrows(PeftException.class, () -> new LoraProOptimizer(Optimizers.sgd().build(params), List.of()));
    }

    private static double[] gaussian(Philox rng, int n, long counter) {
        float[] f = new float[n];
        rng.fillGaussian(f, 0, n, counter * 1000);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = f[i];
        return d;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
