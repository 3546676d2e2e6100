package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.descent.tensor.Parallel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused kernels ({@link SgdMomentum}, {@link AdamW}, {@link LionFused}) against their
 * compositions ({@link Classic#sgd}, {@link Adam#adamw}, {@link Classic#lion}) over 20 steps on a
 * random problem of 2 977 parameters in five tensors (sizes not multiples of the vector length, so
 * both the vector loops and the scalar tails run), on the whole set and on a subset whose state
 * offsets differ from its model offsets.
 *
 * <p>Bitwise where the arithmetic is the same: SGD without weight decay (θ − η·d and θ + (−η)·d
 * round identically; the momentum is the same expression), Lion's momentum always and its
 * parameters without weight decay (same interpolation, same sign). Otherwise the two paths round
 * differently: SGD's λθ + g is one FMA in the fused kernel and in the vector lanes of
 * {@code Elementwise.axpy} but two roundings in axpy's scalar tail; Lion/AdamW decay as θ(1 − ηλ)
 * − η·u fused (two roundings of θ's size) against θ + (−η)(u + λθ) composed (one rounding of θ's
 * size, the others scaled by η); AdamW's moments use torch's lerp m + (1 − β₁)(g − m) and
 * (g·g)·(1 − β₂) against optax's β₁m + (1 − β₁)g and (1 − β₂)·g·g.
 *
 * <p>Tolerance: per step the two results of an element differ by at most the roundings that
 * differ, ≤ 1.5 ulp of the element (½ per rounding of θ's size, the ones scaled by η or by
 * (1 − β) contribute far less), and none of these updates amplifies an earlier difference: the
 * decay contracts; a difference in θ reaches the gradient g = (θ − target)/2 + noise halved and the
 * moments scaled by (1 − β); Adam's direction is a ratio whose sensitivity to g is scaled by η;
 * Lion's sign could only flip where β₁m + (1 − β₁)g is within ~1e-7 of 0, which this fixed seed
 * does not hit. So after 20 steps |fused − composed| ≤ 1.5·20 = {@link #ULPS}
 * ulps of the buffer's largest magnitude (measured per element scale would be meaningless where the
 * momentum cancels to near 0). Measured: 0.5 ulp (SGD momentum), ≈ 10 ulps (Lion and AdamW θ with
 * decay); the test prints them.
 */
class FusedEqualsComposedTest {
    static final int[][] SHAPES = {{37, 41}, {129}, {16, 63}, {7}, {300}};
    static final int STEPS = 20;
    /** Allowed difference where the rounding differs: 1.5 ulps per step of the buffer's largest magnitude. */
    static final double ULPS = 1.5 * STEPS;

    static final class Problem {
        final float[] values;
        final float[] grads;
        final float[] target;
        final ParamSet params;

        Problem(int seed, Function<ParamSet, ParamSet> select) {
            List<String> names = new ArrayList<>();
            List<int[]> shapes = new ArrayList<>();
            int n = 0;
            for (int i = 0; i < SHAPES.length; i++) {
                names.add("t" + i);
                shapes.add(SHAPES[i]);
                int size = 1;
                for (int d : SHAPES[i]) size *= d;
                n += size;
            }
            Random r = new Random(seed);
            values = new float[n];
            target = new float[n];
            grads = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = (float) r.nextGaussian();
                target[i] = (float) r.nextGaussian();
            }
            params = select.apply(ParamSet.of(values, names, shapes));
        }

        /** g = (θ − target)/2 + noise of step t: depends on θ, so the trajectories feed back. */
        void gradients(int t) {
            Random r = new Random(1000 + t);
            for (int i = 0; i < values.length; i++) grads[i] = 0.5f * (values[i] - target[i]) + (float) r.nextGaussian();
        }
    }

    static Function<ParamSet, ParamSet> whole() { return p -> p; }

    /** Tensors t0, t2, t4: state offsets differ from model offsets from t2 on. */
    static Function<ParamSet, ParamSet> subset() { return p -> p.subset(s -> s.index() % 2 == 0); }

    interface Build {
        Optimizer make(ParamSet params, float[] grads);
    }

    /** The fused and the composed optimizer after 20 steps on the same problem. */
    record Pair(Problem fusedProblem, Optimizer fused, Problem composedProblem, Optimizer composed) {}

    static Pair runPair(Function<ParamSet, ParamSet> select, Build fused, GradientTransformation composed) {
        Problem a = new Problem(7, select);
        Problem b = new Problem(7, select);
        Optimizer f = fused.make(a.params, a.grads);
        TransformOptimizer c = new TransformOptimizer("composed", b.params, b.grads, composed);
        for (int t = 1; t <= STEPS; t++) {
            a.gradients(t);
            b.gradients(t);
            f.step();
            c.step();
            f.zeroGrad();
            c.zeroGrad();
        }
        return new Pair(a, f, b, c);
    }

    /**
     * Runs both for 20 steps; returns {θ_fused, θ_composed, state_fused, state_composed} for the state
     * buffer whose dotted name ends with {@code .buffer} (the same name in both: the fused kernel keeps the
     * composition's state).
     */
    static float[][] run(Function<ParamSet, ParamSet> select, Build fused, GradientTransformation composed, String buffer) {
        Pair r = runPair(select, fused, composed);
        return new float[][] {r.fusedProblem().values, r.composedProblem().values, stateBuffer(r.fused(), buffer),
            stateBuffer(r.composed(), buffer)};
    }

    static float[] stateBuffer(Optimizer o, String suffix) {
        float[] found = null;
        for (var e : o.state().entrySet()) {
            if (e.getKey().endsWith("." + suffix)) {
                assertTrue(found == null, "two buffers named *." + suffix);
                found = e.getValue().toArray();
            }
        }
        assertTrue(found != null, "no buffer *." + suffix + " in " + o.state().keySet());
        return found;
    }

    /** Largest |x − y| in ulps of the largest |x| of the buffer; and the check against {@link #ULPS}. */
    static double assertClose(float[] x, float[] y, String what) {
        assertEquals(x.length, y.length);
        float scale = 0;
        for (float v : x) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.ulp(scale));
        assertTrue(worst <= ULPS, what + ": " + worst + " ulps of " + scale);
        System.out.printf("%s: max difference %.2f ulps of %.4g%n", what, worst, scale);
        return worst;
    }

    @Test
    void sgdWithoutDecayIsBitwise() {
        for (var sel : List.of(whole(), subset())) {
            float[][] r = run(sel, (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0.1, false, 0), Classic.sgd(0.05, 0.9, 0.1, false, 0),
                    "momentum_buffer");
            assertArrayEquals(r[1], r[0]);
            assertArrayEquals(r[3], r[2]);
            r = run(sel, (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0, true, 0), Classic.sgd(0.05, 0.9, 0, true, 0),
                    "momentum_buffer");
            assertArrayEquals(r[1], r[0]);
            assertArrayEquals(r[3], r[2]);
        }
    }

    @Test
    void sgdWithDecayAgreesToUlps() {
        for (var sel : List.of(whole(), subset())) {
            float[][] r = run(sel, (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0.1, false, 0.01), Classic.sgd(0.05, 0.9, 0.1, false, 0.01),
                    "momentum_buffer");
            assertClose(r[1], r[0], "sgd θ");
            assertClose(r[3], r[2], "sgd momentum");
            r = run(sel, (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0, true, 0.01), Classic.sgd(0.05, 0.9, 0, true, 0.01),
                    "momentum_buffer");
            assertClose(r[1], r[0], "sgd nesterov θ");
            assertClose(r[3], r[2], "sgd nesterov momentum");
        }
    }

    @Test
    void plainSgdIsBitwise() {
        Problem a = new Problem(3, whole());
        Problem b = new Problem(3, whole());
        Optimizer f = SgdMomentum.optimizer(a.params, a.grads, 0.05, 0, 0, false, 0);
        Optimizer c = new TransformOptimizer("sgd", b.params, b.grads, Classic.sgd(0.05, 0, 0, false, 0));
        for (int t = 1; t <= STEPS; t++) {
            a.gradients(t);
            b.gradients(t);
            f.step();
            c.step();
        }
        assertArrayEquals(b.values, a.values);
    }

    @Test
    void lion() {
        for (var sel : List.of(whole(), subset())) {
            float[][] r = run(sel, (p, g) -> LionFused.optimizer(p, g, 1e-3, 0.9, 0.99, 0, x -> true), Classic.lion(1e-3, 0.9, 0.99, 0),
                    "mu");
            assertArrayEquals(r[1], r[0]);
            assertArrayEquals(r[3], r[2]);
            r = run(sel, (p, g) -> LionFused.optimizer(p, g, 1e-3, 0.9, 0.99, 0.5, x -> true), Classic.lion(1e-3, 0.9, 0.99, 0.5),
                    "mu");
            assertClose(r[1], r[0], "lion θ");
            assertClose(r[3], r[2], "lion m"); // the gradients see θ, so m inherits its differences, halved and scaled by 1 − β₂
        }
    }

    @Test
    void adamw() {
        for (var sel : List.of(whole(), subset())) {
            float[][] r = run(sel, (p, g) -> AdamW.optimizer(p, g, 1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true),
                    Adam.adamw(1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true), "mu");
            assertClose(r[1], r[0], "adamw θ");
            assertClose(r[3], r[2], "adamw m");
            r = run(sel, (p, g) -> AdamW.optimizer(p, g, 1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true),
                    Adam.adamw(1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true), "nu");
            assertClose(r[3], r[2], "adamw v");
        }
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * The fused optimizer's state dict is the composition's: the same tensor names in the same order,
     * the same shapes, values within {@link #ULPS} (bitwise where the arithmetic is the same: SGD
     * without decay, Lion's momentum without decay), and the same scalars (hyperparameters and counters)
     * exactly — so a checkpoint does not depend on which form ran, and either form resumes it.
     */
    @Test
    void stateDictsAreTheComposedOnes() {
        record Case(String name, Build fused, GradientTransformation composed, boolean bitwise) {}
        List<Case> cases = List.of(
                new Case("sgd momentum", (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0.1, false, 0), Classic.sgd(0.05, 0.9, 0.1, false, 0), true),
                new Case("sgd nesterov decay", (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0, true, 0.01),
                        Classic.sgd(0.05, 0.9, 0, true, 0.01), false),
                new Case("sgd plain", (p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0, 0, false, 0), Classic.sgd(0.05, 0, 0, false, 0), true),
                new Case("lion", (p, g) -> LionFused.optimizer(p, g, 1e-3, 0.9, 0.99, 0, x -> true), Classic.lion(1e-3, 0.9, 0.99, 0), true),
                new Case("lion decay", (p, g) -> LionFused.optimizer(p, g, 1e-3, 0.9, 0.99, 0.5, x -> true),
                        Classic.lion(1e-3, 0.9, 0.99, 0.5), false),
                new Case("adamw", (p, g) -> AdamW.optimizer(p, g, 1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true),
                        Adam.adamw(1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true), false));
        for (var sel : List.of(whole(), subset())) {
            for (Case c : cases) {
                Pair r = runPair(sel, c.fused(), c.composed());
                var fs = r.fused().state();
                var cs = r.composed().state();
                assertEquals(List.copyOf(cs.keySet()), List.copyOf(fs.keySet()), c.name() + ": tensor names");
                for (var e : cs.entrySet()) {
                    var f = fs.get(e.getKey());
                    assertArrayEquals(e.getValue().shape(), f.shape(), c.name() + ": shape of " + e.getKey());
                    if (c.bitwise()) assertArrayEquals(e.getValue().toArray(), f.toArray(), c.name() + ": " + e.getKey());
                    else assertClose(e.getValue().toArray(), f.toArray(), c.name() + " " + e.getKey());
                }
                assertEquals(r.composed().scalars(), r.fused().scalars(), c.name() + ": scalars");
            }
        }
        // and a composed optimizer resumes from the fused one's state (and vice versa) without complaint
        Pair r = runPair(whole(), (p, g) -> AdamW.optimizer(p, g, 1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true),
                Adam.adamw(1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true));
        r.composed().loadState(r.fused().state(), r.fused().scalars());
        r.fused().loadState(r.composed().state(), r.composed().scalars());
        assertEquals(STEPS, r.composed().stepCount());
    }

    /**
     * Checkpoints of the earlier fused format — per parameter {@code <name>.exp_avg}, {@code <name>.exp_avg_sq}
     * or {@code <name>.momentum_buffer}, scalars {@code step} and {@code lr} only — still resume, bit for bit:
     * the legacy state is built here from a run's composed-format state and the run continued both ways.
     */
    @Test
    void legacyFusedCheckpointsResumeBitIdentically() {
        record Case(Build build, Map<String, String> legacy) {}
        List<Case> cases = List.of(
                new Case((p, g) -> AdamW.optimizer(p, g, 1e-2, 0.9, 0.999, 1e-8, 0.1, x -> true), Map.of("exp_avg", "0.mu", "exp_avg_sq", "0.nu")),
                new Case((p, g) -> LionFused.optimizer(p, g, 1e-3, 0.9, 0.99, 0.5, x -> true), Map.of("exp_avg", "0.mu")),
                new Case((p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0.9, 0, true, 0.01), Map.of("momentum_buffer", "1.momentum_buffer")),
                new Case((p, g) -> SgdMomentum.optimizer(p, g, 0.05, 0, 0, false, 0), Map.of()));
        for (var sel : List.of(whole(), subset())) {
            for (Case c : cases) {
                Problem a = new Problem(5, sel);
                Optimizer oa = c.build().make(a.params, a.grads);
                for (int t = 1; t <= 3; t++) {
                    a.gradients(t);
                    oa.step();
                    oa.zeroGrad();
                }
                Map<String, dev.descent.tensor.Tensor> legacy = new java.util.LinkedHashMap<>();
                for (var e : c.legacy().entrySet()) {
                    float[] flat = oa.state().get(e.getValue()).toArray();
                    for (ParamSlot s : a.params.slots()) {
                        legacy.put(s.name() + "." + e.getKey(), dev.descent.tensor.Tensor.of(
                                java.util.Arrays.copyOfRange(flat, s.stateOffset(), s.stateOffset() + s.size()), s.shape()));
                    }
                }
                Problem b = new Problem(5, sel);
                System.arraycopy(a.values, 0, b.values, 0, a.values.length);
                Optimizer ob = c.build().make(b.params, b.grads);
                ob.loadState(legacy, Map.of("step", 3.0, "lr", oa.learningRate()));
                assertEquals(oa.scalars(), ob.scalars(), "scalars after the upgrade");
                for (int t = 4; t <= 6; t++) {
                    a.gradients(t);
                    b.gradients(t);
                    oa.step();
                    ob.step();
                    oa.zeroGrad();
                    ob.zeroGrad();
                }
                assertArrayEquals(a.values, b.values, c.legacy().toString());
            }
        }
    }

    // ---------------------------------------------------------------- allocation

    static long allocatedPerStep(Build build, int n) {
        float[] values = new float[n];
        float[] grads = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i % 17) / 17f - 0.5f;
            grads[i] = (i % 13) / 13f - 0.5f;
        }
        // three tensors, so the slot loop and the tails run
        int third = n / 3;
        ParamSet ps = ParamSet.of(values, List.of("a", "b", "c"), List.of(new int[] {third}, new int[] {third + 1}, new int[] {n - 2 * third - 1}));
        Optimizer opt = build.make(ps, grads);
        opt.step(); // step 1 may set things up
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int s = 2; s <= 50; s++) opt.step();
        long after = mx.getCurrentThreadAllocatedBytes();
        return (after - before) / 49;
    }

    @Test
    void fusedStepsAllocateNothing() {
        int threads = Parallel.threads();
        Parallel.setThreads(1);
        try {
            List<Build> builds = List.of(
                    (p, g) -> SgdMomentum.optimizer(p, g, 1e-3, 0.9, 0, true, 1e-2),
                    (p, g) -> SgdMomentum.optimizer(p, g, 1e-3, 0, 0, false, 0),
                    (p, g) -> AdamW.optimizer(p, g, 1e-3, 0.9, 0.999, 1e-8, 1e-2, x -> true),
                    (p, g) -> LionFused.optimizer(p, g, 1e-4, 0.9, 0.99, 1e-2, x -> true));
            String[] names = {"sgd nesterov", "sgd plain", "adamw", "lion"};
            // Warm-up: the Vector API allocates its vectors until C2 compiles the kernel and
            // scalar-replaces them, so compile first (the measured optimizer is a fresh instance).
            for (Build b : builds) for (int k = 0; k < 40; k++) allocatedPerStep(b, 20_000);
            for (int i = 0; i < builds.size(); i++) {
                long small = allocatedPerStep(builds.get(i), 1_000);
                long large = allocatedPerStep(builds.get(i), 1_000_000);
                System.out.printf("%s: %d bytes/step at 1e3 parameters, %d at 1e6%n", names[i], small, large);
                assertTrue(small < 64 && large < 64, names[i] + ": " + small + " / " + large + " bytes per step");
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }
}
