package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;
import dev.descent.peft.Lora;
import dev.descent.peft.LoraConfig;
import dev.descent.peft.LoraLinear;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AR1-ZO ({@link Ar1Zo}): the specification's worked example, the atom structure from the peft modules, and which coordinates move. */
class Ar1ZoTest {
    private static final double[][] W0 = {{0.5, -0.2, 0.1}, {0.3, 0.4, -0.6}};
    private static final double[] X = {1, -1, 0.5};
    private static final double[] Y = {0.2, -0.4};

    /** ½‖(W0 + s·B A) x − y‖² in float64 over the float32 factors, with s settable (the forward-scale handle). */
    private static final class Example implements Objective {
        final float[] v;
        double scale;

        Example(float[] v, double scale) { this.v = v; this.scale = scale; }

        @Override
        public double loss() {
            // layout: A [2, 3] at 0, B [2, 2] at 6
            double l = 0;
            for (int i = 0; i < 2; i++) {
                double out = 0;
                for (int j = 0; j < 3; j++) {
                    double ba = 0;
                    for (int k = 0; k < 2; k++) ba += (double) v[6 + i * 2 + k] * v[k * 3 + j];
                    out += (W0[i][j] + scale * ba) * X[j];
                }
                l += 0.5 * (out - Y[i]) * (out - Y[i]);
            }
            return l;
        }
    }

    private static float[] start() {
        return new float[] {0.2f, -0.1f, 0.3f, 0.05f, 0.1f, -0.2f, 0.1f, 0f, 0f, 0.2f};
    }

    private static ParamSet set(float[] v) {
        return ParamSet.of(v, List.of("l.lora_A.default.weight", "l.lora_B.default.weight"), List.of(new int[] {2, 3}, new int[] {2, 2}));
    }

    /**
     * specs/worked_examples/ar1zo_caqzo_example.py (float64 numpy) → .out: t = 1 ⇒ atom k = 1, z_b = [.7, −1.1],
     * z_a = [.3, .9, −.4], ε = 1e-3, η = 0.05, α = 4, r = 2. Here the factors are float32, so ĝ is compared to
     * 2e-5 (float32 rounding of θ ± εz, ~1e-8, divided by 2ε) and the new atom to 1e-6.
     */
    @Test
    void reproducesTheWorkedExampleWithBothScalings() {
        check(Ar1Zo.Scaling.CANONICAL, 2.0, -0.1349997472, new double[] {0.0047249912, 0.1925750139}, new double[] {0.0520249962, 0.1060749886, -0.2026999949});
        check(Ar1Zo.Scaling.TOPOLOGY, 4.0, -0.3089989888, new double[] {0.0108149646, 0.1830050556}, new double[] {0.0546349848, 0.1139049545, -0.2061799798});
    }

    private static void check(Ar1Zo.Scaling scaling, double forwardScale, double g, double[] b1, double[] a1) {
        float[] v = start();
        Example obj = new Example(v, 4.0 / 2);
        ParamSet p = set(v);
        var s = p.slots();
        LoraAtoms atoms = new LoraAtoms(List.of(new LoraAtoms.Factors(s.get(0), s.get(1), 2, 3, 2, 4.0, x -> obj.scale = x)));
        float[] z = {0.7f, -1.1f, 0.3f, 0.9f, -0.4f};
        Ar1Zo opt = new Ar1Zo(atoms, v, obj, 0.05, 1e-3, 0, Ar1Zo.AtomOrder.CYCLIC, scaling, Directions.fixed(z));
        assertEquals(forwardScale, obj.scale, "topology sets s = γ/r = α; canonical keeps α/r");
        float[] before = v.clone();
        opt.step(); // t = 0: atom 0 (moves column 0 of B and row 0 of A); the example is at t = 1
        for (int i = 0; i < 2; i++) assertEquals(before[6 + i * 2 + 1], v[6 + i * 2 + 1], "b_1 untouched at t = 0");
        for (int j = 0; j < 3; j++) assertEquals(before[3 + j], v[3 + j], "a_1 untouched at t = 0");
        // Restore the example's state for the atom-0 coordinates, then the example's step t = 1.
        System.arraycopy(before, 0, v, 0, v.length);
        opt.step();
        assertEquals(g, opt.projectedGradient(), 2e-5);
        for (int i = 0; i < 2; i++) assertEquals(b1[i], v[6 + i * 2 + 1], 1e-6, "b_1[" + i + "]");
        for (int j = 0; j < 3; j++) assertEquals(a1[j], v[3 + j], 1e-6, "a_1[" + j + "]");
        // atom 0 (column 0 of B, row 0 of A) is exactly as before the step
        assertEquals(before[6], v[6]);
        assertEquals(before[8], v[8]);
        for (int j = 0; j < 3; j++) assertEquals(before[j], v[j]);
        assertEquals(1.0, opt.scalars().get("atom"));
    }

