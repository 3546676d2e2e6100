package dev.descent.peft;

import static dev.descent.peft.VariantFixture.IN;
import static dev.descent.peft.VariantFixture.OUT;
import static dev.descent.peft.VariantFixture.R;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Linear;
import dev.descent.nn.Module;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeraTest {
    private static final LoraConfig CONFIG = LoraConfig.of(LoraConfig.Targets.names(List.of("x", "y"))).withRank(R, 16);

    @TempDir
    Path tmp;

    /** The fixture's factors of bench/golden/tera_hut.py: G = f(6), U₁ = f(7), U₂ = f(8), U₅ = f(9). */
    private static TeraFactors goldenFactors() {
        Tensor core = Tensor.of(VariantFixture.fill(6, R * R * R * R, 1.0), R, R, R, R);
        return TeraFactors.of(core, Map.of(1, Tensor.of(VariantFixture.fill(7, R, 0.5), 1, R), 2, Tensor.of(VariantFixture.fill(8, 2 * R, 0.5), 2, R),
                5, Tensor.of(VariantFixture.fill(9, 5 * R, 0.5), 5, R)));
    }

    /** The fixture's layer (in 5 → out 4: modes [2, 2, 1, 5]) with TeRA at r = 2 on the golden factors and λₙ = f(10 + n, ·, 0.8). */
    private static TeraLinear goldenLayer() {
        TeraLinear l = new TeraLinear(VariantFixture.base(), goldenFactors(), 0, null);
        for (int n = 0; n < 4; n++) VariantFixture.set(l.lambda(n), VariantFixture.fill(11 + n, R, 0.8));
        return l;
    }

    /** Two layers 5 → 4 and 4 → 5 under the names x and y. */
    static final class TwoLayers extends Module {
        TwoLayers() {
            Linear x = module("x", VariantFixture.base());
            Linear y = module("y", new Linear(OUT, IN, false));
            VariantFixture.set(y.weight, VariantFixture.fill(12, IN * OUT, 0.5));
        }
    }

    /**
     * Golden values from {@code bench/golden/tera_hut.py} (one einsum over the Tucker network and torch
     * autograd, float64): ΔW at the start, the gradients of L = Σ c ⊙ y with respect to λ₁…λ₄, and ΔW after
     * two SGD steps with lr 0.1. ΔW's entries are ~1e-3, so the tolerance is absolute, 1e-8 (relative ~1e-5).
     */
    @Test
    void updateGradientsAndTwoStepsMatchTheIndependentComputation() {
        double[] delta = {0.000838494510227562, 0.001052866918550161, 0.0011195040889228531, 0.00102905558791153, 0.000794212966475562,
            0.0002686422269148534, 0.0003544500599116826, 0.00039052249462240496, 0.000371797899413006, 0.00030090370385634196,
            0.0005591885379912277, 0.0006949242289367905, 0.0007331501605212265, 0.0006685025235562306, 0.0005100525302858121,
            0.0002242726449931102, 0.00028580160774223314, 0.0003072277182453476, 0.00028554449533187327, 0.0002237944929200223};
        double[][] grads = {{0.006668300236897434, 0.0025839766431689885}, {-0.003525160608929291, -0.011522040641158804},
            {0.004347234582860956, 0.003273473036618884}, {0.005134383653020347, -0.0049062239955506015}};
        double[] twoSteps = {0.0008239429298320762, 0.0010356025324600843, 0.0011019493862834534, 0.0010136737947548495, 0.0007831624124582953,
            0.00026107217273428705, 0.0003454821367901017, 0.00038141505582058336, 0.00036382887487690515, 0.0002951912845522268,
            0.0005519162624702732, 0.0006862915724600912, 0.0007243684326865317, 0.0006608039514826076, 0.0005045173558017363,
            0.0002204400479448248, 0.00028125554366199596, 0.0003026060778081816, 0.00028149577400125186, 0.00022088679580846456};
        TeraLinear l = goldenLayer();
        close(delta, l.delta(), 1e-8, "ΔW");
        VariantFixture.Holder root = new VariantFixture.Holder(l);
        root.freeze((name, p) -> !name.contains("tera_lambda"));
        FlatParameters params = root.flatten();
        VariantFixture.backward(l);
        for (int n = 0; n < 4; n++) {
            double[] g = new double[R];
            for (int k = 0; k < R; k++) g[k] = l.lambda(n).grad().get(k);
            close(grads[n], g, 1e-8, "dL/dλ" + (n + 1));
        }
        Optimizer sgd = Optimizers.sgd().lr(VariantFixture.LR).build(params);
        sgd.step();
        sgd.zeroGrad();
        VariantFixture.backward(l);
        sgd.step();
        close(twoSteps, l.delta(), 1e-8, "ΔW after two steps");
    }

    private static void close(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
    }

    /** Finite differences of the backward with respect to each scaling vector and to the input. */
    @Test
    void backwardMatchesFiniteDifferences() {
        TeraLinear l = goldenLayer();
        // Larger factors than the golden ones, so that the float32 forward resolves the differences.
        for (int n = 0; n < 4; n++) VariantFixture.set(l.lambda(n), VariantFixture.fill(11 + n, R, 3.0));
        Tensor w = VariantFixture.c();
        VariantFixture.backward(l);
        for (int n = 0; n < 4; n++) {
            float[] g = l.lambda(n).grad().toArray();
            VariantFixture.finiteDifferences("dL/dλ" + (n + 1), () -> VariantFixture.forward(l), w, l.lambda(n).value(), g);
        }
        VariantFixture.inputGradientMatchesFiniteDifferences(l, w);
    }

    /** The mode-by-mode contraction equals the explicit sum over the Tucker network on a generic entry. */
    @Test
    void updateIsTheTuckerSum() {
        TeraLinear l = goldenLayer();
        TeraFactors f = l.factors();
        float[][] lam = new float[4][];
        for (int n = 0; n < 4; n++) lam[n] = l.lambda(n).value().toArray();
        int[] m = TeraFactors.modes(OUT, IN);
        assertArrayEquals(new int[] {2, 2, 1, 5}, m);
        double[] d = l.delta();
        for (int p = 0; p < 2; p++) for (int q = 0; q < 2; q++) for (int t = 0; t < 5; t++) {
            double s = 0;
            for (int a = 0; a < R; a++) for (int b = 0; b < R; b++) for (int c = 0; c < R; c++) for (int e = 0; e < R; e++) {
                s += (double) f.core().at(a, b, c, e) * lam[0][a] * lam[1][b] * lam[2][c] * lam[3][e] * f.factors().get(2).at(p, a)
                        * f.factors().get(2).at(q, b) * f.factors().get(1).at(0, c) * f.factors().get(5).at(t, e);
            }
            assertEquals(s / Math.sqrt(IN), d[(p * 2 + q) * IN + t], 1e-12);
        }
    }

    @Test
    void splitsIntoTheMostNearlySquareFactors() {
        assertArrayEquals(new int[] {8, 16}, TeraFactors.split(128));
        assertArrayEquals(new int[] {16, 24}, TeraFactors.split(384));
        assertArrayEquals(new int[] {16, 32}, TeraFactors.split(512));
        assertArrayEquals(new int[] {1, 7}, TeraFactors.split(7));
        assertArrayEquals(new int[] {1, 1}, TeraFactors.split(1));
    }

    /** apply: 4·r trainable elements per layer, ΔW = 0 at the start, one set of factors shared by both layers. */
    @Test
    void applySharesTheFactorsAndStartsAtTheBase() {
        TwoLayers root = new TwoLayers();
        Tensor before = VariantFixture.forward(root.get("x"));
        Lora.Applied applied = Tera.apply(root, CONFIG, 7, null);
        assertEquals(List.of("x", "y"), applied.layers());
        assertEquals(2 * 4 * R, applied.trainable());
        Map<String, TeraLinear> layers = Tera.layers(root);
        assertSame(layers.get("x").factors(), layers.get("y").factors(), "the random factors are shared");
        assertEquals(java.util.Set.of(1, 2, 5), layers.get("x").factors().factors().keySet());
        assertArrayEquals(before.toArray(), VariantFixture.forward(root.get("x")).toArray(), "ΔW = 0 at the start (λ₄ = 0)");
        assertTrue(root.namedParameters().get("x.base_layer.weight").isTrainable() == false);
        // The same seed gives the same factors.
        TwoLayers again = new TwoLayers();
        Tera.apply(again, CONFIG, 7, null);
        assertArrayEquals(layers.get("x").factors().core().toArray(), Tera.layers(again).get("x").factors().core().toArray());
    }

    /** Merge writes W₀ + ΔW into the base (the forward is unchanged); unmerge restores W₀ bit for bit. */
    @Test
    void mergeAndUnmerge() {
        TeraLinear l = goldenLayer();
        for (int n = 0; n < 4; n++) VariantFixture.set(l.lambda(n), VariantFixture.fill(11 + n, R, 3.0));
        float[] w0 = VariantFixture.w0();
        Tensor y = VariantFixture.forward(l);
        l.merge();
        assertTrue(l.merged());
        float[] merged = ((Linear) l.base()).weight.value().toArray();
        double[] d = l.delta();
        for (int i = 0; i < w0.length; i++) assertEquals(w0[i] + d[i], merged[i], 1e-6);
        VariantFixture.assertClose(toDouble(y), VariantFixture.forward(l), 1e-5, "merged forward");
        assertThrows(IllegalStateException.class, l::merge);
        l.unmerge();
        assertArrayEquals(w0, ((Linear) l.base()).weight.value().toArray());
        assertArrayEquals(y.toArray(), VariantFixture.forward(l).toArray());
    }

    private static double[] toDouble(Tensor t) {
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.get(i);
        return out;
    }

    /** Save then load onto a fresh model: the same factors, scaling vectors and outputs, bit for bit. */
    @Test
    void savedAdapterLoadsBack() throws Exception {
        TwoLayers root = new TwoLayers();
        Tera.apply(root, CONFIG, 7, null);
        for (TeraLinear l : Tera.layers(root).values()) for (int n = 0; n < 4; n++) VariantFixture.set(l.lambda(n), VariantFixture.fill(20 + n, R, 0.9));
        Path dir = tmp.resolve("adapter");
        Tera.save(dir, root, CONFIG, 7);
        Map<String, Tensor> saved = dev.descent.io.Safetensors.read(dir.resolve(AdapterFiles.WEIGHTS)).tensors();
        assertEquals(java.util.Set.of("tera_shared.core", "tera_shared.factor_1", "tera_shared.factor_2", "tera_shared.factor_5",
                "base_model.model.x.tera_lambda_1", "base_model.model.x.tera_lambda_2", "base_model.model.x.tera_lambda_3",
                "base_model.model.x.tera_lambda_4", "base_model.model.y.tera_lambda_1", "base_model.model.y.tera_lambda_2",
                "base_model.model.y.tera_lambda_3", "base_model.model.y.tera_lambda_4"), saved.keySet());
        TwoLayers fresh = new TwoLayers();
        LoraConfig read = AdapterFiles.loadAny(dir, fresh, "default", 99, null);
        assertEquals(R, read.r());
        for (String k : List.of("x", "y")) {
            assertArrayEquals(Tera.layers(root).get(k).delta(), Tera.layers(fresh).get(k).delta(), 0, k);
        }
        assertArrayEquals(VariantFixture.forward(root.get("x")).toArray(), VariantFixture.forward(fresh.get("x")).toArray());
        assertEquals(R, AdapterFiles.readAnyConfig(dir).r());
        PeftException e = assertThrows(PeftException.class, () -> AdapterFiles.readConfig(dir));
        assertTrue(e.getMessage().contains("peft_type TERA is not supported; allowed: LORA"), e.getMessage());
    }

    @Test
    void refusesBadInputWithOneLine() throws Exception {
        PeftException e = assertThrows(PeftException.class, () -> Tera.apply(new TwoLayers(), CONFIG.withRank(33, 16), 1, null));
        assertEquals("r = 33 for variant tera must be in [1, 32] (the shared core has r⁴ elements)", e.getMessage());
        LoraConfig pattern = LoraConfig.fromSection(Map.of("r", "2", "target_modules", "x", "rank_pattern.x", "3"), "peft");
        e = assertThrows(PeftException.class, () -> Tera.apply(new TwoLayers(), pattern, 1, null));
        assertTrue(e.getMessage().contains("rank_pattern"), e.getMessage());
        // A HUT adapter is not a TeRA adapter.
        TwoLayers hut = new TwoLayers();
        Hut.apply(hut, CONFIG, "default", 1, null);
        Path dir = tmp.resolve("hut");
        Hut.save(dir, hut, CONFIG);
        e = assertThrows(PeftException.class, () -> Tera.load(dir, new TwoLayers(), null));
        assertTrue(e.getMessage().endsWith("peft_type HUT is not allowed here; allowed: TERA"), e.getMessage());
        // A TeRA adapter for other targets than the model has.
        TwoLayers one = new TwoLayers();
        LoraConfig onlyX = LoraConfig.of(LoraConfig.Targets.names(List.of("x"))).withRank(R, 16);
        Tera.apply(one, onlyX, 1, null);
        Path x = tmp.resolve("x");
        Tera.save(x, one, onlyX, 1);
        java.nio.file.Files.writeString(x.resolve(AdapterFiles.CONFIG),
                java.nio.file.Files.readString(x.resolve(AdapterFiles.CONFIG)).replace("\"x\"", "\"y\""));
        TwoLayers other = new TwoLayers();
        e = assertThrows(PeftException.class, () -> Tera.load(x, other, null));
        assertTrue(e.getMessage().contains("has no tensor 'base_model.model.y.tera_lambda_1'"), e.getMessage());
        assertTrue(Tera.layers(other).isEmpty(), "the model is unchanged");
        assertTrue(e.getMessage().indexOf('\n') < 0);
    }
}
