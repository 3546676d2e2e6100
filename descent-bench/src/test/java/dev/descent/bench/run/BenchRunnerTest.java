package dev.descent.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.bench.problems.BenchProblems;
import dev.descent.bench.store.EvalRow;
import dev.descent.bench.store.RunRow;
import dev.descent.bench.store.RunStore;
import dev.descent.bench.store.StepRow;
import dev.descent.bench.store.StoreDump;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.problems.Rosenbrock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunnerTest {
    private static final OptimizerRegistry REGISTRY = TestOptimizers.registry();

    /** quadratic and matrix-fit × (sgd, adamw with a 2-point lr grid, sophiag, the zeroth-order test optimizer) × 2 seeds = 20 runs. */
    static final String GRID = """
            name: grid
            seeds: 2
            eval_every: 10
            optimizers:
              - {name: sgd, hyper: {lr: 0.001}}
              - {name: adamw, hyper: {lr: [0.01, 0.05]}}
              - sophiag
              - {name: test_zo, hyper: {lr: 0.01}}
            problems:
              - {name: quadratic, steps: 25}
              - {name: matrix-fit, steps: 30}
            """;

    static List<RunSpec> grid() {
        return SuiteConfig.parse(GRID, "grid.yaml", "grid", REGISTRY).expand(null);
    }

    private static BenchRunner.Outcome run(List<RunSpec> specs, Path db, boolean resume, BenchRunner runner) throws Exception {
        try (RunStore store = RunStore.openForWriting(db, "test")) {
            return runner.run(specs, "grid", store, resume, RunListener.NONE);
        }
    }

    @Test
    void aRunRecordsItsStepsEvaluationsAndSummary(@TempDir Path dir) throws Exception {
        RunSpec spec = RunSpec.of("rosenbrock", "adamw", Map.of("lr", "0.05"), 0, 30, 10);
        Path db = dir.resolve("runs.db");
        BenchRunner.Outcome o = run(List.of(spec), db, false, new BenchRunner(REGISTRY, 1));
        assertEquals(new BenchRunner.Outcome(1, 0, 1, 0, 0, false), o);
        try (RunStore store = RunStore.openForReading(db)) {
            RunRow r = store.runs(null, null).get(0);
            assertEquals(spec.runId(), r.runId());
            assertEquals("finished", r.status());
            assertEquals(2, r.params());
            assertEquals(30, r.stepsDone());
            assertEquals(8.0, r.stateBytesPerParam()); // AdamW: m and v
            List<StepRow> steps = store.steps(spec.runId(), -1);
            assertEquals(30, steps.size());
            assertEquals(1, steps.get(0).step());
            // Step 1's loss is the loss at the start point: f(-1.2, 1) = 24.2.
            double start = new Rosenbrock().loss(new Rosenbrock().start()); // 24.2 at the float32 start point
            assertEquals(start, steps.get(0).loss(), 0.0);
            assertEquals(0.05, steps.get(0).lr(), 1e-12);
            List<EvalRow> evals = store.evals(spec.runId());
            assertEquals(List.of(0, 10, 20, 30), evals.stream().map(EvalRow::step).toList());
            assertEquals(start, evals.get(0).value(), 0.0);
            // The final metric is the loss at the final parameters, which the last step's loss precedes.
            assertEquals(evals.get(3).value(), r.finalMetric());
            assertEquals(steps.get(29).loss(), r.finalLoss());
            double best = evals.stream().mapToDouble(EvalRow::value).min().orElseThrow();
            assertEquals(best, r.bestMetric());
            assertEquals(BenchProblems.byName("rosenbrock").lossTarget(), r.lossTarget());
            assertTrue(r.wallSeconds() > 0 && r.secondsPerStep() > 0 && r.throughput() > 0);
            for (int i = 1; i < steps.size(); i++) assertTrue(steps.get(i).wallSeconds() >= steps.get(i - 1).wallSeconds());
        }
    }

    @Test
    void stepsToTargetIsTheFirstStepWhoseLossReachesIt(@TempDir Path dir) throws Exception {
        // sgd lr 0.1 on the quadratic: x_i <- (1 - 0.1 (i+1)) x_i; the loss of step k is at the parameters after k-1 updates.
        RunSpec spec = RunSpec.of("quadratic", "sgd", Map.of("lr", "0.1"), 0, 100, 50);
        Path db = dir.resolve("runs.db");
        run(List.of(spec), db, false, new BenchRunner(REGISTRY, 1));
        double target = BenchProblems.byName("quadratic").lossTarget();
        assertEquals(27.5e-3, target, 1e-12);
        int expected = -1;
        for (int k = 1; expected < 0; k++) {
            double f = 0;
            for (int i = 0; i < 10; i++) {
                double x = Math.pow(1 - 0.1 * (i + 1), k - 1);
                f += 0.5 * (i + 1) * x * x;
            }
            if (f <= target) expected = k;
        }
        try (RunStore store = RunStore.openForReading(db)) {
            assertEquals(expected, store.runs(null, null).get(0).stepsToTarget());
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunAsDiverged(@TempDir Path dir) throws Exception {
        RunSpec spec = RunSpec.of("rosenbrock", "sgd", Map.of("lr", "1"), 0, 200, 10);
        Path db = dir.resolve("runs.db");
        BenchRunner.Outcome o = run(List.of(spec), db, false, new BenchRunner(REGISTRY, 1));
        assertEquals(1, o.diverged());
        try (RunStore store = RunStore.openForReading(db)) {
            RunRow r = store.runs(null, null).get(0);
            assertEquals("diverged", r.status());
            assertTrue(r.stepsDone() < 200, "stopped early: " + r.stepsDone());
            List<StepRow> steps = store.steps(r.runId(), -1);
            // The last step row is the non-finite loss (NULL), one past the updates applied.
            assertEquals(r.stepsDone() + 1, steps.size());
            assertNull(steps.get(steps.size() - 1).loss());
            assertNull(r.finalLoss());
            assertNull(r.finalMetric());
        }
    }

    @Test
    void anExceptionFailsOnlyItsRunAndResumeRunsItAgain(@TempDir Path dir) throws Exception {
        RunSpec bad = RunSpec.of("quadratic", "test_throws", Map.of("at", "3"), 0, 10, 5);
        RunSpec good = RunSpec.of("quadratic", "sgd", Map.of("lr", "0.01"), 0, 10, 5);
        Path db = dir.resolve("runs.db");
        BenchRunner.Outcome o = run(List.of(bad, good), db, false, new BenchRunner(REGISTRY, 2));
        assertEquals(1, o.failed());
        assertEquals(1, o.finished());
        try (RunStore store = RunStore.openForReading(db)) {
            RunRow r = store.runsWithPrefix(bad.runId().substring(0, 12)).get(0);
            assertEquals("failed", r.status());
            assertEquals("IllegalStateException: boom at step 3", r.error());
            assertEquals(2, r.stepsDone());
        }
        BenchRunner.Outcome again = run(List.of(bad, good), db, true, new BenchRunner(REGISTRY, 1));
        assertEquals(new BenchRunner.Outcome(1, 1, 0, 0, 1, false), again);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(List.of(good), db, false, new BenchRunner(REGISTRY, 1)));
        assertTrue(e.getMessage().endsWith("already holds 2 runs; pass --resume to continue it, or choose another --out"), e.getMessage());
    }

    @Test
    void zerothOrderOptimizersRecordTheLossTheirStepReports(@TempDir Path dir) throws Exception {
        RunSpec published = RunSpec.of("rosenbrock", "test_zo", Map.of("lr", "0.001"), 0, 3, 3);
        RunSpec silent = RunSpec.of("rosenbrock", "test_zo", Map.of("lr", "0.001", "publish", "false"), 0, 3, 3);
        Path db = dir.resolve("runs.db");
        run(List.of(published, silent), db, false, new BenchRunner(REGISTRY, 1));
        // Replay the optimizer by hand on the same problem: coordinate i = step mod 2, central differences with mu = 1e-3.
        Rosenbrock p = new Rosenbrock();
        float[] x = p.start();
        double[] mean = new double[3];
        double[] before = new double[3];
        for (int k = 0; k < 3; k++) {
            before[k] = p.loss(x);
            int i = k % 2;
            float xi = x[i];
            x[i] = (float) (xi + 1e-3);
            double plus = p.loss(x);
            x[i] = (float) (xi - 1e-3);
            double minus = p.loss(x);
            x[i] = (float) (xi - 0.001 * (plus - minus) / 2e-3);
            mean[k] = (plus + minus) / 2;
        }
        try (RunStore store = RunStore.openForReading(db)) {
            List<StepRow> a = store.steps(published.runId(), -1);
            List<StepRow> b = store.steps(silent.runId(), -1);
            for (int k = 0; k < 3; k++) {
                assertEquals(mean[k], a.get(k).loss(), 0.0);
                assertEquals(before[k], b.get(k).loss(), 0.0);
            }
            // Both took the same steps: the same final parameters.
            assertEquals(p.loss(x), store.runsWithPrefix(published.runId()).get(0).finalMetric(), 0.0);
            assertEquals(p.loss(x), store.runsWithPrefix(silent.runId()).get(0).finalMetric(), 0.0);
        }
    }

    @Test
    void theSameSpecGivesTheSameRowsExceptTiming(@TempDir Path dir) throws Exception {
        List<RunSpec> specs = grid();
        assertEquals(20, specs.size());
        run(specs, dir.resolve("a.db"), false, new BenchRunner(REGISTRY, 2));
        run(specs, dir.resolve("b.db"), false, new BenchRunner(REGISTRY, 2));
        List<String> a = StoreDump.of(dir.resolve("a.db"));
        assertEquals(a, StoreDump.of(dir.resolve("b.db")));
        assertTrue(a.stream().filter(l -> l.startsWith("runs:")).count() == 20);
    }

    @Test
    void theSeedReachesTheOptimizerContext(@TempDir Path dir) throws Exception {
        // sophiag's Gauss-Newton-Bartlett estimates sample with the run's seed: two seeds end apart.
        RunSpec s0 = RunSpec.of("matrix-fit", "sophiag", Map.of(), 0, 200, 200);
        RunSpec s1 = RunSpec.of("matrix-fit", "sophiag", Map.of(), 1, 200, 200);
        Path db = dir.resolve("runs.db");
        run(List.of(s0, s1), db, false, new BenchRunner(REGISTRY, 1));
        try (RunStore store = RunStore.openForReading(db)) {
            double a = store.runsWithPrefix(s0.runId()).get(0).finalMetric();
            double b = store.runsWithPrefix(s1.runId()).get(0).finalMetric();
            assertTrue(a != b, a + " vs " + b);
        }
    }

    @Test
    void stoppingMidSuiteAndResumingGivesTheSameStoreAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        List<RunSpec> specs = grid();
        run(specs, dir.resolve("whole.db"), false, new BenchRunner(REGISTRY, 2));
        Path db = dir.resolve("resumed.db");
        BenchRunner first = new BenchRunner(REGISTRY, 2);
        first.stopAfterSaved(7);
        BenchRunner.Outcome o = run(specs, db, false, first);
        assertTrue(o.stopped());
        int stored;
        try (RunStore store = RunStore.openForReading(db)) {
            stored = store.runCount();
        }
        assertTrue(stored >= 7 && stored < 20, "stored " + stored);
        BenchRunner.Outcome rest = run(specs, db, true, new BenchRunner(REGISTRY, 2));
        assertEquals(stored, rest.skipped());
        assertEquals(20 - stored, rest.total());
        assertEquals(StoreDump.of(dir.resolve("whole.db")), StoreDump.of(db));
    }

    @Test
    void progressPrintsOneLinePerRunWhenNotATerminal(@TempDir Path dir) throws Exception {
        java.io.StringWriter text = new java.io.StringWriter();
        List<RunSpec> specs = grid().subList(0, 3);
        try (RunStore store = RunStore.openForWriting(dir.resolve("runs.db"), "test")) {
            new BenchRunner(REGISTRY, 1).run(specs, "grid", store, false, new ConsoleProgress(new java.io.PrintWriter(text, true), false, 1));
        }
        List<String> lines = text.toString().lines().toList();
        assertEquals("3 runs to do", lines.get(0));
        assertEquals(4, lines.size(), text.toString());
        for (int i = 1; i <= 3; i++) {
            assertTrue(lines.get(i).startsWith("[" + i + "/3] quadratic "), lines.get(i));
            assertTrue(lines.get(i).contains(": finished, loss "), lines.get(i));
        }
        assertTrue(!text.toString().contains("\033["));
    }

    @Test
    void progressRedrawsInPlaceOnATerminal(@TempDir Path dir) throws Exception {
        java.io.StringWriter text = new java.io.StringWriter();
        List<RunSpec> specs = grid().subList(0, 2);
        try (RunStore store = RunStore.openForWriting(dir.resolve("runs.db"), "test")) {
            new BenchRunner(REGISTRY, 1).run(specs, "grid", store, false, new ConsoleProgress(new java.io.PrintWriter(text, true), true, 1));
        }
        String s = text.toString();
        assertTrue(s.contains("\033[2K"), s);
        assertTrue(s.contains("runs 2/2 [" + "=".repeat(30) + "] 100%"), s);
        assertTrue(s.contains("[2/2] quadratic sgd {lr=0.001} seed 1: finished"), s);
        // The first run is drawn at once with its own (empty) bar, above the overall one.
        assertTrue(s.contains("  quadratic sgd {lr=0.001} seed 0 [          ] 0/25 starting\nruns 0/2 ["), s);
    }

    @Test
    void aRunLineShowsABarOfItsSteps() {
        RunSpec spec = grid().get(0); // quadratic sgd, 25 steps
        assertEquals(25, spec.steps());
        assertEquals("  " + spec.label() + " [          ] 0/25 starting", ConsoleProgress.runLine(spec, 0, Double.NaN));
        // 10/25 of 10 cells = 4 cells; 13/25 → 5.2 → 5; 25/25 → all.
        assertEquals("  " + spec.label() + " [====      ] 10/25 loss 0.1235", ConsoleProgress.runLine(spec, 10, 0.123456));
        assertEquals("  " + spec.label() + " [=====     ] 13/25 loss 1.000e-05", ConsoleProgress.runLine(spec, 13, 1e-5));
        assertEquals("  " + spec.label() + " [==========] 25/25 loss NaN", ConsoleProgress.runLine(spec, 25, Double.NaN));
        assertEquals("[]", ConsoleProgress.bar(0.5, 0));
        assertEquals("[===]", ConsoleProgress.bar(1.7, 3));
        assertEquals("[   ]", ConsoleProgress.bar(-1, 3));
    }
}
