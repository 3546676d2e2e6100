package dev.descent.bench.run;

import dev.descent.bench.problems.BenchProblem;
import dev.descent.bench.problems.ProblemInstance;
import dev.descent.bench.store.EvalRow;
import dev.descent.bench.store.RunRow;
import dev.descent.bench.store.StepRow;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.train.TrainingLoop;
import dev.descent.tensor.Tensor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Executes one {@link RunSpec}: builds the problem instance and the optimizer (with the instance's
 * curvature estimators), evaluates at step 0, takes the steps on the {@link TrainingLoop} over the
 * instance's {@link ProblemInstance#objective objective}, evaluates every {@code eval_every} steps
 * and after the last, and summarizes.
 *
 * <p>Step k (1-based, the {@code steps.step} value) is the loop's step k−1: it selects minibatch
 * k−1, computes the loss and gradients (first order) and applies the k-th update. A zeroth-order
 * optimizer ({@code needsGradients() == false}) evaluates the loss itself; the loss of its
 * {@link dev.descent.optim.StepReport} is the step's training loss.
 *
 * <p>A non-finite training loss stops the run as {@code diverged} (for a first-order optimizer before
 * the update is applied); a non-finite final metric also marks it diverged. An exception marks it
 * {@code failed} with its message, keeping the rows recorded so far. Timing covers only the steps:
 * instantiation, optimizer construction and evaluations are excluded.
 */
