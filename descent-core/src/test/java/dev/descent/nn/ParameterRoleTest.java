package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.LayerwiseScaling;
import dev.descent.optim.MatrixHybrid;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.zo.Mezo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Roles given by the models select exactly the parameters the name rules selected before parameters
 * carried roles, so routing by role changes no result: the optimizers' role predicates are compared
 * with the old name rules on every parameter of the models. The name rules below are verbatim copies of
 * the rules the optimizers applied (Muon's hidden-matrix test, μP's matrix-like test, MeZO's decay
 * mask; nanoGPT's decay mask was already rank ≥ 2).
 */
class ParameterRoleTest {

    private static boolean oldMuonHidden(String name, int rank) {
        if (rank < 2) return false;
        String n = name.toLowerCase(Locale.ROOT);
        for (String s : new String[] {"wte", "wpe", "lm_head", "embed", "head"}) if (n.contains(s)) return false;
        return true;
    }

    private static boolean oldMatrixLike(String n, int rank) {
        if (rank < 2) return false;
        return !(n.contains("wte") || n.contains("wpe") || n.contains("emb") || n.contains("lm_head"));
    }

    private static boolean oldMezoDecays(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !(n.contains("bias") || n.contains("layer_norm") || n.contains("layernorm") || n.startsWith("ln_") || n.contains(".ln_"));
    }

    private static List<ParamSlot> slots(FlatParameters params) {
        return ParamSet.of(params).slots();
    }

    private static void assertRulesAgree(List<ParamSlot> slots) {
        assertTrue(!slots.isEmpty());
        for (ParamSlot s : slots) {
            ParameterRole r = s.role();
            assertEquals(oldMuonHidden(s.name(), s.rank()), MatrixHybrid.hiddenMatrix(s), s.name() + " (Muon)");
            assertEquals(oldMatrixLike(s.name(), s.rank()), LayerwiseScaling.DEFAULT_MATRIX_LIKE.test(s), s.name() + " (μP)");
            assertEquals(oldMezoDecays(s.name()), Mezo.decays(s), s.name() + " (MeZO decay)");
            assertEquals(s.rank() >= 2, r.isMatrixRole(), s.name() + " (nanoGPT decay)");
            // A set built from the same names and shapes without the model infers the same roles.
            assertEquals(r, ParameterRole.infer(s.name(), s.rank()), s.name() + " (inferred)");
        }
    }

    @Test
    void gptRolesSelectWhatTheNameRulesSelected() {
        for (boolean bias : new boolean[] {true, false}) {
            Gpt gpt = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, bias), 1);
            List<ParamSlot> slots = slots(gpt.parameters());
            assertRulesAgree(slots);
            List<String> hidden = new ArrayList<>();
            for (ParamSlot s : slots) if (s.role() == ParameterRole.HIDDEN_MATRIX) hidden.add(s.name());
            assertEquals(8, hidden.size(), "c_attn, c_proj, c_fc, c_proj per block: " + hidden);
            assertEquals(ParameterRole.EMBEDDING, gpt.parameters().get("transformer.wte.weight").role());
            assertEquals(ParameterRole.EMBEDDING, gpt.parameters().get("transformer.wpe.weight").role());
            assertEquals(ParameterRole.NORM_GAIN, gpt.parameters().get("transformer.ln_f.weight").role());
            if (bias) assertEquals(ParameterRole.BIAS, gpt.parameters().get("transformer.h.1.mlp.c_fc.bias").role());
        }
    }

    @Test
    void mlpClassifierRolesSelectWhatTheNameRulesSelected() {
        MlpClassifier m = new MlpClassifier(3, 5, 7, 6, 3);
        assertRulesAgree(slots(m.parameters()));
        for (Parameter p : m.parameters().list()) {
            assertEquals(p.name().endsWith(".weight") ? ParameterRole.HIDDEN_MATRIX : ParameterRole.BIAS, p.role(), p.name());
        }
    }

    @Test
    void rolesSurviveSubsets() {
        ParamSet all = ParamSet.of(new Gpt(new GptConfig(11, 8, 1, 2, 16, 0f, true), 1).parameters());
        ParamSet hidden = all.subset(s -> s.role() == ParameterRole.HIDDEN_MATRIX);
        assertEquals(4, hidden.count());
        for (ParamSlot s : hidden.slots()) assertEquals(ParameterRole.HIDDEN_MATRIX, s.role());
    }

    @Test
    void inferenceFromNamesAlone() {
        assertEquals(ParameterRole.EMBEDDING, ParameterRole.infer("encoder.embed_tokens.weight", 2));
        assertEquals(ParameterRole.HEAD, ParameterRole.infer("lm_head.weight", 2));
        assertEquals(ParameterRole.HIDDEN_MATRIX, ParameterRole.infer("conv.weight", 4));
        assertEquals(ParameterRole.NORM_GAIN, ParameterRole.infer("encoder.layer.0.output.LayerNorm.weight", 1));
        assertEquals(ParameterRole.BIAS, ParameterRole.infer("net.0.bias", 1));
        assertEquals(ParameterRole.OTHER, ParameterRole.infer("x", 1));
    }
}
