package dev.descent.peft;

import static dev.descent.peft.VariantFixture.IN;
import static dev.descent.peft.VariantFixture.OUT;
import static dev.descent.peft.VariantFixture.R;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Linear;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HutTest {
    /** r = 2, lora_alpha = 16: s = 8. */
    private static final LoraConfig CONFIG = LoraConfig.of(LoraConfig.Targets.names(List.of("x"))).withRank(R, 16);

    @TempDir
    Path tmp;

    /** The fixture's layer with HUT at r = 2, s = 8, A = f(4, ·, 0.4), B = f(5, ·, 0.3). */
    private static VariantFixture.Holder golden() {
        VariantFixture.Holder root = new VariantFixture.Holder(VariantFixture.base());
        Lora.Applied applied = Hut.apply(root, CONFIG, "default", 1, null);
        assertEquals(R * (IN + OUT), applied.trainable(), "r·(in + out), LoRA's count");
        HutLinear l = layer(root);
        VariantFixture.set(l.hutA(), VariantFixture.a0());
        VariantFixture.set(l.hutB(), VariantFixture.b0());
        return root;
    }

    private static HutLinear layer(VariantFixture.Holder root) { return (HutLinear) root.get("x"); }

    /**
     * Golden values from {@code bench/golden/tera_hut.py} (torch autograd in float64 on W = W₀ ⊙ (1 + s·B A)):
     * the update at the start, the gradients of L = Σ c ⊙ y with respect to A and B, and the update after
     * two SGD steps with lr 0.1.
     */
    @Test
    void updateGradientsAndTwoStepsMatchTheIndependentComputation() {
        double[] delta = {0.042990701153881525, 0.1215913898476344, -0.28440686116464275, -0.3159975596203094, 0.32067617479456534,
            -0.2542297259963715, -0.3035235930634162, 0.0866257660979804, 0.03671798593307052, 0.033221862851166906, -0.020544422848519428,
            -0.37224718837494053, -0.0445687439536806, 0.4181228267704066, 0.10334782224997635, -0.12823536544592778, 0.08395104808076234,
            -0.029343391544313768, 0.12519322443597364, 0.24325925591439201};
        double[] gradA = {0.7061037644046109, 0.5948523242774045, 0.4123926839866478, -0.49015246743968416, -1.926410959171629,
            0.3156922202218912, 0.4713672960314897, 0.4020313146474104, 0.237381587395743, 0.16544306655771268};
        double[] gradB = {0.3243821970668849, -2.2902411548384887, 0.1619258904016248, -1.2243303714475866, 2.578834209536649,
            -0.08954984151050292, 1.2563953725980885, 1.8211876460439296};
        double[] twoSteps = {0.11088956256922591, -0.003320011683106222, -1.274826174935876, -0.7903735350089016, 1.4459262186599624,
            0.14132659909641454, -0.3548048357736907, -0.12349387960196546, 0.020040826154557552, 0.0022508917353293023,
            0.07986340234758368, 0.08887642687068342, -0.1878595792229144, -0.17405807622162284, 0.1808536431573518,
            0.24389053791917917, 0.18771810342288892, 0.05998441473514904, 0.39244317827941566, -0.6331104708037347};
        VariantFixture.Holder root = golden();
        HutLinear l = layer(root);
        VariantFixture.assertClose(delta, l.delta(), 1e-6, "s·W₀ ⊙ B A");
        FlatParameters params = root.flatten();
        VariantFixture.backward(l);
        VariantFixture.assertClose(gradA, l.hutA().grad(), 1e-5, "dL/dA");
        VariantFixture.assertClose(gradB, l.hutB().grad(), 1e-5, "dL/dB");
        Optimizer sgd = Optimizers.sgd().lr(VariantFixture.LR).build(params);
        sgd.step();
        sgd.zeroGrad();
        VariantFixture.backward(l);
        sgd.step();
        VariantFixture.assertClose(twoSteps, l.delta(), 1e-5, "update after two steps");
    }

    /** Finite differences of the backward with respect to A, B and the input. */
    @Test
    void backwardMatchesFiniteDifferences() {
        HutLinear l = layer(golden());
        Tensor w = VariantFixture.c();
        VariantFixture.backward(l);
        VariantFixture.finiteDifferences("dL/dA", () -> VariantFixture.forward(l), w, l.hutA().value(), l.hutA().grad().toArray());
        VariantFixture.finiteDifferences("dL/dB", () -> VariantFixture.forward(l), w, l.hutB().value(), l.hutB().grad().toArray());
        VariantFixture.inputGradientMatchesFiniteDifferences(l, w);
    }

    /** B = 0 at the start (W = W₀), A drawn as LoRA's A; only A and B train. */
    @Test
    void startsAtTheBase() {
        VariantFixture.Holder root = new VariantFixture.Holder(VariantFixture.base());
        Tensor before = VariantFixture.forward(root.get("x"));
        Hut.apply(root, CONFIG, "default", 3, null);
        HutLinear l = layer(root);
        assertArrayEquals(before.toArray(), VariantFixture.forward(l).toArray());
        float bound = (float) (1 / Math.sqrt(IN));
        boolean nonZero = false;
        for (float v : l.hutA().value().toArray()) {
            assertTrue(Math.abs(v) <= bound);
            nonZero |= v != 0;
        }
        assertTrue(nonZero);
        assertTrue(!root.namedParameters().get("x.base_layer.weight").isTrainable());
        assertTrue(root.namedParameters().get("x.hut_A.default.weight").isTrainable());
    }

    /** The update is tied to W₀: zero wherever W₀ is zero, whatever A and B. */
    @Test
    void updateVanishesWhereTheBaseWeightDoes() {
        VariantFixture.Holder root = golden();
        HutLinear l = layer(root);
        Tensor w = l.base().weight.value();
        w.set(3, 0f);
        w.set(17, 0f);
        double[] d = l.delta();
        assertEquals(0, d[3], 0);
        assertEquals(0, d[17], 0);
        assertTrue(d[4] != 0);
    }

    /** Merge writes W₀ ⊙ (J + s·B A) into the base (same forward); unmerge restores W₀ bit for bit. */
    @Test
    void mergeAndUnmerge() {
        HutLinear l = layer(golden());
        float[] w0 = VariantFixture.w0();
        Tensor y = VariantFixture.forward(l);
        double[] d = l.delta();
        Hut.merge(new VariantFixture.Holder(l));
        assertTrue(l.merged());
        float[] merged = l.base().weight.value().toArray();
        for (int i = 0; i < w0.length; i++) assertEquals(w0[i] + d[i], merged[i], 1e-6);
        VariantFixture.assertClose(d, l.delta(), 0, "the update while merged is computed from the kept W₀");
        Tensor ym = VariantFixture.forward(l);
        for (int i = 0; i < y.size(); i++) assertEquals(y.get(i), ym.get(i), 1e-5);
        l.unmerge();
        assertArrayEquals(w0, l.base().weight.value().toArray());
        assertArrayEquals(y.toArray(), VariantFixture.forward(l).toArray());
        assertThrows(IllegalStateException.class, l::unmerge);
    }

    /** Save then load onto a fresh base: the same factors and outputs, bit for bit. */
    @Test
    void savedAdapterLoadsBack() throws Exception {
        VariantFixture.Holder root = golden();
        Path dir = tmp.resolve("hut");
        Hut.save(dir, root, CONFIG);
        assertTrue(Files.readString(dir.resolve(AdapterFiles.CONFIG)).contains("\"peft_type\" : \"HUT\""));
        Map<String, Tensor> saved = dev.descent.io.Safetensors.read(dir.resolve(AdapterFiles.WEIGHTS)).tensors();
        assertEquals(java.util.Set.of("base_model.model.x.hut_A.weight", "base_model.model.x.hut_B.weight"), saved.keySet());
        VariantFixture.Holder fresh = new VariantFixture.Holder(VariantFixture.base());
        LoraConfig read = AdapterFiles.loadAny(dir, fresh, "default", 99, null);
        assertEquals(16.0, read.loraAlpha(), 0);
        assertArrayEquals(layer(root).delta(), layer(fresh).delta(), 0);
        assertArrayEquals(VariantFixture.forward(layer(root)).toArray(), VariantFixture.forward(layer(fresh)).toArray());
    }

    @Test
    void refusesBadInputWithOneLine() throws Exception {
        VariantFixture.Holder root = new VariantFixture.Holder(VariantFixture.base());
        PeftException e = assertThrows(PeftException.class, () -> Hut.apply(root, CONFIG.withRank(5, 16), "default", 1, null));
        assertEquals("x: r = 5 must be in [1, 4] for this layer", e.getMessage());
        assertTrue(root.get("x") instanceof Linear, "the model is unchanged");
        // A base that is not a plain Linear (here a TeRA layer) has no weight to transform.
        TeraFactors f = TeraFactors.random(1, List.of(1, 2, 5), 1);
        VariantFixture.Holder wrapped = new VariantFixture.Holder(new TeraLinear(VariantFixture.base(), f, 0, null));
        e = assertThrows(PeftException.class, () -> Hut.apply(wrapped, CONFIG, "default", 1, null));
        assertTrue(e.getMessage().contains("needs a plain float32 Linear"), e.getMessage());
        // A file of another shape.
        VariantFixture.Holder saved = golden();
        Path dir = tmp.resolve("r2");
        Hut.save(dir, saved, CONFIG);
        Files.writeString(dir.resolve(AdapterFiles.CONFIG), Files.readString(dir.resolve(AdapterFiles.CONFIG)).replace("\"r\" : 2", "\"r\" : 3"));
        VariantFixture.Holder other = new VariantFixture.Holder(VariantFixture.base());
        e = assertThrows(PeftException.class, () -> Hut.load(dir, other, "default", null));
        assertTrue(e.getMessage().contains("has shape [2, 5], this model expects [3, 5]"), e.getMessage());
        assertTrue(other.get("x") instanceof Linear, "the model is unchanged");
    }
}
