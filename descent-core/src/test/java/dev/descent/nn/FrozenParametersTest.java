package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frozen parameters, build-then-flatten, and module replacement. */
class FrozenParametersTest {
    private static final GptConfig CONFIG = new GptConfig(11, 8, 2, 2, 16, 0f, true);

    private static int[] tokens(long seed, int n) {
        int[] t = new int[n];
        float[] u = new float[n];
        Philox.stream(seed, "tokens").fillUniform(u, 0, n, 0);
        for (int i = 0; i < n; i++) t[i] = (int) (u[i] * CONFIG.vocabSize());
        return t;
    }

    /** Frozen: block 0, the (tied) token embedding and the final LayerNorm gain. */
    private static boolean frozenSubset(String name, Parameter p) {
        return name.startsWith("transformer.h.0.") || name.equals("transformer.wte.weight") || name.equals("transformer.ln_f.weight");
    }

    @Test
    void freezingKeepsTheTrainableGradientsAndStoresNoneForFrozen() {
        int[] x = tokens(1, 2 * 8);
        int[] y = tokens(2, 2 * 8);
        Gpt full = new Gpt(CONFIG, 7);
        FlatParameters all = full.flatten();
        Variable fullLoss = full.loss(x, y, 2, 8);
        fullLoss.backward();

        Gpt part = new Gpt(CONFIG, 7);
        int frozen = part.freeze(FrozenParametersTest::frozenSubset);
        FlatParameters flat = part.flatten();
        Variable partLoss = part.loss(x, y, 2, 8);
        partLoss.backward();

        assertEquals(Float.floatToIntBits(fullLoss.item()), Float.floatToIntBits(partLoss.item()));
        assertEquals(frozen, flat.frozen().size());
        assertEquals(14, frozen, "12 of block 0 (with biases), wte, ln_f.weight");
        long frozenSize = 0;
        for (Parameter p : flat.frozen()) {
            assertFalse(p.isTrainable());
            assertNull(p.grad(), p.name() + " has no gradient storage");
            assertThrows(IllegalStateException.class, p::gradForUpdate);
            assertArrayEquals(all.get(p.name()).value().toArray(), p.value().toArray(), p.name());
            frozenSize += p.size();
        }
        assertEquals(frozenSize, flat.frozenValues().length);
        assertEquals(all.size() - frozenSize, flat.size());
        assertEquals(flat.size(), flat.grads().length, "gradients only for the trainable parameters");
        assertEquals(full.parameterCount(), part.parameterCount());
        for (Parameter p : flat.list()) {
            // the same operations in the same order: the same bits
            assertArrayEquals(all.get(p.name()).grad().toArray(), p.grad().toArray(), p.name());
        }
        List<String> order = new ArrayList<>();
        for (Parameter p : flat.all()) order.add(p.name());
        assertEquals(new ArrayList<>(all.all().stream().map(Parameter::name).toList()), order, "model order kept");
    }

    @Test
    void frozenWeightsDoNotMoveUnderAnOptimizer() {
        for (String name : List.of("adamw", "muon", "sgd")) {
            MlpClassifier m = new MlpClassifier(3, 6, 8, 3);
            m.freeze((n, p) -> n.startsWith("net.0."));
            FlatParameters flat = m.flatten();
            float[] frozenBefore = flat.frozenValues().clone();
            float[] trainableBefore = flat.snapshot();
            Optimizer opt = OptimizerRegistry.defaults().create(name, flat, new HyperParams(Map.of("weight_decay", "0.1")));
            Tensor x = Tensor.zeros(5, 6);
            Philox.stream(4, "x").fillGaussian(x.data(), 0, x.size(), 0);
            for (int step = 0; step < 3; step++) {
                flat.zeroGrad();
                F.crossEntropy(m.forward(Variable.constant(x)), new int[] {0, 1, 2, 1, 0}).backward();
                opt.step();
            }
            assertArrayEquals(frozenBefore, flat.frozenValues(), name);
            assertNotEquals(java.util.Arrays.toString(trainableBefore), java.util.Arrays.toString(flat.values()), name);
            assertEquals(2, flat.frozen().size());
        }
    }

    @Test
    void frozenLinearWeightStillGivesTheInputGradient() {
        // loss = Σ tanh(x Wᵀ + b) with W frozen; dL/dx and dL/db against central differences (h = 1e-3,
        // float32 loss: round-off ≈ 2⁻²⁴·|L|/h ≈ 1e-4, truncation O(h²)).
        Linear lin = new Linear(4, 3, true);
        Philox.stream(5, "w").fillGaussian(lin.weight.value().data(), 0, 12, 0);
        Philox.stream(5, "b").fillGaussian(lin.bias.value().data(), 0, 3, 0);
        lin.weight.requiresGrad(false);
        FlatParameters flat = lin.flatten();
        assertEquals(3, flat.size());
        Tensor xv = Tensor.zeros(2, 4);
        Philox.stream(5, "x").fillGaussian(xv.data(), 0, 8, 0);
        Variable x = new Variable(xv, true);
        F.sum(F.tanh(lin.forward(x))).backward();
        assertNull(lin.weight.grad());
        float h = 1e-3f;
        for (int i = 0; i < 8; i++) {
            float keep = xv.data()[i];
            xv.data()[i] = keep + h;
            double up = F.sum(F.tanh(lin.forward(Variable.constant(xv)))).item();
            xv.data()[i] = keep - h;
            double down = F.sum(F.tanh(lin.forward(Variable.constant(xv)))).item();
            xv.data()[i] = keep;
            double numeric = (up - down) / (2 * h);
            assertEquals(numeric, x.grad().data()[i], 2e-2 * Math.abs(numeric) + 2e-4, "dx" + i);
        }
        float[] b = lin.bias.value().data();
        int bo = lin.bias.value().offset();
        for (int i = 0; i < 3; i++) {
            float keep = b[bo + i];
            b[bo + i] = keep + h;
            double up = F.sum(F.tanh(lin.forward(Variable.constant(xv)))).item();
            b[bo + i] = keep - h;
            double down = F.sum(F.tanh(lin.forward(Variable.constant(xv)))).item();
            b[bo + i] = keep;
            double numeric = (up - down) / (2 * h);
            assertEquals(numeric, lin.bias.grad().get(i), 2e-2 * Math.abs(numeric) + 2e-4, "db" + i);
        }
    }

