package dev.descent.bench.run;

import dev.descent.optim.problems.LinearFit;

import dev.descent.bench.problems.BenchProblems;
import dev.descent.bench.problems.ProblemInstance;
import dev.descent.bench.problems.ToyProblem;
import dev.descent.bench.store.RunStore;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Parallel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a grid of {@link RunSpec}s with {@code jobs} worker threads into a {@link RunStore}. Each
 * worker executes a run and saves it (the store serializes saves on its one connection, one
 * transaction per run). Kernel threads are set once to {@code max(1, cores / jobs)} for the whole
 * benchmark (and restored afterwards), so each run's arithmetic — and so its bits — depends only on
 * its spec and the job count.
 *
 * <p>With {@code resume}, runs already stored as finished or diverged are skipped and failed ones run
 * again; without it a store that already holds runs is refused.
 */
public final class BenchRunner {
    /** Counts of one invocation. */
    public record Outcome(int total, int skipped, int finished, int diverged, int failed, boolean stopped) {}

    private final OptimizerRegistry registry;
    private final int jobs;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile int stopAfterSaved = Integer.MAX_VALUE;

    public BenchRunner(OptimizerRegistry registry, int jobs) {
        if (jobs < 1) throw new IllegalArgumentException("--jobs must be >= 1, got " + jobs);
        this.registry = registry;
        this.jobs = jobs;
    }

    /** Asks the runner to stop: runs in flight are abandoned (not stored), as if the process died. */
    public void stop() { stop.set(true); }

    /** Stops as {@link #stop()} does once {@code n} runs have been saved (for crash tests). */
    public void stopAfterSaved(int n) { stopAfterSaved = n; }

    /** Steps of the untimed warm-up run per problem (default {@link #WARM_UP_STEPS}; 0: none). */
    public BenchRunner warmUpSteps(int steps) {
        if (steps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
        warmUpSteps = steps;
        return this;
    }

    /**
     * Steps of the warm-up run. Without it the first run of each problem paid for the JIT compiling
     * the shared kernels (forward, backward, the data path) and its time per step stood out in every
     * wall-clock chart; ten steps reach the compiled code for the problems we ship.
     */
    public static final int WARM_UP_STEPS = 10;
    private int warmUpSteps = WARM_UP_STEPS;

    /**
     * Runs, for each problem of {@code todo}, its first setting for a few steps, timed by nobody and
     * stored nowhere, so the runs that are measured start with compiled code.
     */
    private void warmUp(List<RunSpec> todo, RunExecutor executor, String env) {
        if (warmUpSteps == 0) return;
        Set<String> seen = new java.util.HashSet<>();
        for (RunSpec s : todo) {
            if (stop.get() || !seen.add(s.problem())) continue;
            int steps = Math.min(warmUpSteps, s.steps());
            RunSpec w = RunSpec.of(s.problem(), s.optimizer(), s.hyper(), s.seed(), steps, Math.min(s.evalEvery(), steps));
            try {
                executor.execute(w, "warm-up", env, BenchProblems.byName(w.problem()), 0, new RunListener() {}, stop::get);
            } catch (RunExecutor.Abandoned a) {
                return;
            }
        }
    }

    /**
     * Checks every distinct (optimizer, hyperparameters) of the grid by building the optimizer over a
     * tiny two-parameter problem (a matrix and a vector) with the problem's curvature estimators, so a
     * misspelt or ill-typed hyperparameter fails before any run starts. Only the optimizer's own
     * validation errors (IllegalArgumentException) count; anything else is left to the run.
     */
    public void validate(List<RunSpec> specs) {
        Set<String> seen = new HashSet<>();
        ToyProblem tiny = new ToyProblem(LinearFit::new, 1, 1);
        for (RunSpec s : specs) {
            if (!seen.add(s.optimizer() + " " + s.hyperJson())) continue;
            try (ProblemInstance inst = tiny.instantiate(0)) {
                registry.create(s.optimizer(), inst.params(), inst.grads(), new HyperParams(s.hyper()), inst.curvature(0));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(s.optimizer() + (s.hyper().isEmpty() ? "" : " " + s.hyper()) + " on " + s.problem() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                // Not a settings error (e.g. something only the real problem provides): the run will report it.
            }
        }
    }

    /** Runs {@code specs} (already validated) into {@code store}. */
    public Outcome run(List<RunSpec> specs, String suite, RunStore store, boolean resume, RunListener listener) throws InterruptedException {
        int stored = store.runCount();
        if (!resume && stored > 0) {
            throw new IllegalArgumentException(store.path() + " already holds " + stored + " run" + (stored == 1 ? "" : "s")
                    + "; pass --resume to continue it, or choose another --out");
        }
        Set<String> done = resume ? store.completedRunIds() : Set.of();
        List<RunSpec> todo = new ArrayList<>();
        long totalSteps = 0;
        for (RunSpec s : specs) {
            if (!done.contains(s.runId())) {
                todo.add(s);
                totalSteps += s.steps();
            }
        }
        int skipped = specs.size() - todo.size();
        listener.onStart(todo.size(), skipped, totalSteps);

        int previousThreads = Parallel.threads();
        Parallel.setThreads(Math.max(1, Runtime.getRuntime().availableProcessors() / jobs));
        String env = BenchEnvironment.json(jobs);
        RunExecutor executor = new RunExecutor(registry);
        warmUp(todo, executor, env);
        AtomicInteger saved = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger diverged = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<RuntimeException> fatal = new AtomicReference<>();
        AtomicInteger nextWorker = new AtomicInteger();
        // Worker numbers for progress lines: each pool thread gets the next number on its first run.
        java.util.Map<Thread, Integer> workerIds = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "bench-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (RunSpec spec : todo) {
                futures.add(pool.submit(() -> {
                    if (stop.get()) return;
                    int w = workerIds.computeIfAbsent(Thread.currentThread(), t -> nextWorker.getAndIncrement());
                    listener.onRunStart(w, spec);
                    RunResult r;
                    try {
                        r = executor.execute(spec, suite, env, BenchProblems.byName(spec.problem()), w, listener, stop::get);
                    } catch (RunExecutor.Abandoned a) {
                        return;
                    }
                    if (stop.get()) return;
                    try {
                        store.save(r.row(), r.steps(), r.evals());
                    } catch (RuntimeException e) {
                        fatal.compareAndSet(null, e);
                        stop.set(true);
                        return;
                    }
                    switch (r.status()) {
                        case "finished" -> finished.incrementAndGet();
                        case "diverged" -> diverged.incrementAndGet();
                        default -> failed.incrementAndGet();
                    }
                    int n = saved.incrementAndGet();
                    listener.onRunEnd(w, r, n, todo.size());
                    if (n >= stopAfterSaved) stop.set(true);
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("benchmark worker failed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
            Parallel.setThreads(previousThreads);
        }
        if (fatal.get() != null) throw fatal.get();
        return new Outcome(todo.size(), skipped, finished.get(), diverged.get(), failed.get(), stop.get() && saved.get() < todo.size());
    }
}
