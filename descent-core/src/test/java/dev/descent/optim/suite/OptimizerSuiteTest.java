package dev.descent.optim.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.descent.io.Safetensors;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.ProblemObjective;
import dev.descent.optim.problems.Problems;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Tensor;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared battery every registered optimizer must pass (after optax's alias tests and PyTorch's
 * {@code OptimizerInfo} database): a {@link SuiteCase} exists; it converges on {@code quadratic} and
 * {@code rosenbrock}; saving and restoring its state (in memory and through a safetensors file)
 * continues bit for bit like an uninterrupted run; steps after the first allocate (almost) nothing,
 * independently of the parameter count; invalid and unknown hyperparameters are refused with a
 * message naming the key; two identical runs give identical bits.
 *
 * <p>Every run is full-batch float32 from the problem's fixed start on the {@link TrainingLoop} over
 * the problem's {@link ProblemObjective}: each step writes the gradient buffer with
 * {@link Problem#lossAndGradient} and calls {@link Optimizer#step()}. Optimizers that do not need
 * gradients (zeroth-order) skip the gradient and evaluate {@link Problem#loss} on the run's buffer
 * through the objective the loop hands to {@link Optimizer#step(dev.descent.optim.Objective)}.
 */
class OptimizerSuiteTest {
    private static final OptimizerRegistry REGISTRY = OptimizerRegistry.defaults();
    private static final Map<String, SuiteCase> CASES = SuiteCases.all();

    /** Steps before the state is saved, and after it is restored (K straddles a 10-step refresh period). */
    private static final int SAVE_AFTER = 13;
    private static final int CONTINUE_FOR = 12;
    /** Allocation is measured over steps 2..ALLOC_STEPS. */
    private static final int ALLOC_STEPS = 200;
    /** Bytes per step allowed after the first step (a few lambda captures and iterators). */
    private static final double ALLOC_LIMIT = 1024;
    /** How much more the ~100k-parameter problem may allocate per step than the ~1k one. */
    private static final double ALLOC_GROWTH_LIMIT = 256;
    /** Measurement windows of ALLOC_STEPS − 1 steps (see {@link #bytesPerStep}). */
    private static final int ALLOC_MIN_WINDOWS = 3;
    private static final int ALLOC_MAX_WINDOWS = 400;
    private static final long ALLOC_PATIENCE_MS = 15000;
    /** Steps of an unmeasured run on the small problem first, so the JIT has most of the step compiled. */
    private static final int ALLOC_WARMUP = 1000;
    private static final int DETERMINISM_STEPS = 20;
    /** Seed of the stochastic curvature estimators (Sophia); every run of a test uses the same. */
    private static final long CURVATURE_SEED = 1;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------------------------ tests

    /** Every optimizer has suite settings, and every settings entry names a registered optimizer. */
    @TestFactory
    Stream<DynamicTest> everyOptimizerHasACase() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(dynamicTest("registry is not empty", () ->
                assertFalse(REGISTRY.all().isEmpty(), "no optimizer is registered")));
        for (OptimizerInfo info : REGISTRY.all()) {
            tests.add(dynamicTest(info.name(), () -> {
                if (!CASES.containsKey(info.name())) {
                    fail("optimizer '" + info.name() + "' is registered but has no SuiteCase (add it to its family's <Family>Cases class)");
                }
                for (String field : new String[] {info.summary(), info.paper(), info.reference(), info.license()}) {
                    assertTrue(field != null && !field.isBlank(), info.name() + ": OptimizerInfo has a blank summary/paper/reference/license");
                }
                assertTrue(info.stateFloatsPerParam() >= 0, info.name() + ": negative stateFloatsPerParam");
            }));
        }
        for (String name : CASES.keySet()) {
            if (!REGISTRY.contains(name)) {
                tests.add(dynamicTest("case " + name, () -> fail("SuiteCase for '" + name + "', which is not a registered optimizer")));
            }
        }
        return tests.stream();
    }

    /** Final loss at most the case's threshold on quadratic and rosenbrock. */
    @TestFactory
    Stream<DynamicTest> converges() {
        return perOptimizer((info, c) -> Stream.of(
                dynamicTest(info.name() + " on quadratic", () -> convergence(info, c.quadratic(), "quadratic", c.quadraticSteps(), c.quadraticTol())),
                dynamicTest(info.name() + " on rosenbrock", () -> convergence(info, c.rosenbrock(), "rosenbrock", c.rosenbrockSteps(), c.rosenbrockTol()))));
    }

    private static void convergence(OptimizerInfo info, Map<String, String> hyper, String problemName, int steps, double tol) {
        Run r = new Run(info.name(), Problems.byName(problemName), hyper);
        double start = r.problem.loss(r.values);
        r.steps(steps);
        double loss = r.problem.loss(r.values);
        assertTrue(Double.isFinite(loss), info.name() + " on " + problemName + ": loss is " + loss + " after " + steps + " steps");
        assertTrue(loss <= tol, String.format("%s on %s: loss %.6g after %d steps (from %.6g), threshold %.3g; %s",
                info.name(), problemName, loss, steps, start, tol, r.describe()));
    }

    /**
     * K steps, export state and scalars (deep copies), fresh optimizer over the saved parameters,
     * loadState, M more steps: the parameters equal those of K + M straight steps bit for bit. On
     * quadratic and on a small multi-tensor problem with a matrix and a rank-4 tensor (so
     * matrix-aware state is exercised), in memory and through safetensors files.
     */
    @TestFactory
    Stream<DynamicTest> stateRoundTrip() {
        return perOptimizer((info, c) -> Stream.of(
                dynamicTest(info.name() + " on quadratic, in memory", () -> roundTrip(info, c, () -> Problems.byName("quadratic"), false)),
                dynamicTest(info.name() + " on quadratic, via safetensors", () -> roundTrip(info, c, () -> Problems.byName("quadratic"), true)),
                dynamicTest(info.name() + " on multi-tensor, in memory", () -> roundTrip(info, c, SyntheticQuadratic::small, false)),
                dynamicTest(info.name() + " on multi-tensor, via safetensors", () -> roundTrip(info, c, SyntheticQuadratic::small, true))));
    }

    private void roundTrip(OptimizerInfo info, SuiteCase c, java.util.function.Supplier<Problem> problem, boolean viaFile) throws IOException {
        Run straight = new Run(info.name(), problem.get(), c.quadratic());
        straight.steps(SAVE_AFTER + CONTINUE_FOR);

        Run first = new Run(info.name(), problem.get(), c.quadratic());
        first.steps(SAVE_AFTER);
        float[] savedParams = first.values.clone();
        Map<String, Tensor> savedState = new LinkedHashMap<>();
        for (var e : first.optimizer.state().entrySet()) savedState.put(e.getKey(), e.getValue().copy());
        Map<String, Double> savedScalars = new LinkedHashMap<>(first.optimizer.scalars());
        assertEquals(SAVE_AFTER, savedScalars.getOrDefault("step", -1.0), info.name() + ": scalars() lacks step = " + SAVE_AFTER);
        // The original keeps going: a restored run must not share buffers with it.
        first.steps(CONTINUE_FOR);

        if (viaFile) {
            Path dir = Files.createTempDirectory(tmp, info.name());
            Map<String, String> meta = new LinkedHashMap<>();
            for (var e : savedScalars.entrySet()) meta.put("scalar." + e.getKey(), Double.toString(e.getValue()));
            Safetensors.write(dir.resolve("optimizer.safetensors"), savedState, meta);
            Safetensors.write(dir.resolve("params.safetensors"), Map.of("params", Tensor.of(savedParams, savedParams.length)));
            Safetensors.Contents opt = Safetensors.read(dir.resolve("optimizer.safetensors"));
            savedState = opt.tensors();
            savedScalars = new LinkedHashMap<>();
            for (var e : opt.metadata().entrySet()) {
                if (e.getKey().startsWith("scalar.")) savedScalars.put(e.getKey().substring("scalar.".length()), Double.parseDouble(e.getValue()));
            }
            savedParams = Safetensors.read(dir.resolve("params.safetensors")).tensors().get("params").toArray();
        }

        Problem p = problem.get();
        Run resumed = new Run(info.name(), p, c.quadratic(), savedParams);
        resumed.optimizer.loadState(savedState, savedScalars);
        assertEquals(SAVE_AFTER, resumed.optimizer.stepCount(), info.name() + ": stepCount() after loadState");
        resumed.steps(CONTINUE_FOR);

        String what = info.name() + " on " + p.name() + (viaFile ? " (via safetensors)" : " (in memory)");
        assertBitwiseEqual(straight.values, resumed.values, what + ": saved after " + SAVE_AFTER + ", restored, continued " + CONTINUE_FOR + " vs " + (SAVE_AFTER + CONTINUE_FOR) + " straight");
        assertBitwiseEqual(straight.values, first.values, what + ": the run that was saved, continued");
    }

    /**
     * With one thread, steps 2..200 allocate under 1 KB per step on ~1k and ~100k parameters, and the
     * larger problem allocates no more per step than the smaller (plus slack for JIT timing).
     */
    @TestFactory
    Stream<DynamicTest> noAllocationAfterFirstStep() {
        return perOptimizer((info, c) -> Stream.of(dynamicTest(info.name(), () -> {
            int threads = Parallel.threads();
            Parallel.setThreads(1);
            try {
                new Run(info.name(), SyntheticQuadratic.small(), c.quadratic()).steps(ALLOC_WARMUP);
                double[] small = bytesPerStep(info.name(), SyntheticQuadratic.small(), c.quadratic());
                double[] big = bytesPerStep(info.name(), SyntheticQuadratic.big(), c.quadratic());
                String measured = String.format("%s: %.1f bytes/step on %d parameters, %.1f bytes/step on %d parameters (least of windows of %d steps from step 2: %s and %s)",
                        info.name(), small[0], SyntheticQuadratic.small().size(), big[0], SyntheticQuadratic.big().size(), ALLOC_STEPS - 1,
                        windows(small), windows(big));
                System.out.println("[alloc] " + measured);
                assertTrue(small[0] < ALLOC_LIMIT && big[0] < ALLOC_LIMIT, measured + "; limit " + ALLOC_LIMIT);
                assertTrue(big[0] <= small[0] + ALLOC_GROWTH_LIMIT, measured + "; grows with the parameter count");
            } finally {
                Parallel.setThreads(threads);
            }
        })));
    }

    private static String windows(double[] m) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 1; i < m.length; i++) b.append(i > 1 ? ", " : "").append(String.format("%.1f", m[i]));
        return b.append(']').toString();
    }

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Bytes allocated per step over steps 2..200 of a fresh run. Code the JIT has not compiled yet
     * allocates where compiled code does not (interpreted Vector API code boxes every vector, about 4
     * bytes per float; measured up to 30 KB per step on 1k parameters), and compilation runs in the
     * background, so a count of warm-up steps cannot guarantee it is done. So while a window is over
     * a quarter of the limit and not yet steady under it, the next 199 steps are measured again, for at least
     * {@value #ALLOC_MIN_WINDOWS} windows and until {@value #ALLOC_PATIENCE_MS} ms have passed: the least
     * window counts, and a real per-step allocation shows in every one. Returns the least, then every
     * window measured.
     */
    private static double[] bytesPerStep(String name, SyntheticQuadratic problem, Map<String, String> hyper) {
        Run r = new Run(name, problem, hyper);
        r.steps(1);
        List<Double> windows = new ArrayList<>();
        double least = Double.MAX_VALUE;
        long start = System.nanoTime();
        while (true) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            r.steps(ALLOC_STEPS - 1);
            long after = THREADS.getCurrentThreadAllocatedBytes();
            double w = (after - before) / (double) (ALLOC_STEPS - 1);
            windows.add(w);
            least = Math.min(least, w);
            if (least < ALLOC_LIMIT / 4) break;
            double previous = windows.size() >= 2 ? windows.get(windows.size() - 2) : Double.NaN;
            if (w < ALLOC_LIMIT && Math.abs(w - previous) <= 0.05 * w + 16) break; // steady, under the limit
            boolean patient = windows.size() < ALLOC_MIN_WINDOWS || (System.nanoTime() - start) / 1_000_000 < ALLOC_PATIENCE_MS;
            if (!patient || windows.size() >= ALLOC_MAX_WINDOWS) break;
        }
        double[] out = new double[windows.size() + 1];
        out[0] = least;
        for (int i = 0; i < windows.size(); i++) out[i + 1] = windows.get(i);
        return out;
    }

    /**
     * Each {@code invalid} entry of the case throws IllegalArgumentException naming its key (for
     * {@code betas}, naming beta1 or beta2 also counts); {@code lr=-1} is refused by every optimizer
     * that takes {@code lr}, and {@code bogus=1} by all.
     */
    @TestFactory
    Stream<DynamicTest> invalidHyperparameters() {
        return perOptimizer((info, c) -> {
            List<DynamicTest> tests = new ArrayList<>();
            for (String setting : c.invalid()) tests.add(dynamicTest(info.name() + " " + setting, () -> refused(info, setting)));
            tests.add(dynamicTest(info.name() + " lr=-1", () -> {
                boolean takesLr = accepts(info, "lr=" + c.quadratic().getOrDefault("lr", "0.001"));
                String msg = refused(info, "lr=-1");
                if (takesLr) {
                    assertFalse(msg.startsWith("unknown hyperparameter"), info.name() + " takes lr but refused lr=-1 as unknown: " + msg);
                }
            }));
            tests.add(dynamicTest(info.name() + " bogus=1", () -> {
                String msg = refused(info, "bogus=1");
                assertTrue(msg.contains("valid"), info.name() + ": the refusal of an unknown key should list the valid ones: " + msg);
            }));
            return tests.stream();
        });
    }

    private static boolean accepts(OptimizerInfo info, String setting) {
        try {
            new Run(info.name(), Problems.byName("quadratic"), parse(setting));
            return true;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unknown hyperparameter")) return false;
            throw e;
        }
    }

    /** Building with {@code setting} must throw IllegalArgumentException naming the key; returns the message. */
    private static String refused(OptimizerInfo info, String setting) {
        String key = setting.substring(0, setting.indexOf('='));
        try {
            new Run(info.name(), Problems.byName("quadratic"), parse(setting));
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            boolean names = msg.contains(key) || (key.equals("betas") && (msg.contains("beta1") || msg.contains("beta2")));
            assertTrue(names, info.name() + " refused " + setting + " with a message that does not name '" + key + "': " + msg);
            return msg;
        }
        throw new AssertionError(info.name() + " accepted the invalid setting " + setting);
    }

    /** Two identical runs (two threads, ~100k parameters, and rosenbrock) give identical bits. */
    @TestFactory
    Stream<DynamicTest> deterministic() {
        return perOptimizer((info, c) -> Stream.of(dynamicTest(info.name(), () -> {
            int threads = Parallel.threads();
            Parallel.setThreads(2);
            try {
                Run a = new Run(info.name(), SyntheticQuadratic.big(), c.quadratic());
                Run b = new Run(info.name(), SyntheticQuadratic.big(), c.quadratic());
                a.steps(DETERMINISM_STEPS);
                b.steps(DETERMINISM_STEPS);
                assertBitwiseEqual(a.values, b.values, info.name() + ": two identical runs on " + a.problem.name());
                Run x = new Run(info.name(), Problems.byName("rosenbrock"), c.rosenbrock());
                Run y = new Run(info.name(), Problems.byName("rosenbrock"), c.rosenbrock());
                x.steps(DETERMINISM_STEPS * 5);
                y.steps(DETERMINISM_STEPS * 5);
                assertBitwiseEqual(x.values, y.values, info.name() + ": two identical runs on rosenbrock");
            } finally {
                Parallel.setThreads(threads);
            }
        })));
    }

    // ------------------------------------------------------------------------------------ harness

    private static Stream<DynamicTest> perOptimizer(java.util.function.BiFunction<OptimizerInfo, SuiteCase, Stream<DynamicTest>> tests) {
        return REGISTRY.all().stream().flatMap(info -> {
            SuiteCase c = CASES.get(info.name());
            if (c == null) return Stream.of(dynamicTest(info.name(), () -> fail("optimizer '" + info.name() + "' has no SuiteCase")));
            return tests.apply(info, c);
        });
    }

    private static Map<String, String> parse(String setting) {
        return HyperParams.parse(List.of(setting)).asMap();
    }

    private static void assertBitwiseEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": first difference at parameter " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /** One optimizer over one problem's parameters: the values buffer, the gradient buffer, the optimizer. */
    static final class Run {
        final Problem problem;
        final float[] values;
        final float[] grads;
        final Optimizer optimizer;
        final TrainingLoop loop;
        private long taken;

        Run(String name, Problem problem, Map<String, String> hyper) {
            this(name, problem, hyper, problem.start());
        }

        Run(String name, Problem problem, Map<String, String> hyper, float[] values) {
            this.problem = problem;
            this.values = values;
            this.grads = new float[values.length];
            ParamSet params = ParamSet.of(values, problem.names(), problem.shapes());
            // Sophia's factories take the problem's curvature estimators (over this very buffer); the
            // other optimizers ignore them. Zeroth-order optimizers evaluate the loss at the current
            // contents of this buffer through the objective the loop hands them.
            ProblemObjective objective = new ProblemObjective(problem, values, grads, CURVATURE_SEED);
            this.optimizer = REGISTRY.create(name, params, grads, new HyperParams(hyper), objective.curvature());
            this.loop = new TrainingLoop(optimizer, objective, grads).onNonFinite(TrainingLoop.NonFinite.CONTINUE);
        }

        void steps(int n) {
            try {
                loop.run(taken, taken + n);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // no callback does I/O
            }
            taken += n;
        }

        String describe() { return optimizer.name() + " with " + optimizer.scalars(); }
    }

    /**
     * f(θ) = ½ Σ dᵢ (θᵢ − cᵢ)² over several tensors (matrices, a rank-4 tensor, vectors, a scalar-like
     * [1]) with dᵢ ∈ [1, 10] and cᵢ ∈ [−0.5, 0.5] fixed, started at θᵢ ∈ [−1, 1]; minimum 0. Residuals
     * rᵢ = √dᵢ (θᵢ − cᵢ). Its gradient allocates nothing.
     */
    static final class SyntheticQuadratic implements Problem {
        private final String name;
        private final List<String> names;
        private final List<int[]> shapes;
        private final float[] d;
        private final float[] c;
        private final int n;

        SyntheticQuadratic(String name, List<String> names, List<int[]> shapes) {
            this.name = name;
            this.names = names;
            this.shapes = shapes;
            int total = 0;
            for (int[] s : shapes) total += Tensor.sizeOf(s);
            this.n = total;
            this.d = new float[n];
            this.c = new float[n];
            for (int i = 0; i < n; i++) {
                d[i] = 1 + 9 * frac(i * 0.6180339887498949);
                c[i] = frac(i * 0.7548776662466927) - 0.5f;
            }
        }

        private static float frac(double x) { return (float) (x - Math.floor(x)); }

        /** 997 parameters. */
        static SyntheticQuadratic small() {
            return new SyntheticQuadratic("multi-tensor-1k", List.of("w1", "w2", "conv", "b", "s"),
                    List.of(new int[] {16, 32}, new int[] {24, 12}, new int[] {4, 2, 3, 3}, new int[] {124}, new int[] {1}));
        }

        /**
         * 99,281 parameters. The matrices are thin (16 × 2048 and its transpose) so that optimizers
         * whose step costs grow with the smaller dimension (Newton–Schulz, SVD) stay quick.
         */
        static SyntheticQuadratic big() {
            return new SyntheticQuadratic("multi-tensor-100k", List.of("w1", "w2", "conv", "b", "s"),
                    List.of(new int[] {16, 2048}, new int[] {2048, 16}, new int[] {16, 8, 3, 3}, new int[] {32592}, new int[] {1}));
        }

        int size() { return n; }

        @Override public String name() { return name; }
        @Override public List<String> names() { return names; }
        @Override public List<int[]> shapes() { return shapes; }

        @Override
        public float[] start() {
            float[] s = new float[n];
            for (int i = 0; i < n; i++) s[i] = 2 * frac(i * 0.5698402909980532) - 1;
            return s;
        }

        @Override
        public double loss(float[] p) {
            double f = 0;
            for (int i = 0; i < n; i++) {
                double r = (double) p[i] - c[i];
                f += 0.5 * d[i] * r * r;
            }
            return f;
        }

        @Override
        public double lossAndGradient(float[] p, float[] g) {
            double f = 0;
            for (int i = 0; i < n; i++) {
                double r = (double) p[i] - c[i];
                f += 0.5 * d[i] * r * r;
                g[i] = (float) (d[i] * r);
            }
            return f;
        }

        @Override
        public void hessianVectorProduct(float[] p, float[] v, float[] out) {
            for (int i = 0; i < n; i++) out[i] = d[i] * v[i];
        }

        @Override public int residuals() { return n; }

        @Override
        public void jacobianTransposeTimes(float[] p, float[] e, float[] out) {
            for (int i = 0; i < n; i++) out[i] = (float) (Math.sqrt(d[i]) * e[i]);
        }

        @Override public double minimumLoss() { return 0; }
    }
}