    /** y = s · inner(x) with a learned scalar s (starts at 1), wrapping the module it replaces. */
    static final class Scaled extends Module implements Layer {
        final Parameter scale;

        Scaled(Module inner) {
            module("base", inner);
            scale = parameter("scale", ParameterRole.OTHER, 1);
            scale.value().fill(1f);
        }

        @Override
        public Variable forward(Variable x) {
            return F.mul(layer("base").forward(x), scale);
        }
    }

    @Test
    void modulesReplacedBeforeFlatteningRunAndAreNamed() {
        int[] x = tokens(1, 2 * 8);
        int[] y = tokens(2, 2 * 8);
        float reference = new Gpt(CONFIG, 7).loss(x, y, 2, 8).item();

        Gpt gpt = new Gpt(CONFIG, 7);
        Module old = gpt.get("transformer.h.1.mlp.c_fc");
        Scaled scaled = new Scaled(old);
        assertEquals(old, gpt.replace("transformer.h.1.mlp.c_fc", scaled));
        gpt.freeze((n, p) -> n.startsWith("transformer.h.1.mlp.c_fc.base."));
        FlatParameters flat = gpt.flatten();
        assertTrue(flat.contains("transformer.h.1.mlp.c_fc.base.weight"));
        assertFalse(flat.contains("transformer.h.1.mlp.c_fc.weight"));
        assertEquals("transformer.h.1.mlp.c_fc.scale", scaled.scale.name());
        assertEquals(2, flat.frozen().size());
        // ×1 is exact: the wrapped model computes the same loss; the scale gets a gradient and changes it.
        Variable loss = gpt.loss(x, y, 2, 8);
        assertEquals(Float.floatToIntBits(reference), Float.floatToIntBits(loss.item()));
        loss.backward();
        assertNotEquals(0f, scaled.scale.grad().get(0));
        scaled.scale.value().fill(0f);
        assertNotEquals(reference, gpt.loss(x, y, 2, 8).item());

        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> gpt.replace("transformer.h.0.mlp.c_fc", new Linear(16, 64, true)));
        assertTrue(late.getMessage().contains("already flattened"), late.getMessage());
        assertThrows(IllegalStateException.class, () -> gpt.freeze((n, p) -> true));
        assertThrows(IllegalStateException.class, () -> scaled.scale.requiresGrad(false));
    }

    @Test
    void replacementErrorsSayWhatIsWrong() {
        Gpt gpt = new Gpt(CONFIG, 7);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> gpt.replace("transformer.h.5.mlp", new Linear(16, 16, true)));
        assertEquals("no module 'transformer.h.5'; children of 'transformer.h': [0, 1]", missing.getMessage());
        IllegalArgumentException notLayer = assertThrows(IllegalArgumentException.class,
                () -> gpt.replace("transformer.h.0.attn.c_attn", new Embedding(3, 4)));
        assertTrue(notLayer.getMessage().contains("is a Layer"), notLayer.getMessage());
        // a replaced block (a Layer inside a ModuleList) is the one the forward runs
        Gpt other = new Gpt(CONFIG, 7);
        other.replace("transformer.h.1", new Scaled(other.get("transformer.h.1")));
        assertTrue(other.flatten().contains("transformer.h.1.base.mlp.c_fc.weight"));
        assertEquals(new Gpt(CONFIG, 7).loss(tokens(1, 8), tokens(2, 8), 1, 8).item(), other.loss(tokens(1, 8), tokens(2, 8), 1, 8).item());
    }

    @Test
    void optimizersRefuseAnEmptyTrainableSetAndFrozenNames() {
        MlpClassifier m = new MlpClassifier(3, 4, 2);
        m.requiresGrad(false);
        FlatParameters flat = m.flatten();
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> OptimizerRegistry.defaults().create("adamw", flat, HyperParams.empty()));
        assertEquals("no trainable parameters: all 2 parameters of the model are frozen, so an optimizer has nothing to update",
                empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamSet.of(flat));

        MlpClassifier half = new MlpClassifier(3, 4, 5, 2);
        half.freeze((n, p) -> p.role() == ParameterRole.BIAS);
        FlatParameters hf = half.flatten();
        IllegalArgumentException frozen = assertThrows(IllegalArgumentException.class,
                () -> ParamSet.of(hf, List.of("net.0.weight", "net.2.bias")));
        assertEquals("parameter 'net.2.bias' is frozen; only trainable parameters can be optimized (2 trainable, 2 frozen)",
                frozen.getMessage());
        ParamSet one = ParamSet.of(hf, List.of("net.2.weight"));
        assertEquals(1, one.count());
        assertEquals(hf.offset(1), one.slots().get(0).offset());
        assertNotNull(hf.trainable("net.0.weight"));
    }
}
