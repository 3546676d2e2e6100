package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.zo.ZovhHyper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The typed hyperparameter records: binding from names (defaults, overrides, both spellings of the
 * betas), the checks' messages, enum choices, unknown names; every registered optimizer declares exactly
 * the names it reads; the learning rate is the state's cell, with the saved names unchanged; and the
 * table in docs/optimizers.md is the one the records print.
 */
class HyperRecordsTest {
    private static HyperParams hp(String... kv) {
        return HyperParams.parse(List.of(kv));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(new AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 1e-2), AdamWHyper.from(HyperParams.empty()));
        assertEquals(AdamWHyper.DEFAULTS, AdamWHyper.SPEC.bind(HyperParams.empty()));
        assertEquals(new SgdHyper(1e-3, 0, 0, false, 0), SgdHyper.DEFAULTS);
        assertEquals(new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 0, false), AdamHyper.SPEC.bind(HyperParams.empty()));
        assertTrue(AdamHyper.AMSGRAD_SPEC.bind(HyperParams.empty()).amsgrad(), "amsgrad is Adam with amsgrad on");
        assertEquals(new MuonHyper(0.02, 0.95, true, 5, 0, new AuxAdamWHyper(3e-4, 0.9, 0.95, 1e-10, 0)), MuonHyper.SPEC.bind(HyperParams.empty()));
        assertEquals(AuonHyper.DEFAULTS, AuonHyper.SPEC.bind(HyperParams.empty()));
        assertEquals(new SophiaGHyper(1e-4, 0.965, 0.99, 0.04, 0.1, 1, 10), SophiaGHyper.DEFAULTS);
    }

    @Test
    void overridesAndDefaultsThatDependOnAChoice() {
        assertEquals(new AdamWHyper(0.01, 0.9, 0.999, 1e-8, 0.1), AdamWHyper.from(hp("lr=0.01", "weight_decay=0.1")));
        // AuON's learning-rate default follows the variant; Hybrid-AuON's Newton-Schulz steps too
        assertEquals(0.24, AuonHyper.from(hp("variant=code")).lr());
        assertEquals(0.5, AuonHyper.from(hp("variant=code", "lr=0.5")).lr());
        assertEquals(5, HybridAuonHyper.from(hp("variant=CODE")).nsSteps());
        assertEquals(1, HybridAuonHyper.from(HyperParams.empty()).nsSteps());
        assertEquals(0.0, XGradHyper.from(hp("base=adam")).weightDecay());
        assertEquals(1e-2, XGradHyper.from(HyperParams.empty()).weightDecay());
        assertEquals(1000, ZovhHyper.from(hp("seed=1e3")).seed());
    }

    @Test
    void betasInEverySpelling() {
        AdamWHyper expected = new AdamWHyper(1e-3, 0.8, 0.99, 1e-8, 1e-2);
        for (String[] given : new String[][] {{"betas=0.8,0.99"}, {"betas=(0.8, 0.99)"}, {"betas=[0.8,0.99]"}, {"beta1=0.8", "beta2=0.99"}}) {
            assertEquals(expected, AdamWHyper.from(hp(given)), Arrays.toString(given));
        }
        assertEquals(new AuxAdamWHyper(3e-4, 0.8, 0.9, 1e-10, 0), AuxAdamWHyper.from(hp("adamw_betas=0.8,0.9")));
        assertEquals(new AuxAdamWHyper(3e-4, 0.8, 0.95, 1e-10, 0), AuxAdamWHyper.from(hp("adamw_beta1=0.8")));
        assertEquals(0.5, MarsHyper.from(hp("betas_1d=0.5,0.6")).oneD().beta1());
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheKeyAndTheRange() {
        assertMessage("lr must be a finite number >= 0, got -1.0", () -> AdamWHyper.from(hp("lr=-1")));
        assertMessage("beta2 must be in [0, 1), got 1.0", () -> AdamWHyper.from(hp("beta2=1")));
        assertMessage("betas must both be in [0, 1), got '1.5,0.9'", () -> AdamWHyper.from(hp("betas=1.5,0.9")));
        assertMessage("betas must be two numbers like 0.9,0.999, got '0.9'", () -> AdamWHyper.from(hp("betas=0.9")));
        assertMessage("momentum must be in [0, 1), got 1.0", () -> new SgdHyper(0.1, 1, 0, false, 0));
        assertMessage("ns_steps must be a positive integer, got 0", () -> MuonHyper.from(hp("ns_steps=0")));
        assertMessage("num_queries must be an integer >= 3 (eq. 16 divides by n - 2), got 2", () -> ZovhHyper.from(hp("num_queries=2")));
        assertMessage("lr must be a number, got 'fast'", () -> SgdHyper.from(hp("lr=fast")));
        assertMessage("is_approx must be true: exact MARS needs a second gradient per step, which a gradient transformation cannot take",
                () -> MarsHyper.from(hp("is_approx=false")));
    }

    @Test
    void anUnknownChoiceIsRefusedListingTheChoices() {
        assertMessage("scale must be one of nuclear, none; got 'frobenius'", () -> SpectralDescentHyper.from(hp("scale=frobenius")));
        assertMessage("variant must be one of paper, code; got 'v2'", () -> AuonHyper.from(hp("variant=v2")));
        assertMessage("base must be one of adamw, adam, sgdm; got 'lion'", () -> XGradHyper.from(hp("base=lion")));
        assertMessage("blocks must be one of vector, tensor; got 'row'", () -> ZovhHyper.from(hp("blocks=row")));
        assertEquals(SpectralDescentHyper.Scale.NONE, SpectralDescentHyper.from(hp("scale=None")).scale());
    }

    @Test
    void unknownNamesAreRefusedListingTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> build("adamw", hp("lr=0.01", "momentum=0.9")));
        assertTrue(e.getMessage().startsWith("unknown hyperparameter 'momentum' for adamw; valid: "), e.getMessage());
        assertEquals(Set.of("lr", "betas", "beta1", "beta2", "eps", "weight_decay"), validNames("adamw"));
        // invadam shares DualAdam's record but has no switch_rate; amsgrad fixes amsgrad
        assertFalse(validNames("invadam").contains("switch_rate"));
        assertFalse(validNames("amsgrad").contains("amsgrad"));
        assertTrue(validNames("adam").contains("amsgrad"));
    }

    /** What each optimizer reads is what its record declares (xgrad's default base reads a subset of its keys). */
    @Test
    void everyOptimizerDeclaresTheNamesItReads() {
        for (OptimizerInfo info : OptimizerRegistry.defaults().all()) {
            Set<String> declared = new LinkedHashSet<>();
            for (HyperField<?> f : info.factory().hyperparameters()) {
                declared.add(f.name());
                String more = f.label().substring(f.name().length()).replaceAll("[()]", "").replace("or ", "").trim();
                if (!more.isEmpty()) declared.addAll(Arrays.asList(more.split(", ")));
            }
            assertFalse(declared.isEmpty(), info.name() + " declares no hyperparameters");
            Set<String> read = validNames(info.name());
            if (info.name().equals("xgrad")) assertTrue(declared.containsAll(read), info.name() + ": reads " + read + ", declares " + declared);
            else assertEquals(declared, read, info.name());
        }
    }

    @Test
    void recordsBuildTheSameOptimizerAsNames() {
        Object[] byName = OptimizersTest.train(m -> OptimizerRegistry.defaults().create("adamw", m, hp("lr=0.01", "betas=0.8,0.99")));
        Object[] byRecord = OptimizersTest.train(m -> AdamW.optimizer(ParamSet.of(m), m.grads(), new AdamWHyper(0.01, 0.8, 0.99, 1e-8, 1e-2)));
        OptimizersTest.assertSameRun(byName, byRecord);
    }

    /**
     * The learning rate is the state's learning-rate cell, read and set without a path: a hybrid shows its
     * matrix branch's η, setting it keeps the AdamW branch in ratio, and the saved names are the same as
     * before (the matrix branch's η under {@code muon.lr.lr}, AdamW's under {@code adamw.2.lr}).
     */
    @Test
    void theLearningRateIsTheStatesCellUnderItsSavedName() {
        float[] values = new float[12 + 4];
        ParamSet set = ParamSet.of(values, List.of("w", "b"), List.of(new int[] {3, 4}, new int[] {4}));
        Optimizer muon = OptimizerRegistry.defaults().create("muon", set, new float[values.length], hp("lr=0.02", "adamw_lr=3e-4"));
        assertEquals(0.02, muon.learningRate());
        assertEquals(0.02, muon.scalars().get("muon.lr.lr"));
        assertEquals(3e-4, muon.scalars().get("adamw.2.lr"));
        muon.setLearningRate(0.01);
        assertEquals(0.01, muon.learningRate());
        assertEquals(0.01, muon.scalars().get("muon.lr.lr"));
        assertEquals(3e-4 * (0.01 / 0.02), muon.scalars().get("adamw.2.lr"));

        // a restored state's rate is the one the optimizer reads
        Map<String, Double> scalars = new java.util.LinkedHashMap<>(muon.scalars());
        scalars.put("muon.lr.lr", 0.005);
        muon.loadState(muon.state(), scalars);
        assertEquals(0.005, muon.learningRate());

        Optimizer sgd = OptimizerRegistry.defaults().create("sgd", set, new float[values.length], hp("lr=0.1", "momentum=0.9"));
        assertEquals(List.of("step", "0.momentum", "0.dampening", "0.nesterov", "0.count", "1.lr", "1.count"), List.copyOf(sgd.scalars().keySet()));
        sgd.setLearningRate(0.2);
        assertEquals(0.2, sgd.scalars().get("1.lr"));
        assertTrue(Double.isNaN(new TransformOptimizer("none", set, new float[values.length], Transforms.identity()).learningRate()));
    }

    @Test
    void theDocsTableIsTheOneTheRecordsPrint() throws Exception {
        Path docs = Path.of("..", "docs", "optimizers.md");
        String text = Files.readString(docs);
        int begin = text.indexOf(HyperTable.BEGIN);
        int end = text.indexOf(HyperTable.END);
        assertTrue(begin >= 0 && end > begin, docs + " has no generated hyperparameter table between its markers");
        String committed = text.substring(begin + HyperTable.BEGIN.length(), end).strip();
        String generated = HyperTable.markdown(OptimizerRegistry.defaults().all()).strip();
        assertEquals(generated, committed, docs + "'s hyperparameter table is out of date: regenerate it with bin/descent optimizers --markdown");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, build).getMessage());
    }

    /** The names {@code name} reads, from the refusal of an unknown one. */
    private static Set<String> validNames(String name) {
        var e = assertThrows(IllegalArgumentException.class, () -> build(name, hp("not_a_hyperparameter=1")));
        String m = e.getMessage();
        assertTrue(m.startsWith("unknown hyperparameter 'not_a_hyperparameter' for " + name + "; valid: "), m);
        return new LinkedHashSet<>(Arrays.asList(m.substring(m.indexOf("valid: ") + 7).split(", ")));
    }

    private static Optimizer build(String name, HyperParams h) {
        float[] values = new float[12 + 4];
        ParamSet set = ParamSet.of(values, List.of("w", "b"), List.of(new int[] {3, 4}, new int[] {4}));
        if (name.startsWith("sophia")) return SophiaOptimizers.create(name, set, new float[values.length], h, (p, g, out) -> {});
        return OptimizerRegistry.defaults().create(name, set, new float[values.length], h);
    }
}
