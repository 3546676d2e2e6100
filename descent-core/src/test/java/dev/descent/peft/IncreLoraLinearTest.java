package dev.descent.peft;

import static dev.descent.peft.VariantFixture.IN;
import static dev.descent.peft.VariantFixture.N;
import static dev.descent.peft.VariantFixture.OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncreLoraLinearTest {
    private static final int MAX = 4;
    private static final double ALPHA = 3.0;

    /** The fixture's 5→4 layer with room for 4 components: 2 active, 1 reserve, 1 off; λ of the active ones set non-zero. */
    private static IncreLoraLinear layer() {
        IncreLoraLinear l = new IncreLoraLinear(VariantFixture.base(), "default", MAX, ALPHA, 0, null);
        Philox rng = Philox.stream(5, "test");
        l.initialise(2, rng);
        l.setComponents(2, 1, rng, 1000);
        Tensor lv = l.lambda().value();
        lv.data()[lv.offset()] = 0.7f;
        lv.data()[lv.offset() + 1] = -0.4f;
        for (Parameter p : new Parameter[] {l.loraA(), l.loraB()}) { // larger factors than N(0, 0.02²) so the products are visible
            for (int i = 0; i < p.size(); i++) p.value().data()[p.value().offset() + i] *= 40f;
        }
        return l;
    }

    /** y = x W0ᵀ + (α/ρ) x A_{:n}ᵀ (B_{:,:n} diag(λ_{:n}))ᵀ: the PEFT LoRA form of the same layer (n = active + reserve). */
    @Test
    void forwardIsThePeftLoraProductOfTheUsedComponents() {
        IncreLoraLinear l = layer();
        Tensor y = VariantFixture.forward(l);
        int n = l.rank() + l.reserve();
        float[] fb = l.foldedB();
        float[] w0 = VariantFixture.w0();
        Tensor x = VariantFixture.x();
        for (int i = 0; i < N; i++) {
            for (int o = 0; o < OUT; o++) {
                double e = 0;
                for (int j = 0; j < IN; j++) {
                    double d = 0;
                    for (int k = 0; k < n; k++) d += fb[o * n + k] * l.loraA().value().get(k * IN + j);
                    e += x.get(i * IN + j) * (w0[o * IN + j] + ALPHA / 2 * d);
                }
                assertEquals(e, y.get(i * OUT + o), 1e-5 * Math.max(1, Math.abs(e)));
            }
        }
    }

    /** Finite differences of the backward for A, B, the active λ and x; reserve λ and off components get exactly zero. */
    @Test
    void backwardMatchesFiniteDifferencesAndMasks() {
        IncreLoraLinear l = layer();
        Tensor w = VariantFixture.c();
        VariantFixture.backward(l);
        for (Parameter p : new Parameter[] {l.loraA(), l.loraB()}) {
            float[] g = new float[p.size()];
            for (int i = 0; i < g.length; i++) g[i] = p.grad().get(i);
            VariantFixture.finiteDifferences(p.name(), () -> VariantFixture.forward(l), w, p.value(), g);
        }
        for (int j = 0; j < IN; j++) assertEquals(0f, l.loraA().grad().get(3 * IN + j), "off component: no gradient");
        for (int o = 0; o < OUT; o++) assertEquals(0f, l.loraB().grad().get(o * MAX + 3), "off component: no gradient");
        assertEquals(0f, l.lambda().grad().get(2), "reserve λ is fixed");
        assertEquals(0f, l.lambda().grad().get(3), "off λ");
        // λ of the active components, by finite differences one at a time.
        double h = 1e-2;
        for (int k = 0; k < 2; k++) {
            Tensor lv = l.lambda().value();
            float l0 = lv.get(k);
            lv.data()[lv.offset() + k] = (float) (l0 + h);
            double fp = dot(VariantFixture.forward(l), w);
            lv.data()[lv.offset() + k] = (float) (l0 - h);
            double fm = dot(VariantFixture.forward(l), w);
            lv.data()[lv.offset() + k] = l0;
            double num = (fp - fm) / (2 * h);
            assertEquals(num, l.lambda().grad().get(k), 1e-2 * Math.abs(num) + 1e-4, "dL/dλ" + k);
        }
        VariantFixture.inputGradientMatchesFiniteDifferences(l, w);
    }

    /** The importance the backward keeps is Σ|ΔW ⊙ G|/√(out·in) with G = cᵀ x computed here independently. */
    @Test
    void importanceIsThatOfTheProductAndItsGradient() {
        IncreLoraLinear l = layer();
        VariantFixture.backward(l);
        float[] d = l.delta();
        double[] delta = new double[d.length];
        double[] grad = new double[d.length];
        Tensor x = VariantFixture.x();
        Tensor c = VariantFixture.c();
        for (int o = 0; o < OUT; o++) {
            for (int j = 0; j < IN; j++) {
                delta[o * IN + j] = d[o * IN + j];
                double g = 0;
                for (int i = 0; i < N; i++) g += c.get(i * OUT + o) * x.get(i * IN + j);
                grad[o * IN + j] = g;
            }
        }
        double expected = IncreLoraAllocator.importance(delta, grad);
        assertTrue(expected > 0);
        assertEquals(expected, l.lastImportance(), 1e-5 * expected);
    }

    /** Under AdamW with weight decay, the off component stays exactly zero and its optimizer state stays zero. */
    @Test
    void offComponentsStayZeroAndCarryNoOptimizerState() {
        IncreLoraLinear l = layer();
        VariantFixture.Holder root = new VariantFixture.Holder(l);
        root.freeze((name, p) -> name.startsWith("x.base_layer."));
        FlatParameters params = root.flatten();
        Optimizer adam = Optimizers.adamw().lr(0.05).weightDecay(0.1).build(params);
        for (int step = 0; step < 4; step++) {
            VariantFixture.backward(l);
            adam.step();
            l.holdReserves(); // what IncreLoraOptimizer does after each step
            adam.zeroGrad();
        }
        for (int j = 0; j < IN; j++) assertEquals(0f, l.loraA().value().get(3 * IN + j));
        for (int o = 0; o < OUT; o++) assertEquals(0f, l.loraB().value().get(o * MAX + 3));
        assertEquals(0f, l.lambda().value().get(3));
        assertEquals(IncreLoraLinear.RESERVE_LAMBDA, l.lambda().value().get(2), "the reserve λ does not move");
        int checked = 0;
        for (int i = 0; i < params.list().size(); i++) {
            Parameter p = params.list().get(i);
            int off = params.offset(i);
            for (Map.Entry<String, Tensor> e : adam.state().entrySet()) {
                if (e.getValue().size() != params.size()) continue;
                if (p == l.loraA()) for (int j = 0; j < IN; j++) { assertEquals(0f, e.getValue().get(off + 3 * IN + j), e.getKey()); checked++; }
                if (p == l.loraB()) for (int o = 0; o < OUT; o++) { assertEquals(0f, e.getValue().get(off + o * MAX + 3), e.getKey()); checked++; }
                if (p == l.lambda()) { assertEquals(0f, e.getValue().get(off + 3), e.getKey()); assertEquals(0f, e.getValue().get(off + 2), e.getKey()); checked += 2; }
            }
        }
        assertTrue(checked > 0, "the optimizer's moment buffers were found");
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += (double) a.get(i) * b.get(i);
        return s;
    }
}