public final class RunExecutor {
    /** Thrown when the runner is stopping: the run is abandoned and nothing of it is stored. */
    static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("abandoned", null, false, false);
        }
    }

    private final OptimizerRegistry registry;

    public RunExecutor(OptimizerRegistry registry) {
        this.registry = registry;
    }

    /** Runs {@code spec} on {@code problem}; {@code stop} is polled every step. */
    public RunResult execute(RunSpec spec, String suite, String envJson, BenchProblem problem, int worker, RunListener listener, BooleanSupplier stop) {
        Instant started = Instant.now();
        List<StepRow> steps = new ArrayList<>();
        List<EvalRow> evals = new ArrayList<>();
        double target = problem.lossTarget();
        long params = 0;
        int done = 0;
        double lastLoss = Double.NaN;
        double firstLoss = Double.NaN;
        Integer stepsToTarget = null;
        double trainSeconds = 0;
        long examplesPerStep = 0;
        String unit = "examples";
        Optimizer opt = null;
        String status = RunRow.FINISHED;
        String error = null;
        Recorder rec = new Recorder(spec, problem, worker, listener, stop, steps, evals);
        try (ProblemInstance inst = problem.instantiate(spec.seed())) {
            params = inst.params().elements();
            examplesPerStep = inst.examplesPerStep();
            unit = inst.throughputUnit();
            Objective objective = inst.objective(spec.seed());
            opt = registry.create(spec.optimizer(), inst.params(), inst.grads(), new HyperParams(spec.hyper()), objective.curvature());
            evaluate(inst, 0, 0, evals);
            rec.start(inst, opt, examplesPerStep);
            TrainingLoop.Outcome out = new TrainingLoop(opt, objective, inst.grads()).callback(rec).run(0, spec.steps());
            if (out.diverged()) {
                // A first-order step stops before its update; a zeroth-order step has been taken (the
                // optimizer restored the parameters) and counts as done.
                TrainingLoop.Step last = out.last();
                int k = (int) last.number();
                boolean taken = !opt.needsGradients();
                if (taken) rec.done = k;
                steps.add(new StepRow(k, null, opt.learningRate(), last.trainSeconds(), taken ? rec.throughput(last) : null));
                status = RunRow.DIVERGED;
                rec.lastLoss = last.report().loss();
                rec.trainSeconds = last.trainSeconds();
            }
            done = rec.done;
            lastLoss = rec.lastLoss;
            firstLoss = rec.firstLoss;
            stepsToTarget = rec.stepsToTarget;
            trainSeconds = rec.trainSeconds;
            if (status.equals(RunRow.DIVERGED) && rec.lastEval != done) evaluate(inst, done, trainSeconds, evals);
        } catch (Abandoned a) {
            throw a;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            done = rec.done;
            lastLoss = rec.lastLoss;
            stepsToTarget = rec.stepsToTarget;
            trainSeconds = rec.trainSeconds;
            status = RunRow.FAILED;
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        String metric = problem.metric();
        Double finalMetric = null;
        Double best = null;
        int finalStep = -1;
        for (EvalRow r : evals) {
            if (!r.name().equals(metric)) continue;
            if (r.step() >= finalStep) {
                finalStep = r.step();
                finalMetric = r.value();
            }
            if (r.value() != null && (best == null || (problem.higherIsBetter() ? r.value() > best : r.value() < best))) best = r.value();
        }
        if (status.equals(RunRow.FINISHED) && finalMetric == null) status = RunRow.DIVERGED;
        String grew = status.equals(RunRow.FINISHED) ? Divergence.reason(firstLoss, lastLoss, done) : null;
        if (grew != null) {
            status = RunRow.DIVERGED;
            error = grew;
        }
        double stateBytes = 0;
        if (opt != null && params > 0) {
            long floats = 0;
            for (Map.Entry<String, Tensor> t : opt.state().entrySet()) floats += t.getValue().size();
            stateBytes = 4.0 * floats / params;
        }
        double wall = trainSeconds;
        Double secondsPerStep = done > 0 ? wall / done : null;
        Double throughput = done > 0 && wall > 0 ? examplesPerStep * (double) done / wall : null;
        RunRow row = new RunRow(spec.runId(), suite, spec.problem(), spec.optimizer(), spec.hyperJson(), spec.seed(), spec.steps(),
                spec.evalEvery(), spec.configJson(suite), envJson, status, error, started.toString(), Instant.now().toString(), params,
                done, RunResult.finite(lastLoss), metric, problem.higherIsBetter(), finalMetric, best, RunResult.finite(target),
                stepsToTarget, stateBytes, wall, secondsPerStep, throughput, unit);
        return new RunResult(spec, row, steps, evals);
    }

    /** The runner's callback on the training loop: a step row per step, steps to target, progress, evaluations, abandonment. */
    private static final class Recorder implements TrainingLoop.Callback {
        private final RunSpec spec;
        private final double target;
        private final int worker;
        private final RunListener listener;
        private final BooleanSupplier stop;
        private final List<StepRow> steps;
        private final List<EvalRow> evals;
        private ProblemInstance inst;
        private Optimizer opt;
        private long examplesPerStep;
        int done;
        int lastEval = -1;
        double lastLoss = Double.NaN;
        double firstLoss = Double.NaN;
        Integer stepsToTarget;
        double trainSeconds;

        Recorder(RunSpec spec, BenchProblem problem, int worker, RunListener listener, BooleanSupplier stop, List<StepRow> steps,
                 List<EvalRow> evals) {
            this.spec = spec;
            this.target = problem.lossTarget();
            this.worker = worker;
            this.listener = listener;
            this.stop = stop;
            this.steps = steps;
            this.evals = evals;
        }

        void start(ProblemInstance inst, Optimizer opt, long examplesPerStep) {
            this.inst = inst;
            this.opt = opt;
            this.examplesPerStep = examplesPerStep;
            this.lastEval = 0;
        }

        Double throughput(TrainingLoop.Step s) {
            return s.seconds() > 0 ? examplesPerStep / s.seconds() : null;
        }

        @Override
        public void beforeStep(long index) {
            if (stop.getAsBoolean()) throw new Abandoned();
        }

        @Override
        public void afterStep(TrainingLoop.Step s) {
            int k = (int) s.number();
            double loss = s.report().loss();
            trainSeconds = s.trainSeconds();
            done = k;
            lastLoss = loss;
            if (k == 1) firstLoss = loss;
            steps.add(new StepRow(k, RunResult.finite(loss), opt.learningRate(), trainSeconds, throughput(s)));
            if (stepsToTarget == null && !Double.isNaN(target) && loss <= target) stepsToTarget = k;
            listener.onStep(worker, spec, k, loss);
            if (k % spec.evalEvery() == 0 || k == spec.steps()) {
                evaluate(inst, k, trainSeconds, evals);
                lastEval = k;
            }
        }
    }

    private static void evaluate(ProblemInstance inst, int step, double wall, List<EvalRow> out) {
        for (Map.Entry<String, Double> e : inst.evaluate().entrySet()) {
            out.add(new EvalRow(step, e.getKey(), e.getValue() == null ? null : RunResult.finite(e.getValue()), wall));
        }
    }
}