    @Test
    void atomsComeFromThePeftModulesAndOnlyTheActiveAtomMoves() {
        Gpt m = new Gpt(new GptConfig(11, 8, 2, 2, 8, 0f, true), 3);
        Lora.apply(m, LoraConfig.of(LoraConfig.Targets.names(List.of("c_attn", "mlp.c_proj"))).withRank(4, 8).withInit(LoraConfig.Init.GAUSSIAN),
                "default", 1, m.dropoutStreams());
        ParamSet params = ParamSet.of(m.parameters());
        List<Lora.AdapterPair> pairs = Lora.adapterPairs(m, "default");
        LoraAtoms atoms = LoraAtoms.of(params, pairs);
        assertEquals(4, atoms.modules().size());
        // The name-based pairing finds the same slots.
        LoraAtoms byName = LoraAtoms.fromSlots(params);
        for (int i = 0; i < 4; i++) {
            assertEquals(atoms.modules().get(i).a(), byName.modules().get(i).a());
            assertEquals(atoms.modules().get(i).b(), byName.modules().get(i).b());
            assertEquals(4, atoms.modules().get(i).rank());
        }
        for (Lora.AdapterPair p : pairs) assertEquals(8.0 / 4, p.adapter().scaling());
        float[] frozen = m.parameters().frozenValues().clone();
        int[] idx = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] tgt = {2, 3, 4, 5, 6, 7, 8, 9};
        Objective obj = () -> m.loss(idx, tgt, 1, 8).item();
        Ar1Zo opt = ZerothOrderOptimizers.ar1Zo(params, atoms, Ar1ZoHyper.SPEC.bind(new HyperParams(Map.of("lr", "0.1"))), obj);
        for (LoraLinear l : Lora.layers(m).values()) assertEquals(8.0, l.adapters().get("default").scaling(), "topology: s = α");
        for (int t = 0; t < 6; t++) {
            float[] before = params.values().clone();
            opt.step();
            int k = t % 4;
            for (LoraAtoms.Factors f : atoms.modules()) {
                boolean moved = false;
                for (int i = 0; i < f.out(); i++) {
                    for (int c = 0; c < 4; c++) {
                        int at = f.bIndex(i, c);
                        if (c != k) assertEquals(before[at], params.values()[at], "B column " + c + " at step " + t);
                        else moved |= before[at] != params.values()[at];
                    }
                }
                for (int r = 0; r < 4; r++) {
                    for (int j = 0; j < f.in(); j++) {
                        int at = f.aIndex(r, j);
                        if (r != k) assertEquals(before[at], params.values()[at], "A row " + r + " at step " + t);
                        else moved |= before[at] != params.values()[at];
                    }
                }
                assertTrue(moved, "atom " + k + " of " + f.a().name() + " moved");
            }
        }
        assertArrayEquals(frozen, m.parameters().frozenValues(), "the frozen base is untouched");
    }

    @Test
    void byNameCanonicalWorksTopologyNeedsTheModulesAndOrderIsAChoice() {
        float[] v = start();
        Objective obj = new Example(v, 2);
        HyperParams canonical = new HyperParams(Map.of("scaling", "canonical", "atom_order", "random"));
        var o = ZerothOrderOptimizers.create("ar1_zo", set(v), new float[v.length], canonical, obj);
        assertEquals("ar1_zo", o.name());
        o.step();
        var e = assertThrows(IllegalArgumentException.class,
                () -> ZerothOrderOptimizers.create("ar1_zo", set(v), new float[v.length], new HyperParams(Map.of()), obj));
        assertTrue(e.getMessage().contains("scaling=topology"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> ZerothOrderOptimizers.create("ar1_zo", set(v), new float[v.length], new HyperParams(Map.of("atom_order", "zigzag")), obj));
        assertTrue(bad.getMessage().contains("cyclic, random"), bad.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> ZerothOrderOptimizers.create("ar1_zo", set(v), new float[v.length], new HyperParams(Map.of("scaling", "canonical", "q", "2")), obj));
        assertTrue(unknown.getMessage().contains("q"), unknown.getMessage());
    }
}
