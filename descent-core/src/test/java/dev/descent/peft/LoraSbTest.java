package dev.descent.peft;

import static dev.descent.peft.VariantFixture.IN;
import static dev.descent.peft.VariantFixture.OUT;
import static dev.descent.peft.VariantFixture.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Linear;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoraSbTest {
    private static final LoraConfig CONFIG = LoraConfig.of(LoraConfig.Targets.names(List.of("x"))).withRank(R, 16);

    /** The fixture's layer with LoRA-SB at r = 2 initialised from the gradient of L = Σ c ⊙ (x W0ᵀ), η₁ = 0.01. */
    private static VariantFixture.Holder adapted() {
        Linear base = VariantFixture.base();
        VariantFixture.Holder root = new VariantFixture.Holder(base);
        VariantFixture.backward(base);
        Lora.Applied applied = LoraSb.apply(root, CONFIG, "default", 0.01, null);
        assertEquals(List.of("x"), applied.layers());
        assertEquals(R * R, applied.trainable(), "only R trains: r² elements");
        return root;
    }

    private static LoraSbLinear layer(VariantFixture.Holder root) { return (LoraSbLinear) root.get("x"); }

    /**
     * Golden values from {@code bench/golden/lora_variants.py} (numpy's SVD of −η₁·sign(G) with
     * G = cᵀ x, then two SGD steps on R with torch autograd in float64): R's singular values, the
     * product B R A at the start and after two steps with lr 0.1. The product and Σ do not depend on
     * the SVD's sign choices, R's gradient does, so it is not compared entry by entry.
     */
    @Test
    void initialisationAndTwoStepsMatchTheIndependentComputation() {
        double[] sigma = {0.035352908050483065, 0.023889891213511583};
        double[] product = {-0.008838538465045514, -0.011801876935571136, -0.011801876935571136, -0.0067321042726761465, 0.008838538465045512,
            0.008445912828988631, -0.007589008550832389, -0.00758900855083239, -0.01437258977003989, -0.008445912828988641,
            0.012658781213727382, 0.005875199994519897, 0.005875199994519896, -0.002519235887937412, -0.012658781213727389,
            0.00883853846504551, 0.011801876935571137, 0.011801876935571137, 0.006732104272676152, -0.008838538465045509};
        double[] twoSteps = {-0.20262450168070206, -0.2382065455198843, -0.2382065455198843, -0.11865636587595126, 0.2026245016807021,
            0.0939842503109046, -0.16748592900703896, -0.16748592900703899, -0.2515062648432004, -0.09398425031090475,
            0.23196374488579713, 0.11021882691350741, 0.1102188269135074, -0.043340553687547495, -0.2319637448857972,
            0.20262450168070203, 0.23820654551988435, 0.23820654551988435, 0.11865636587595135, -0.20262450168070206};
        VariantFixture.Holder root = adapted();
        LoraSbLinear l = layer(root);
        Tensor r = l.latent().value();
        assertEquals(sigma[0], r.get(0), 1e-6);
        assertEquals(0, r.get(1), 0);
        assertEquals(0, r.get(2), 0);
        assertEquals(sigma[1], r.get(3), 1e-6);
        VariantFixture.assertClose(product, l.delta(), 1e-6, "B R A at the start");
        FlatParameters params = root.flatten();
        Optimizer sgd = Optimizers.sgd().lr(VariantFixture.LR).build(params);
        for (int step = 0; step < 2; step++) {
            VariantFixture.backward(l);
            sgd.step();
            sgd.zeroGrad();
        }
        VariantFixture.assertClose(twoSteps, l.delta(), 1e-5, "B R A after two steps");
    }

    /** B and A have orthonormal columns and rows, and every update stays in their span: B Bᵀ Δ = Δ and Δ Aᵀ A = Δ. */
    @Test
    void updatesStayInTheSpanOfTheFixedFactors() {
        VariantFixture.Holder root = adapted();
        LoraSbLinear l = layer(root);
        double[] b = LoraPro.toDouble(l.loraB().value(), OUT * R);
        double[] a = LoraPro.toDouble(l.loraA().value(), R * IN);
        double[] btb = LoraPro.tMul(b, b, OUT, R, R);
        double[] aat = LoraPro.mulT(a, a, R, IN, R);
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < R; j++) {
                assertEquals(i == j ? 1 : 0, btb[i * R + j], 1e-6, "BᵀB");
                assertEquals(i == j ? 1 : 0, aat[i * R + j], 1e-6, "AAᵀ");
            }
        }
        FlatParameters params = root.flatten();
        Optimizer adam = Optimizers.adamw().lr(0.05).build(params);
        for (int step = 0; step < 3; step++) {
            VariantFixture.backward(l);
            adam.step();
            adam.zeroGrad();
        }
        double[] d = l.delta();
        double[] left = LoraPro.mul(LoraPro.mulT(b, b, OUT, R, OUT), d, OUT, OUT, IN);       // B Bᵀ Δ
        double[] right = LoraPro.mul(d, LoraPro.tMul(a, a, R, IN, IN), OUT, IN, IN);       // Δ Aᵀ A
        VariantFixture.assertClose(d, left, 1e-5, "B Bᵀ Δ");
        VariantFixture.assertClose(d, right, 1e-5, "Δ Aᵀ A");
        VariantFixture.assertClose(b, l.loraB().value(), 0, "B is frozen");
        VariantFixture.assertClose(a, l.loraA().value(), 0, "A is frozen");
    }

    /** Finite differences of the layer's backward with respect to R and to the input. */
    @Test
    void backwardMatchesFiniteDifferences() {
        VariantFixture.Holder root = adapted();
        LoraSbLinear l = layer(root);
        VariantFixture.set(l.latent(), VariantFixture.fill(6, R * R, 0.8));     // a generic R, not diagonal
        Tensor w = VariantFixture.c();
        VariantFixture.backward(l);
        float[] gr = new float[R * R];
        for (int i = 0; i < gr.length; i++) gr[i] = l.latent().grad().get(i);
        VariantFixture.finiteDifferences("dL/dR", () -> VariantFixture.forward(l), w, l.latent().value(), gr);

        VariantFixture.inputGradientMatchesFiniteDifferences(l, w);
    }

    /** The adapter file is a PEFT LoRA adapter of the same update: lora_B = B·R, lora_A = A, lora_alpha = r (s = 1). */
    @Test
    void savesAsAPlainLoraAdapterOfTheSameUpdate() {
        VariantFixture.Holder root = adapted();
        LoraSbLinear l = layer(root);
        VariantFixture.set(l.latent(), VariantFixture.fill(6, R * R, 0.8));
        Map<String, Tensor> t = LoraSb.adapterTensors(root);
        Tensor a = t.get("base_model.model.x.lora_A.weight");
        Tensor b = t.get("base_model.model.x.lora_B.weight");
        LoraConfig saved = LoraSb.savedConfig(CONFIG);
        assertEquals(1.0, saved.scaling(R, saved.alphaOf("x")), 0);
        double[] peft = LoraPro.mul(LoraPro.toDouble(b, OUT * R), LoraPro.toDouble(a, R * IN), OUT, R, IN);
        VariantFixture.assertClose(l.delta(), peft, 1e-6, "PEFT's s·(B R) A");
        assertFalse(t.containsKey("base_model.model.x.lora_latent.weight"));
    }

    @Test
    void refusesWhatItCannotInitialise() {
        Linear base = VariantFixture.base();
        VariantFixture.Holder root = new VariantFixture.Holder(base);
        PeftException e = assertThrows(PeftException.class, () -> LoraSb.apply(root, CONFIG, "default", 0.01, null));
        assertTrue(e.getMessage().contains("no gradient"), e.getMessage());
        VariantFixture.backward(base);
        e = assertThrows(PeftException.class, () -> LoraSb.apply(root, CONFIG.withInit(LoraConfig.Init.PISSA), "default", 0.01, null));
        assertTrue(e.getMessage().contains("init_lora_weights"), e.getMessage());
    }

    @Test
    void variantNamesAreChecked() {
        assertEquals(PeftVariant.Kind.LORA_SB, PeftVariant.fromSection(Map.of("variant", "lora_sb", "r", "4"), "peft").kind());
        assertEquals(PeftVariant.Kind.LORA, PeftVariant.fromSection(Map.of("r", "4"), "peft").kind());
        PeftException e = assertThrows(PeftException.class, () -> PeftVariant.fromSection(Map.of("variant", "dora"), "peft"));
        assertEquals("'peft.variant' = dora is not allowed; allowed: one of [lora, lora_pro, lora_sb, increlora, tera, hut]", e.getMessage());
        e = assertThrows(PeftException.class, () -> PeftVariant.fromSection(Map.of("lora_sb_init_samples", "5"), "peft"));
        assertTrue(e.getMessage().contains("lora_sb only"), e.getMessage());
        // LoraConfig leaves the variant's keys to PeftVariant.
        assertEquals(4, LoraConfig.fromSection(Map.of("variant", "lora_pro", "r", "4", "target_modules", "c_attn"), "peft").r());
    }
}
