package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden values for the seed optimizers. Grams, DualAdam/InvAdam and MARS use the float64 worked
 * examples of the algorithm notes the project was specified from (Grams, DualAdam/InvAdam, MARS:
 * float64 scripts and their outputs). XGrad, Adaptive Braking and the layer-wise AdamW rule have no
 * reference code; their numbers come from independent float64 NumPy scripts of the algorithms as
 * documented in the classes' Javadoc, quoted above each test.
 *
 * <p>Tolerance: the ports run in float32 on parameters of order 1 with steps of order 1e-3…1e-1, so
 * after a few steps the error is a few float32 ulps of 1 (≈ 1e-7); the tests allow
 * 1e-5·max(1, |ref|), i.e. ~1e-5 relative on the O(1) parameter scale — far below the effect of any
 * formula error (a wrong bias correction, ε placement or sign changes a step by ≥ 1e-4).
 */
class SeedGoldenTest {
    static final double TOL = 1e-5;

    static void assertClose(double[] expected, float[] actual, int from, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[from + i], TOL * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    /** A parameter set over {@code values} with the given names and shapes, and its optimizer. */
    static TransformOptimizer opt(GradientTransformation tx, float[] values, float[] grads, List<String> names, List<int[]> shapes) {
        return new TransformOptimizer("test", ParamSet.of(values, names, shapes), grads, tx);
    }

    static float[] f(double... v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (float) v[i];
        return r;
    }

    static void setGrad(float[] grads, double... g) {
        for (int i = 0; i < g.length; i++) grads[i] = (float) g[i];
    }

    // ---------------------------------------------------------------- Grams (08_grams.md worked example)

    @Test
    void gramsMatchesWorkedExample() {
        float[] p = f(1, -0.5, 0.3, 0);
        float[] g = new float[4];
        var o = opt(Grams.grams(1e-2, 0.9, 0.999, 1e-6, 0.1, true), p, g, List.of("w"), List.of(new int[] {4}));
        setGrad(g, 0.2, 0.1, -0.3, 0);
        o.step();
        assertClose(new double[] {0.989001580889, -0.509496838722, 0.309698946019, 0}, p, 0, "W1");
        o.zeroGrad();
        setGrad(g, -0.1, 0.2, -0.1, 0.4);
        o.step();
        // coordinate 0 moves against its momentum (m = +0.008): the current gradient's sign wins
        assertClose(new double[] {0.99067557295, -0.518637797225, 0.318099015211, -0.00744077999}, p, 0, "W2");
        assertClose(new double[] {0.008, 0.029, -0.037, 0.04}, o.optState().buffer("exp_avg"), 0, "m2");
    }

    @Test
    void gramsZeroGradientDoesNotMove() {
        // sign(0) = 0: a coordinate whose current gradient is 0 stays put even with momentum (λ = 0).
        float[] p = f(1, 2);
        float[] g = new float[2];
        var o = opt(Grams.grams(0.1, 0.9, 0.999, 1e-6, 0, true), p, g, List.of("w"), List.of(new int[] {2}));
        setGrad(g, 1, 1);
        o.step();
        float before = p[1];
        setGrad(g, 1, 0);
        o.step();
        assertEquals(before, p[1]);
    }

    // ---------------------------------------------------------------- DualAdam / InvAdam (04 worked example)

    static final double[][] DUAL_GRADS = {{0.2, -0.1, 0.4}, {0.1, 0.3, -0.2}, {-0.3, 0.2, 0.1}, {0.05, -0.05, 0.2}};

    @Test
    void dualAdamMatchesWorkedExample() {
        float[] p = f(1, -2, 0.5);
        float[] g = new float[3];
        var o = opt(DualAdam.dualAdam(0.1, 0.9, 0.999, 1e-8, 0, 0.3), p, g, List.of("p"), List.of(new int[] {3}));
        double[][] expected = {
            {0.96720000136, -1.96930000293, 0.45880000047},     // r = 0.7, mixed
            {0.910337326665, -1.999940166862, 0.441754750168},  // r = 0.4, mixed
            {0.918535006071, -2.066380283113, 0.407711836634},  // r = 0.1 < s: Adam
            {0.917487337062, -2.112619633446, 0.358887906207},  // r = 0: Adam
        };
        for (int t = 0; t < 4; t++) {
            setGrad(g, DUAL_GRADS[t]);
            o.step();
            assertClose(expected[t], p, 0, "p" + (t + 1));
        }
        assertEquals(4, o.hyper("count"));
    }

    /*
     * InvAdam (r ≡ 1), same inputs as the DualAdam example but λ = 0.05, float64 NumPy:
     *   m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g
     *   mh = m/(1-b1**t); den = np.sqrt(v/(1-b2**t)) + eps
     *   p = p - wd*lr*p; p = p - lr*mh*den
     */
    @Test
    void invAdamMatchesFloat64Script() {
        float[] p = f(1, -2, 0.5);
        float[] g = new float[3];
        var o = opt(DualAdam.invAdam(0.1, 0.9, 0.999, 1e-8, 0.05), p, g, List.of("p"), List.of(new int[] {3}));
        double[][] expected = {
            {0.9909999998, -1.9889999999, 0.4814999996},
            {0.9837152500410744, -1.9815269380516154, 0.4764299285320098},
            {0.9791793689450318, -1.9747205066599534, 0.4716664775885611},
            {0.9742461531537167, -1.966493761223391, 0.4662590297453611},
        };
        for (int t = 0; t < 4; t++) {
            setGrad(g, DUAL_GRADS[t]);
            o.step();
            assertClose(expected[t], p, 0, "p" + (t + 1));
        }
    }

    @Test
    void dualAdamSwitchIsDecidedInDouble() {
        // s = 0.1: at t = 9, 1 − 9·0.1 = 0.09999999999999998 in double, which is < s, so step 9 is pure
        // Adam (exact arithmetic would give r = s and one more mixed step). The moments do not depend on
        // r, so step 9's update must equal Adam's (λ = 0) on the same gradients; step 8 (r = 0.2) must not.
        var dual = DualAdam.dualAdam(0.01, 0.9, 0.999, 1e-8, 0, 0.1);
        var adam = Transforms.chain(Adam.scaleByAdam(0.9, 0.999, 1e-8, false), Transforms.scaleByLearningRate(0.01));
        float[] p = f(0.5, -0.5, 1);
        ParamSet ps = ParamSet.of(p, List.of("p"), List.of(new int[] {3}));
        OptState sd = dual.init(ps);
        OptState sa = adam.init(ps);
        for (int t = 1; t <= 9; t++) {
            float[] ud = f(0.1 * t, -0.2, 0.05 * (t % 3));
            float[] ua = ud.clone();
            dual.update(ud, sd, ps);
            adam.update(ua, sa, ps);
            if (t == 8) assertFalse(java.util.Arrays.equals(ud, ua), "step 8 is still mixed");
            if (t == 9) assertArrayEquals(ua, ud, 1e-9f, "step 9 is Adam");
        }
    }

    // ---------------------------------------------------------------- MARS (07_mars.md worked examples)

    static final List<String> W = List.of("W");
    static final List<int[]> W22 = List.of(new int[] {2, 2});

    static TransformOptimizer mars(Mars.Type type, float[] p, float[] g, List<int[]> shapes) {
        var tx = Mars.mars(type, 3e-3, 0.95, 0.99, 1e-8, 0.01, 0.025, false, Mars.OneD.defaults());
        return opt(tx, p, g, List.of("W"), shapes);
    }

    @Test
    void marsAdamWMatchesWorkedExampleWithClipping() {
        float[] p = f(0.5, -0.2, 0.3, 0.4);
        float[] g = new float[4];
        var o = mars(Mars.Type.ADAMW, p, g, W22);
        setGrad(g, 2, -1, 0.5, 3);
        o.step();
        assertClose(new double[] {0.49698500005662377, -0.19699400011324752, 0.296991000226495, 0.3969880000377492}, p, 0, "W1");
        o.zeroGrad(); // the previous gradient must survive this: the port keeps a copy
        setGrad(g, 0.1, -0.2, 0.05, 0.1);
        o.step();
        assertClose(new double[] {0.497033744547789, -0.19598173215051726, 0.296743483689036, 0.397128854080304}, p, 0, "W2");
        assertClose(new double[] {0.1, -0.2, 0.05, 0.1}, o.optState().buffer("last_grad"), 0, "last_grad");
    }

    @Test
    void marsLionMatchesWorkedExample() {
        float[] p = f(0.5, -0.2, 0.3, 0.4);
        float[] g = new float[4];
        var o = mars(Mars.Type.LION, p, g, W22);
        setGrad(g, 2, -1, 0.5, 3);
        o.step();
        assertClose(new double[] {0.496985, -0.196994, 0.296991, 0.396988}, p, 0, "W1");
        o.zeroGrad();
        setGrad(g, 0.1, -0.2, 0.05, 0.1);
        o.step();
        assertClose(new double[] {0.49997009045, -0.19398809018, 0.29398209027, 0.39997609036}, p, 0, "W2");
    }

    @Test
    void marsAdamWMatchesWorkedExampleWithoutClipping() {
        float[] p = f(0.5, -0.2, 0.3, 0.4);
        float[] g = new float[4];
        var o = mars(Mars.Type.ADAMW, p, g, W22);
        setGrad(g, 0.1, -0.05, 0.02, 0.2);
        o.step();
        assertClose(new double[] {0.4969850002033898, -0.1969940004067796, 0.2969910010169488, 0.39698800010169494}, p, 0, "W1");
        setGrad(g, 0.08, -0.06, 0.03, 0.1);
        o.step();
        assertClose(new double[] {0.49416254451830555, -0.19399842079279891, 0.29398701438104885, 0.3945542056829246}, p, 0, "W2");
    }

    @Test
    void marsOneDimensionalParametersTakeAdamW() {
        // Worked example (c): betas_1d = (0.9, 0.95), lr_1d = 3e-3 (= lr, factor 1), weight_decay_1d = 0.1.
        for (Mars.Type type : Mars.Type.values()) {
            float[] p = f(0.5, -1);
            float[] g = new float[2];
            var o = mars(type, p, g, List.of(new int[] {2}));
            setGrad(g, 0.2, -0.4);
            o.step();
            assertClose(new double[] {0.49685000014999997, -0.996700000075}, p, 0, type + " p1");
            setGrad(g, 0.1, 0.3);
            o.step();
            assertClose(new double[] {0.49388306612468, -0.9961320667238286}, p, 0, type + " p2");
        }
    }

    @Test
    void marsClipsEachTensorSeparately() {
        // Two 2-D tensors in one set, the first with the large gradient of example (a) and the second
        // with the small one of (b): each must follow its own example (norms are per tensor).
        float[] p = f(0.5, -0.2, 0.3, 0.4, 0.5, -0.2, 0.3, 0.4);
        float[] g = new float[8];
        var tx = Mars.mars(Mars.Type.ADAMW, 3e-3, 0.95, 0.99, 1e-8, 0.01, 0.025, false, Mars.OneD.defaults());
        var o = opt(tx, p, g, List.of("A", "B"), List.of(new int[] {2, 2}, new int[] {2, 2}));
        setGrad(g, 2, -1, 0.5, 3, 0.1, -0.05, 0.02, 0.2);
        o.step();
        assertClose(new double[] {0.49698500005662377, -0.19699400011324752, 0.296991000226495, 0.3969880000377492}, p, 0, "A1");
        assertClose(new double[] {0.4969850002033898, -0.1969940004067796, 0.2969910010169488, 0.39698800010169494}, p, 4, "B1");
    }

    // ---------------------------------------------------------------- moments in double (bench/golden/grams_mars_moments.py)

    /*
     * Grams and MARS moments after three steps with β₂ = 0.999, against float64 values from
     * bench/golden/grams_mars_moments.py (the reference semantics in NumPy). 1 − β is computed in double and
     * rounded once: the float difference 1 − (float) 0.999 is 1.3e-5 relative off, 13 times the 1e-6 allowed here.
     */
    static final double[][] MOMENT_GRADS = {{0.2, 0.1, -0.3, 0.05}, {-0.1, 0.2, -0.1, 0.4}, {0.3, -0.2, 0.25, 0.1}};

    static void assertRelative(double[] expected, float[] actual, String what) {
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * scale, what + "[" + i + "]");
        }
    }

    static OptState runMoments(GradientTransformation tx, int[] shape) {
        float[] p = f(1, -0.5, 0.3, 0.2);
        float[] g = new float[4];
        var o = opt(tx, p, g, List.of("w"), List.of(shape));
        for (double[] grad : MOMENT_GRADS) {
            o.zeroGrad();
            setGrad(g, grad);
            o.step();
        }
        return o.optState();
    }

    @Test
    void gramsMomentsMatchFloat64() {
        OptState st = runMoments(Grams.grams(1e-2, 0.9, 0.999, 1e-6, 0.1, true), new int[] {4});
        assertRelative(new double[] {0.03719999999999999, 0.006100000000000001, -0.008300000000000002, 0.05005},
                st.buffer("exp_avg"), "m");
        assertRelative(new double[] {0.00013991004000000015, 8.994001000000009e-05, 0.00016231009000000016,
                0.00017233500250000018}, st.buffer("exp_avg_sq"), "v");
    }

    @Test
    void marsMomentsMatchFloat64() {
        var twoD = Mars.mars(Mars.Type.ADAMW, 3e-3, 0.95, 0.999, 1e-8, 0.01, 0.025, false, Mars.OneD.defaults());
        OptState st = runMoments(twoD, new int[] {2, 2});
        assertRelative(new double[] {0.026293125000000014, -0.0010878125000000002, 0.0006071874999999984,
                0.02809984375000002}, st.buffer("exp_avg"), "2-D m");
        assertRelative(new double[] {0.00038569848077500007, 0.00023500775300625007, 0.0003687038708062501,
                0.0003275528632515627}, st.buffer("exp_avg_sq"), "2-D v");
        var oneD = Mars.mars(Mars.Type.ADAMW, 3e-3, 0.95, 0.99, 1e-8, 0.01, 0.025, false,
                new Mars.OneD(false, 3e-3, 0.9, 0.999, 0.1));
        st = runMoments(oneD, new int[] {4});
        assertRelative(new double[] {0.03719999999999999, 0.006100000000000001, -0.008300000000000002, 0.05005},
                st.buffer("exp_avg"), "1-D m");
        assertRelative(new double[] {0.00013991004000000015, 8.994001000000009e-05, 0.00016231009000000016,
                0.00017233500250000018}, st.buffer("exp_avg_sq"), "1-D v");
    }

    // ---------------------------------------------------------------- XGrad

    /*
     * XGrad around AdamW (lr 0.05, betas (0.9, 0.999), eps 1e-8, wd 0.1, s = 1) on f = ½Σ a_i x_i²,
     * a = [1, 2, 3], x0 = [1, −0.5, 0.25]; the gradient is taken at the model buffer (the predicted
     * weights). Float64 NumPy:
     *   p = w.copy()
     *   for t in 1..3:
     *       g = a*p
     *       m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g
     *       d = -lr*((m/(1-b1**t))/(np.sqrt(v/(1-b2**t))+eps) + wd*w)
     *       w = w + d; p = w + s*d
     */
    @Test
    void xgradMatchesFloat64Script() {
        float[] p = f(1, -0.5, 0.25);
        float[] g = new float[3];
        var tx = XGrad.xgrad(Adam.adamw(0.05, 0.9, 0.999, 1e-8, 0.1, s -> true), 1);
        var o = opt(tx, p, g, List.of("x"), List.of(new int[] {3}));
        double[][] trueW = {
            {0.9450000005, -0.4475000005, 0.19875000066666665},
            {0.8905109284795806, -0.3959068521300393, 0.14999132081141925},
            {0.8365092771614215, -0.34517444206654674, 0.10385528423602522},
        };
        double[][] model = {
            {0.890000001, -0.395000001, 0.1475000013333333},
            {0.8360218564591612, -0.3443137037600786, 0.10123264095617185},
            {0.7825076258432625, -0.2944420320030542, 0.05771924766063119},
        };
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 3; i++) g[i] = (i + 1) * p[i];
            o.step();
            assertClose(trueW[t], XGrad.trueWeights(o.optState()), 0, "true" + (t + 1));
            assertClose(model[t], p, 0, "model" + (t + 1));
        }
        float[] copy = new float[3];
        XGrad.copyTrueWeights(o.optState(), o.paramSet(), copy);
        assertArrayEquals(XGrad.trueWeights(o.optState()), copy);
    }

    @Test
    void xgradWithoutPredictionIsTheBaseBitForBit() {
        float[] p1 = f(1, -0.5, 0.25, 2);
        float[] p2 = p1.clone();
        float[] g1 = new float[4];
        float[] g2 = new float[4];
        var a = opt(XGrad.xgrad(Adam.adamw(0.05, 0.9, 0.999, 1e-8, 0.1, s -> true), 0), p1, g1, List.of("x"), List.of(new int[] {4}));
        var b = opt(Adam.adamw(0.05, 0.9, 0.999, 1e-8, 0.1, s -> true), p2, g2, List.of("x"), List.of(new int[] {4}));
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < 4; i++) {
                g1[i] = (i + 1) * p1[i] * p1[i] - 0.3f;
                g2[i] = (i + 1) * p2[i] * p2[i] - 0.3f;
            }
            a.step();
            b.step();
            assertArrayEquals(p2, p1);
            assertArrayEquals(p2, XGrad.trueWeights(a.optState()));
        }
    }

    @Test
    void xgradPredictsWithSgdMomentumVelocity() {
        // Base SGD with momentum (torch semantics): u = −η·buf, so the model buffer is θ + s·(−η·buf).
        var base = Transforms.chain(Transforms.trace(0.9, false), Transforms.scaleByLearningRate(0.1));
        float[] p = f(1, 2);
        float[] g = new float[2];
        var o = opt(XGrad.xgrad(base, 2), p, g, List.of("x"), List.of(new int[] {2}));
        setGrad(g, 1, -1);
        o.step();
        float[] w = XGrad.trueWeights(o.optState());
        assertEquals(0.9f, w[0], 1e-7f);
        assertEquals(2.1f, w[1], 1e-6f);
        assertEquals(0.9f - 2 * 0.1f, p[0], 1e-6f);
        assertEquals(2.1f + 2 * 0.1f, p[1], 1e-6f);
    }

    // ---------------------------------------------------------------- Adaptive Braking

    /*
     * Adaptive Braking on SGD momentum (lr 0.1, μ 0.9, ρ 1, wd 0.01), tensors a[3] and b[2], float64 NumPy:
     *   g = grad + wd*θ;  cos = g·buf/(‖g‖‖buf‖) (0 when either is 0)
     *   buf = μ*buf + (1 − ρ*cos)*g;  θ = θ − lr*buf
     * cos per step: a 0, 0.8049863213583291, −0.5534886479370797; b 0, −0.7640753541324461, −0.9990145414732032.
     */
    @Test
    void adaptiveBrakingMatchesFloat64Script() {
        float[] p = f(0.5, -1, 2, 1.5, -0.25);
        float[] g = new float[5];
        var o = opt(AdaptiveBraking.sgdm(0.1, 0.9, 1.0, 0.01), p, g, List.of("a", "b"), List.of(new int[] {3}, new int[] {2}));
        double[][] grads = {{0.3, -0.2, 0.1, 1.0, 0.5}, {0.2, -0.1, 0.3, -1.0, 0.25}, {-0.4, 0.1, 0.2, 0.5, -0.5}};
        double[][] expected = {
            {0.46950000000000003, -0.979, 1.988, 1.3985, -0.29975},
            {0.43805816750504434, -0.957958944822193, 1.9709619024476102, 1.4810904760304904, -0.38809810226590996},
            {0.4712195457867122, -0.9530687032955666, 1.921495974750749, 1.4525104559854491, -0.36688485348162103},
        };
        for (int t = 0; t < 3; t++) {
            setGrad(g, grads[t]);
            o.step();
            assertClose(expected[t], p, 0, "theta" + (t + 1));
        }
    }

    @Test
    void adaptiveBrakingWithoutBrakingIsSgdMomentumBitForBit() {
        float[] p1 = f(1, -2, 0.5);
        float[] p2 = p1.clone();
        float[] g1 = new float[3];
        float[] g2 = new float[3];
        var a = opt(AdaptiveBraking.sgdm(0.05, 0.9, 0, 0), p1, g1, List.of("x"), List.of(new int[] {3}));
        var b = opt(Transforms.chain(Transforms.trace(0.9, false), Transforms.scaleByLearningRate(0.05)), p2, g2,
                List.of("x"), List.of(new int[] {3}));
        for (int t = 0; t < 30; t++) {
            for (int i = 0; i < 3; i++) {
                g1[i] = (i + 1) * p1[i];
                g2[i] = (i + 1) * p2[i];
            }
            a.step();
            b.step();
            assertArrayEquals(p2, p1);
        }
    }

    @Test
    void brakingFactorFollowsAlignment() {
        // One tensor, buf = (1, 0) after the first step; a gradient along buf is scaled by 1 − ρ and one
        // against it by 1 + ρ (here ρ = 0.5, μ = 0, η = 1: the update is −factor·g).
        var tx = AdaptiveBraking.sgdm(1, 0.5, 0.5, 0);
        float[] p = f(0, 0);
        ParamSet ps = ParamSet.of(p, List.of("x"), List.of(new int[] {2}));
        OptState st = tx.init(ps);
        float[] u = f(1, 0);
        tx.update(u, st, ps);                       // buf = (1, 0)
        float[] aligned = f(2, 0);
        OptState copy = tx.init(ps);
        tx.update(f(1, 0), copy, ps);
        tx.update(aligned, copy, ps);               // buf = 0.5·1 + 0.5·2 = 1.5
        assertEquals(-1.5f, aligned[0], 1e-6f);
        float[] against = f(-2, 0);
        tx.update(against, st, ps);                 // buf = 0.5·1 + 1.5·(−2) = −2.5
        assertEquals(2.5f, against[0], 1e-6f);
    }

    // ---------------------------------------------------------------- layer-wise AdamW

    /*
     * Slots h.weight [2,2] (matrix-like: lr/m, wd·m), h.bias [2] and wte.weight [2,2] (vector-like: lr,
     * no decay); m = 4, lr 0.01, betas (0.9, 0.95), eps 1e-8, wd 0.1; torch.optim.AdamW per parameter,
     * float64 NumPy, g_i(t) = ((5i + 3t) % 7 − 3)/4:
     *   eta = lr*lrm; lam = wd*wdm; p = p*(1 - eta*lam)
     *   m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g
     *   p = p - (eta/(1-b1**t)) * m/(np.sqrt(v)/np.sqrt(1-b2**t) + eps)
     */
    @Test
    void layerwiseAdamWMatchesFloat64Script() {
        float[] p = f(0.5, -0.25, 1.0, 0.75, 0.1, -0.2, 0.3, 0.4, -0.6, 0.8);
        float[] g = new float[10];
        var rule = new LayerwiseScaling(4);
        var o = opt(rule.adamw(0.01, 0.9, 0.95, 1e-8, 0.1), p, g, List.of("h.weight", "h.bias", "wte.weight"),
                List.of(new int[] {2, 2}, new int[] {2}, new int[] {2, 2}));
        assertArrayEquals(new double[] {0.25, 1, 1}, rule.lrMultipliers(o.paramSet()));
        assertArrayEquals(new double[] {4, 0, 0}, rule.weightDecayMultipliers(o.paramSet()));
        double[][] expected = {
            {0.4995, -0.24725000005, 0.9965000000333333, 0.7467500000999999, 0.10999999960000002, -0.19000000013333335,
                0.2900000002, 0.4, -0.5900000002, 0.7900000001333334},
            {0.4971631000284515, -0.2463318264468457, 0.994492733296969, 0.7472264894971069, 0.10636626018645476,
                -0.18321352279486544, 0.29052631597894735, 0.39265040011380586, -0.5873163057875828, 0.7859569331880096},
        };
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 10; i++) g[i] = ((i * 5 + 3 * t) % 7 - 3) / 4f;
            o.step();
            assertClose(expected[t - 1], p, 0, "p" + t);
        }
        assertEquals(0.01, o.learningRate());
    }

    @Test
    void layerwiseRuleClassifiesGptParameters() {
        Gpt gpt = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, true), 1);
        FlatParameters fp = gpt.parameters();
        ParamSet ps = ParamSet.of(fp);
        var rule = new LayerwiseScaling(2);
        int matrices = 0;
        for (ParamSlot s : ps.slots()) {
            boolean embedding = s.name().contains("wte") || s.name().contains("wpe");
            boolean expected = s.rank() >= 2 && !embedding;
            assertEquals(expected, rule.isMatrixLike(s), s.name());
            assertEquals(expected ? 0.5 : 1.0, rule.lrMultiplier(s), s.name());
            assertEquals(expected ? 2.0 : 0.0, rule.weightDecayMultiplier(s), s.name());
            // η·λ is width-invariant on matrix-like parameters: the rule's defining property.
            if (expected) assertEquals(1.0, rule.lrMultiplier(s) * rule.weightDecayMultiplier(s), 1e-15);
            if (expected) matrices++;
        }
        assertEquals(2 * 4, matrices); // c_attn, attn.c_proj, c_fc, mlp.c_proj per layer
        assertThrows(IllegalArgumentException.class, () -> new LayerwiseScaling(0));
    }

    // ---------------------------------------------------------------- registry

    static final List<String> NAMES = List.of("grams", "invadam", "dualadam", "mars_adamw", "mars_lion", "xgrad",
            "adaptive_braking", "adamw_layerwise");

    @Test
    void everyOptimizerIsRegisteredWithItsProvenance() {
        OptimizerRegistry r = OptimizerRegistry.defaults();
        for (String n : NAMES) {
            OptimizerInfo info = r.info(n);
            assertFalse(info.paper().isBlank(), n);
            assertFalse(info.reference().isBlank(), n);
            assertFalse(info.license().isBlank(), n);
            assertTrue(info.stateFloatsPerParam() >= 1, n);
            float[] values = f(1, 2, 3, 4, 5, 6);
            float[] grads = new float[6];
            Optimizer o = r.create(n, ParamSet.of(values, List.of("w", "b"), List.of(new int[] {2, 2}, new int[] {2})), grads, HyperParams.empty());
            assertEquals(n, o.name());
            assertTrue(o.learningRate() > 0, n);
        }
    }

    @Test
    void invalidHyperparametersNameTheKey() {
        OptimizerRegistry r = OptimizerRegistry.defaults();
        List<String[]> bad = new ArrayList<>();
        for (String n : NAMES) {
            bad.add(new String[] {n, "lr=-1", "lr"});
        }
        for (String n : List.of("grams", "invadam", "dualadam", "mars_adamw", "mars_lion", "xgrad", "adamw_layerwise")) {
            bad.add(new String[] {n, "betas=1.2,0.9", "betas"});
            bad.add(new String[] {n, "eps=-1", "eps"});
        }
        bad.add(new String[] {"dualadam", "switch_rate=-0.1", "switch_rate"});
        bad.add(new String[] {"mars_adamw", "gamma=-1", "gamma"});
        bad.add(new String[] {"mars_adamw", "betas_1d=0.9,1.5", "betas_1d"});
        bad.add(new String[] {"mars_adamw", "lr=0", "lr"});
        bad.add(new String[] {"mars_lion", "is_approx=false", "is_approx"});
        bad.add(new String[] {"xgrad", "prediction_steps=-1", "prediction_steps"});
        bad.add(new String[] {"xgrad", "base=lion", "base"});
        bad.add(new String[] {"adaptive_braking", "momentum=1", "momentum"});
        bad.add(new String[] {"adaptive_braking", "rho=-1", "rho"});
        bad.add(new String[] {"adamw_layerwise", "width_mult=0", "width_mult"});
        bad.add(new String[] {"grams", "momentum=0.9", "momentum"}); // unknown name for grams
        for (String[] b : bad) {
            float[] values = f(1, 2, 3, 4);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> r.create(b[0], ParamSet.of(values, List.of("w"), List.of(new int[] {2, 2})), new float[4],
                            HyperParams.parse(List.of(b[1]))), b[0] + " " + b[1]);
            assertTrue(e.getMessage().startsWith(b[2] + " ") || e.getMessage().contains("'" + b[2] + "'"),
                    b[0] + " " + b[1] + ": " + e.getMessage());
        }
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        OptimizerRegistry r = OptimizerRegistry.defaults();
        for (String n : NAMES) {
            float[] va = f(0.5, -1, 0.25, 2, 1, -0.5);
            float[] ga = new float[6];
            ParamSet psa = ParamSet.of(va, List.of("w", "b"), List.of(new int[] {2, 2}, new int[] {2}));
            Optimizer a = r.create(n, psa, ga, HyperParams.empty());
            for (int t = 0; t < 3; t++) {
                for (int i = 0; i < 6; i++) ga[i] = (float) Math.sin(va[i] * (i + 1) + t);
                a.step();
                a.zeroGrad();
            }
            Map<String, dev.descent.tensor.Tensor> saved = new java.util.LinkedHashMap<>();
            for (var e : a.state().entrySet()) saved.put(e.getKey(), e.getValue().copy());
            Map<String, Double> scalars = a.scalars();
            float[] vb = va.clone();
            float[] gb = new float[6];
            Optimizer b = r.create(n, ParamSet.of(vb, List.of("w", "b"), List.of(new int[] {2, 2}, new int[] {2})), gb, HyperParams.empty());
            b.loadState(saved, scalars);
            for (int t = 3; t < 6; t++) {
                for (int i = 0; i < 6; i++) {
                    ga[i] = (float) Math.sin(va[i] * (i + 1) + t);
                    gb[i] = (float) Math.sin(vb[i] * (i + 1) + t);
                }
                a.step();
                b.step();
                assertArrayEquals(va, vb, n);
            }
        }
    }
}
