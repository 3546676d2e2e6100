package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.StepReport;
import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.ProblemObjective;
import dev.descent.optim.problems.Problems;
import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The one training loop: its order of operations, its non-finite policy, its callbacks, and loops side by side. */
class TrainingLoopTest {
    private static int[] tokens() {
        int[] t = new int[4096];
        Philox r = Philox.stream(5, "test/loop-tokens");
        for (int i = 0; i < t.length; i++) t[i] = i == 0 ? 0 : (t[i - 1] * 5 + 1 + r.nextInt(i, 2)) % 24;
        return t;
    }

    private static Gpt gpt(long seed) {
        return new Gpt(new GptConfig(24, 16, 1, 2, 16, 0.1f, false), seed);
    }

    /** The loop's first-order step is the script nanoGPT writes: lr, batch, forward, backward, clip, step, zero_grad. */
    @Test
    void firstOrderStepsAreThoseOfAHandWrittenLoop() throws Exception {
        int[] tokens = tokens();
        dev.descent.optim.Schedule schedule = dev.descent.optim.Schedules.nanoGpt(3e-3, 3e-4, 2, 10);
        Gpt a = gpt(1);
        var optA = AdamW.nanoGpt(a.parameters(), 3e-3, 0.9, 0.99, 0.1);
        Philox order = Philox.stream(9, "data/train");
        for (int step = 0; step < 10; step++) {
            optA.setLearningRate(schedule.at(step));
            a.beginStep(step);
            TextDataset.Batch b = TextDataset.batch(tokens, 4, 16, order, step);
            var loss = a.loss(b.x(), b.y(), 4, 16);
            loss.backward();
            TrainingLoop.clipGlobalNorm(a.parameters().grads(), 0.5);
            optA.step();
            optA.zeroGrad();
        }

        Gpt b = gpt(1);
        var optB = AdamW.nanoGpt(b.parameters(), 3e-3, 0.9, 0.99, 0.1);
        List<String> seen = new ArrayList<>();
        TrainingLoop loop = new TrainingLoop(optB, new GptObjective(b, tokens, 4, 16, 9, 0.5), b.parameters().grads())
                .schedule(schedule::at, 3e-3).clip(0.5)
                .callback(new TrainingLoop.Callback() {
                    @Override
                    public void beforeStep(long index) { seen.add("before " + index); }

                    @Override
                    public void afterStep(TrainingLoop.Step s) {
                        seen.add("after " + s.index());
                        assertEquals(schedule.at(s.index()), s.learningRate());
                        assertEquals(1, s.report().queries());
                        assertNull(s.report().skipped());
                        assertTrue(Double.isFinite(s.report().loss()));
                    }
                });
        TrainingLoop.Outcome out = loop.run(0, 10);
        assertEquals(10, out.next());
        assertFalse(out.diverged() || out.interrupted());
        assertEquals("before 0", seen.get(0));
        assertEquals("after 9", seen.get(seen.size() - 1));
        assertEquals(20, seen.size());
        assertArrayEquals(a.parameters().values(), b.parameters().values(), "same bits as the hand-written loop");
    }

    @Test
    void aNonFiniteLossStopsBeforeTheUpdateOrIsAppliedUnderContinue() throws Exception {
        Problem p = Problems.byName("quadratic");
        for (TrainingLoop.NonFinite policy : TrainingLoop.NonFinite.values()) {
            float[] x = p.start();
            float[] g = new float[x.length];
            ProblemObjective exact = new ProblemObjective(p, x, g, 0);
            Objective poisoned = new Objective() {
                long step;
                @Override public double loss() { return exact.loss(); }
                @Override public void prepare(long k) { step = k; }
                @Override public double lossAndGradient() {
                    double l = exact.lossAndGradient();
                    if (step == 3) {
                        java.util.Arrays.fill(g, Float.NaN);
                        return Double.NaN;
                    }
                    return l;
                }
            };
            Optimizer opt = OptimizerRegistry.defaults().create("sgd", ParamSet.of(x, p.names(), p.shapes()), g, HyperParams.parse(List.of("lr=0.01")));
            TrainingLoop.Outcome out = new TrainingLoop(opt, poisoned, g).onNonFinite(policy).run(0, 6);
            if (policy == TrainingLoop.NonFinite.STOP) {
                assertTrue(out.diverged());
                assertEquals(3, out.next());
                assertEquals("the loss is not finite", out.last().report().skipped());
                for (float v : x) assertTrue(Float.isFinite(v), "the update of the diverging step is not applied");
                assertEquals(3, opt.stepCount());
                for (float v : g) assertEquals(0f, v, "gradients zeroed");
            } else {
                assertFalse(out.diverged());
                assertEquals(6, out.next());
                for (float v : x) assertTrue(Float.isNaN(v), "CONTINUE applies the step as a plain script would");
            }
        }
    }

