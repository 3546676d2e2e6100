package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.Problems;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SophiaTest {
    /*
     * Tolerance for the golden values: the Java path runs in float32 with a handful of operations per
     * element per step, so each value may differ from the float64 reference by a few float32 ulps of
     * its magnitude (ulp(1) = 1.19e-7). 1e-6 · max(1, |expected|) (≈ 8 ulp) covers three steps; a
     * wrong formula (a missing (1 − β), the decay on the post-update θ, a wrong refresh step) changes
     * the values at the 1e-3 level or more.
     */
    static final double TOL = 1e-6;

    static ParamSet vector(float[] values) {
        return ParamSet.of(values, List.of("w"), List.of(new int[] {values.length}));
    }

    /** An estimator that returns fixed vectors by step (and records the steps and parameters it saw). */
    static final class Scripted implements CurvatureEstimator {
        final Map<Long, float[]> byStep;
        final List<Long> steps = new ArrayList<>();
        final List<float[]> paramsSeen = new ArrayList<>();

        Scripted(Map<Long, float[]> byStep) { this.byStep = byStep; }

        @Override
        public void estimate(float[] params, float[] out, long step) {
            steps.add(step);
            paramsSeen.add(params.clone());
            float[] v = byStep.getOrDefault(step, new float[out.length]);
            System.arraycopy(v, 0, out, 0, out.length);
        }
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    /**
     * Golden values: the worked example of the algorithm notes the project was specified from
     * (float64 NumPy, written from Liuhong99/Sophia @ a7e15722 SophiaG.step / update_hessian):
     * lr 0.1, β = (0.965, 0.99), ρ 0.04, λ 0.1 (all parameters), bs 1000; W0 = [1, −0.5, 0.2, 0];
     * step g1 = [.3, −.2, 0, .05]; update_hessian with ĝ = [.5, .1, .2, .02]; step g2 = [.1, −.4, .1, 0].
     * Here the refresh before step 2 is hess_interval k = 1, and the estimator is a
     * Gauss–Newton–Bartlett estimator whose "sampled-label gradient" is that fixed ĝ with B = 1, so
     * ĥ = ĝ ⊙ ĝ as in the reference's update_hessian, and bs = 1000 is applied in the step.
     */
    @Test
    void sophiagMatchesTheReferenceWorkedExample() {
        float[] w = {1f, -0.5f, 0.2f, 0f};
        float[] g = new float[4];
        float[] gHat = {0.5f, 0.1f, 0.2f, 0.02f};
        List<Long> calls = new ArrayList<>();
        var est = new GaussNewtonBartlettEstimator(4, (params, out, step) -> {
            calls.add(step);
            System.arraycopy(gHat, 0, out, 0, 4);
            return 1;
        });
        var opt = new TransformOptimizer("sophiag", vector(w), g,
                Sophia.sophiag(0.1, 0.965, 0.99, 0.04, 0.1, 1000, 1, p -> true, est));
        OptState st = opt.optState().child("0");

        System.arraycopy(new float[] {0.3f, -0.2f, 0f, 0.05f}, 0, g, 0, 4);
        opt.step();
        assertTrue(calls.isEmpty(), "h = 0 on step 1: no estimate before the first step (reference schedule)");
        assertClose(new double[] {0.89, -0.395, 0.198, -0.1}, w, "W1");
        assertClose(new double[] {0.0105, -0.007, 0, 0.00175}, st.buffer("exp_avg"), "m1");

        System.arraycopy(new float[] {0.1f, -0.4f, 0.1f, 0f}, 0, g, 0, 4);
        opt.step();
        assertEquals(List.of(2L), calls);
        assertClose(new double[] {2.5e-3, 1e-4, 4e-4, 4e-6}, st.buffer("hessian"), "h");
        assertClose(new double[] {0.0136325, -0.020755, 0.0035, 0.00168875}, st.buffer("exp_avg"), "m2");
        assertClose(new double[] {0.8674675, -0.29105, 0.174145, -0.199}, w, "W2");
    }

    /*
     * Golden values for SophiaH (no reference code exists; spec 06_sophia.md, paper algorithm):
     * computed by an independent float64 NumPy script written for this test —
     *
     *   lr, b1, b2, gamma, eps, wd, k = 0.1, 0.965, 0.99, 0.01, 1e-12, 0.1, 2
     *   p = [1, -0.5, 0.2, 0]; m = h = 0
     *   G = [[.3,-.2,0,.05], [.1,-.4,.1,0], [-.2,.1,.3,-.1]]
     *   H = {1: [400,-10,300,50], 3: [100,20,-50,10]}            # Hutchinson draws ĥ (may be negative)
     *   for t in 1, 2, 3:
     *       if (t-1) % k == 0: h = b2*h + (1-b2)*H[t]
     *       m = b1*m + (1-b1)*G[t-1]
     *       u = clip(m / maximum(gamma*h, eps), -1, 1)
     *       p = p - lr*wd*p;  p = p - lr*u
     *
     * Element 1 has h < 0 (denominator ε, u = −1); element 2 has ĥ < 0 at t = 3 but h > 0.
     */
    @Test
    void sophiahMatchesIndependentFloat64Values() {
        float[] w = {1f, -0.5f, 0.2f, 0f};
        float[] g = new float[4];
        var est = new Scripted(Map.of(1L, new float[] {400, -10, 300, 50}, 3L, new float[] {100, 20, -50, 10}));
        var opt = new TransformOptimizer("sophiah", vector(w), g,
                Sophia.sophiah(0.1, 0.965, 0.99, 0.01, 1e-12, 0.1, 2, p -> true, est));
        OptState st = opt.optState().child("0");
        float[][] grads = {{0.3f, -0.2f, 0f, 0.05f}, {0.1f, -0.4f, 0.1f, 0f}, {-0.2f, 0.1f, 0.3f, -0.1f}};
        double[][] pExp = {
            {0.96375, -0.395, 0.198, -0.035},
            {0.9200312500000001, -0.29105000000000003, 0.18435333333333334, -0.06842499999999999},
            {0.8984209324596776, -0.18813950000000004, 0.12632558947368422, -0.03630619117647058},
        };
        double[][] mExp = {
            {0.0105, -0.007, 0, 0.00175},
            {0.0136325, -0.020755, 0.0035, 0.00168875},
            {0.0061553625, -0.016528575, 0.0138775, -0.00187035625},
        };
        for (int t = 0; t < 3; t++) {
            System.arraycopy(grads[t], 0, g, 0, 4);
            opt.step();
            assertClose(pExp[t], w, "W" + (t + 1));
            assertClose(mExp[t], st.buffer("exp_avg"), "m" + (t + 1));
        }
        assertEquals(List.of(1L, 3L), est.steps, "SophiaH refreshes on steps 1, k+1, …");
        assertClose(new double[] {4.96, 0.101, 2.47, 0.595}, st.buffer("hessian"), "h3");
    }

    @Test
    void refreshScheduleAndTheParametersTheEstimateSees() {
        for (boolean g : new boolean[] {true, false}) {
            float[] w = {1f, 2f};
            float[] grad = new float[2];
            var est = new Scripted(Map.of());
            GradientTransformation tx = g ? Sophia.sophiag(0.01, 0.9, 0.99, 0.04, 0, 1, 3, p -> true, est)
                    : Sophia.sophiah(0.01, 0.9, 0.99, 0.01, 1e-12, 0, 3, p -> true, est);
            var opt = new TransformOptimizer("s", vector(w), grad, tx);
            List<float[]> before = new ArrayList<>();
            for (int t = 1; t <= 10; t++) {
                before.add(w.clone());
                grad[0] = 1f;
                grad[1] = -1f;
                opt.step();
            }
            List<Long> expected = g ? List.of(4L, 7L, 10L) : List.of(1L, 4L, 7L, 10L);
            assertEquals(expected, est.steps, g ? "sophiag" : "sophiah");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(before.get((int) (long) expected.get(i) - 1), est.paramsSeen.get(i),
                        "the estimate is taken at the parameters before the step's update");
            }
        }
    }

    @Test
    void hZeroGivesASignMomentumStepAndZeroMomentumDoesNotMove() {
        float[] w = {0.5f, 0.5f, 0.5f};
        float[] g = {2f, -1e-6f, 0f};
        var opt = new TransformOptimizer("sophiag", vector(w), g,
                Sophia.sophiag(0.1, 0.9, 0.99, 0.04, 0, 1, 10, p -> true, new Scripted(Map.of())));
        opt.step();
        assertArrayEquals(new float[] {0.4f, 0.6f, 0.5f}, w, 1e-7f);
    }

    @Test
    void decayFollowsTheMask() {
        float[] values = new float[6 + 2];
        java.util.Arrays.fill(values, 1f);
        ParamSet ps = ParamSet.of(values, List.of("w", "b"), List.of(new int[] {2, 3}, new int[] {2}));
        float[] g = new float[8];
        var opt = SophiaOptimizers.create("sophiag", ps, g, new HyperParams(Map.of("lr", "0.1", "weight_decay", "0.5")),
                new Scripted(Map.of()));
        opt.step(); // g = 0 ⇒ m = 0 ⇒ u = 0: only the decay moves
        for (int i = 0; i < 6; i++) assertEquals(0.95f, values[i], 1e-7f, "matrix decays");
        for (int i = 6; i < 8; i++) assertEquals(1f, values[i], "vector does not decay");
    }

    // ------------------------------------------------------------------ registry and context

    @Test
    void registeredWithProvenance() {
        var reg = OptimizerRegistry.defaults();
        for (String name : List.of("sophiag", "sophiah")) assertTrue(reg.info(name).paper().contains("Sophia"));
        assertEquals("MIT", reg.info("sophiag").license());
    }

    @Test
    void registryWithoutAnEstimatorFailsClearly() {
        Problem p = Problems.byName("quadratic");
        float[] x = p.start();
        ParamSet ps = ParamSet.of(x, p.names(), p.shapes());
        var e = assertThrows(IllegalStateException.class,
                () -> OptimizerRegistry.defaults().create("sophiag", ps, new float[x.length], HyperParams.empty()));
        assertTrue(e.getMessage().startsWith("sophiag needs a curvature estimator: "), e.getMessage());
        // The estimator of the other variant only does not help.
        Curvature hutchinsonOnly = new Curvature(null, HutchinsonEstimator.of(p, 1));
        var e2 = assertThrows(IllegalStateException.class,
                () -> OptimizerRegistry.defaults().create("sophiag", ps, new float[x.length], HyperParams.empty(), hutchinsonOnly));
        assertTrue(e2.getMessage().contains("Gauss-Newton-Bartlett"));
        OptimizerRegistry.defaults().create("sophiah", ps, new float[x.length], HyperParams.empty(), hutchinsonOnly);
    }

    @Test
    void invalidSettingsAreRefusedBeforeTheEstimatorIsNeeded() {
        Problem p = Problems.byName("rosenbrock");
        float[] x = p.start();
        ParamSet ps = ParamSet.of(x, p.names(), p.shapes());
        for (var e : dev.descent.optim.suite.SophiaCases.cases().entrySet()) {
            for (String bad : e.getValue().invalid()) {
                String key = bad.substring(0, bad.indexOf('='));
                var ex = assertThrows(IllegalArgumentException.class,
                        () -> OptimizerRegistry.defaults().create(e.getKey(), ps, new float[2], HyperParams.parse(List.of(bad))),
                        e.getKey() + " " + bad);
                assertTrue(ex.getMessage().contains(key), ex.getMessage());
            }
        }
        var ex = assertThrows(IllegalArgumentException.class,
                () -> OptimizerRegistry.defaults().create("sophiah", ps, new float[2], HyperParams.parse(List.of("bs=10")), Curvature.forProblem(p, 3)));
        assertTrue(ex.getMessage().contains("unknown hyperparameter 'bs'"), ex.getMessage());
    }

    @Test
    void withEstimatorBuildsWithoutAContext() {
        Problem p = Problems.byName("quadratic");
        float[] x = p.start();
        float[] g = new float[x.length];
        var opt = SophiaOptimizers.withEstimator("sophiah", HutchinsonEstimator.of(p, 5))
                .create(ParamSet.of(x, p.names(), p.shapes()), g, new HyperParams(Map.of("lr", "0.03", "weight_decay", "0")));
        for (int i = 0; i < 1000; i++) {
            p.lossAndGradient(x, g);
            opt.step();
        }
        assertTrue(p.loss(x) < 1e-8, "loss " + p.loss(x));
        assertThrows(IllegalArgumentException.class, () -> SophiaOptimizers.withEstimator("sophia", (a, b, c) -> {}));
    }

    // ------------------------------------------------------------------ state

    static Optimizer build(String name, Problem p, float[] x, float[] g, long seed) {
        return OptimizerRegistry.defaults().create(name, ParamSet.of(x, p.names(), p.shapes()), g,
                new HyperParams(Map.of("lr", "0.01", "hess_interval", "3")), Curvature.forProblem(p, seed));
    }

    /** Saving after 7 steps and resuming into a fresh optimizer continues bit-identically (the probes are keyed by step). */
    @Test
    void resumeIsBitIdentical() {
        for (String name : List.of("sophiag", "sophiah")) {
            Problem p = Problems.byName("rosenbrock");
            float[] x = p.start();
            float[] g = new float[2];
            Optimizer a = build(name, p, x, g, 11);
            for (int i = 0; i < 7; i++) {
                p.lossAndGradient(x, g);
                a.step();
            }
            Map<String, Tensor> saved = new LinkedHashMap<>();
            a.state().forEach((k, v) -> saved.put(k, v.copy()));
            Map<String, Double> scalars = new LinkedHashMap<>(a.scalars());
            float[] xr = x.clone();
            for (int i = 0; i < 9; i++) {
                p.lossAndGradient(x, g);
                a.step();
            }
            float[] gr = new float[2];
            Optimizer b = build(name, p, xr, gr, 11);
            b.loadState(saved, scalars);
            for (int i = 0; i < 9; i++) {
                p.lossAndGradient(xr, gr);
                b.step();
            }
            assertArrayEquals(x, xr, name);
        }
    }

    // ------------------------------------------------------------------ the suite settings

    /** Runs each suite case the way the shared battery does (see SophiaCases) and checks its threshold. */
    @Test
    void suiteCasesConverge() {
        for (var e : dev.descent.optim.suite.SophiaCases.cases().entrySet()) {
            var c = e.getValue();
            double q = dev.descent.optim.suite.SophiaCases.run(e.getKey(), Problems.byName("quadratic"), c.quadratic(), c.quadraticSteps(), 42);
            double r = dev.descent.optim.suite.SophiaCases.run(e.getKey(), Problems.byName("rosenbrock"), c.rosenbrock(), c.rosenbrockSteps(), 42);
            assertTrue(q <= c.quadraticTol(), e.getKey() + " quadratic " + q);
            assertTrue(r <= c.rosenbrockTol(), e.getKey() + " rosenbrock " + r);
        }
    }
}