    @Test
    void zerothOrderOptimizersGetTheObjectiveAndReportTheirQueries() throws Exception {
        Problem p = Problems.byName("quadratic");
        float[] x = p.start();
        float[] g = new float[x.length];
        Optimizer mezo = OptimizerRegistry.defaults().create("mezo", ParamSet.of(x, p.names(), p.shapes()), g,
                HyperParams.parse(List.of("lr=1e-3", "q=2")));
        IllegalStateException e = assertThrows(IllegalStateException.class, mezo::step);
        assertTrue(e.getMessage().startsWith("mezo is a zeroth-order optimizer and evaluates the loss itself: call step(objective)"),
                e.getMessage());
        List<StepReport> reports = new ArrayList<>();
        double before = p.loss(x);
        TrainingLoop.Outcome out = new TrainingLoop(mezo, () -> p.loss(x), g).clip(1e-9)
                .callback(new TrainingLoop.Callback() {
                    @Override
                    public void afterStep(TrainingLoop.Step s) { reports.add(s.report()); }
                }).run(0, 50);
        assertEquals(50, out.next());
        assertEquals(50, reports.size());
        for (StepReport r : reports) assertEquals(4, r.queries(), "2q evaluations per step");
        assertEquals(200.0, mezo.scalars().get("queries"));
        assertTrue(p.loss(x) < before, "the loop's zeroth-order steps lower the loss: " + before + " -> " + p.loss(x));
        for (float v : g) assertEquals(0f, v, "no gradient, no clipping for a zeroth-order optimizer");
    }

    @Test
    void requestStopEndsTheRunAfterTheCurrentStep() throws Exception {
        Problem p = Problems.byName("rosenbrock");
        float[] x = p.start();
        float[] g = new float[x.length];
        Optimizer opt = OptimizerRegistry.defaults().create("adam", ParamSet.of(x, p.names(), p.shapes()), g, HyperParams.empty());
        TrainingLoop[] loop = new TrainingLoop[1];
        loop[0] = new TrainingLoop(opt, new ProblemObjective(p, x, g, 0), g).callback(new TrainingLoop.Callback() {
            @Override
            public void afterStep(TrainingLoop.Step s) {
                if (s.number() == 4) loop[0].requestStop();
            }
        });
        TrainingLoop.Outcome out = loop[0].run(0, 100);
        assertTrue(out.interrupted());
        assertEquals(4, out.next());
        assertEquals(4, opt.stepCount());
    }

    private record Arm(String optimizer, Map<String, String> hyper) {}

    /** Trains one GPT with {@code arm} for 6 steps and returns its weights. */
    private static float[] train(Arm arm, int[] tokens) throws Exception {
        Gpt model = gpt(3);
        GptObjective objective = new GptObjective(model, tokens, 4, 16, 11, 1.0);
        Optimizer opt = OptimizerRegistry.defaults().create(arm.optimizer(), ParamSet.of(model.parameters()), model.parameters().grads(),
                new HyperParams(arm.hyper()), objective.curvature());
        new TrainingLoop(opt, objective, model.parameters().grads()).clip(1.0).run(0, 6);
        return model.parameters().values().clone();
    }

    /**
     * Three models with three optimizers (AdamW, MeZO, SophiaG, whose curvature estimator samples
     * labels from its own model) train at the same time on three threads of one JVM and end with the
     * same bits as each trained alone: nothing is shared between loops but the thread pool.
     */
    @Test
    void modelsWithDifferentOptimizersTrainSideBySideWithTheBitsOfEachAlone() throws Exception {
        int[] tokens = tokens();
        List<Arm> arms = List.of(new Arm("adamw", Map.of("lr", "3e-3")), new Arm("mezo", Map.of("lr", "1e-3", "mu", "1e-2")),
                new Arm("sophiag", Map.of("lr", "1e-3", "hess_interval", "2")));
        List<float[]> alone = new ArrayList<>();
        for (Arm a : arms) alone.add(train(a, tokens));
        ExecutorService pool = Executors.newFixedThreadPool(arms.size());
        try {
            CyclicBarrier start = new CyclicBarrier(arms.size());
            List<Future<float[]>> together = new ArrayList<>();
            for (Arm a : arms) {
                together.add(pool.submit(() -> {
                    start.await();
                    return train(a, tokens);
                }));
            }
            for (int i = 0; i < arms.size(); i++) {
                assertArrayEquals(alone.get(i), together.get(i).get(), arms.get(i).optimizer() + ": concurrent run differs from the run alone");
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(java.util.Arrays.equals(alone.get(0), alone.get(1)), "the arms differ from each other");
    }
}
