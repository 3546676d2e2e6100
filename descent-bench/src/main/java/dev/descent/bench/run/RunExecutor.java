package dev.descent.bench.run;

import dev.descent.bench.problems.BenchProblem;
import dev.descent.bench.problems.ProblemInstance;
import dev.descent.bench.store.EvalRow;
import dev.descent.bench.store.RunRow;
import dev.descent.bench.store.StepRow;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Tensor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Executes one {@link RunSpec}: builds the problem instance and the optimizer (inside the instance's
 * optimizer context), evaluates at step 0, takes the steps, evaluates every {@code eval_every}
 * steps and after the last, and summarizes.
 *
 * <p>Step k (1-based, the {@code steps.step} value) selects minibatch k−1, computes the loss and
 * gradients (first order) and applies the k-th update. A zeroth-order optimizer
 * ({@code needsGradients() == false}) evaluates the loss itself: its scalar {@code "loss"} after the
 * step is the step's training loss when it publishes one; otherwise the runner evaluates
 * {@link ProblemInstance#loss()} before the step, outside the timed region.
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
        long trainNanos = 0;
        long examplesPerStep = 0;
        String unit = "examples";
        Optimizer opt = null;
        String status = RunRow.FINISHED;
        String error = null;
        int lastEval = -1;
        try (ProblemInstance inst = problem.instantiate(spec.seed())) {
            params = inst.params().elements();
            examplesPerStep = inst.examplesPerStep();
            unit = inst.throughputUnit();
            try (ProblemInstance.Scope scope = inst.optimizerContext(spec.seed())) {
                opt = registry.create(spec.optimizer(), inst.params(), inst.grads(), new HyperParams(spec.hyper()));
            }
            evaluate(inst, 0, 0, evals);
            lastEval = 0;
            boolean zeroth = !opt.needsGradients();
            Boolean publishesLoss = null; // zeroth order: known after the first step
            for (int k = 1; k <= spec.steps(); k++) {
                if (stop.getAsBoolean()) throw new Abandoned();
                long t0 = System.nanoTime();
                long excluded = 0;
                inst.setBatch(k - 1);
                double loss;
                if (!zeroth) {
                    loss = inst.lossAndGradients();
                    if (!Double.isFinite(loss)) {
                        trainNanos += System.nanoTime() - t0;
                        steps.add(new StepRow(k, null, opt.learningRate(), trainNanos / 1e9, null));
                        status = RunRow.DIVERGED;
                        lastLoss = loss;
                        break;
                    }
                    opt.step();
                } else {
                    double before = Double.NaN;
                    if (!Boolean.TRUE.equals(publishesLoss)) {
                        long e0 = System.nanoTime();
                        before = inst.loss();
                        excluded = System.nanoTime() - e0;
                        if (!Double.isFinite(before)) {
                            trainNanos += System.nanoTime() - t0 - excluded;
                            steps.add(new StepRow(k, null, opt.learningRate(), trainNanos / 1e9, null));
                            status = RunRow.DIVERGED;
                            lastLoss = before;
                            break;
                        }
                    }
                    opt.step();
                    Double published = opt.scalars().get("loss");
                    if (publishesLoss == null) publishesLoss = published != null;
                    loss = publishesLoss ? published : before;
                }
                long stepNanos = System.nanoTime() - t0 - excluded;
                trainNanos += stepNanos;
                done = k;
                lastLoss = loss;
                if (k == 1) firstLoss = loss;
                Double throughput = stepNanos > 0 ? examplesPerStep / (stepNanos / 1e9) : null;
                steps.add(new StepRow(k, RunResult.finite(loss), opt.learningRate(), trainNanos / 1e9, throughput));
                if (!Double.isFinite(loss)) {
                    status = RunRow.DIVERGED;
                    break;
                }
                if (stepsToTarget == null && !Double.isNaN(target) && loss <= target) stepsToTarget = k;
                listener.onStep(worker, spec, k, loss);
                if (k % spec.evalEvery() == 0 || k == spec.steps()) {
                    evaluate(inst, k, trainNanos / 1e9, evals);
                    lastEval = k;
                }
            }
            if (status.equals(RunRow.DIVERGED) && lastEval != done) evaluate(inst, done, trainNanos / 1e9, evals);
        } catch (Abandoned a) {
            throw a;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
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
        double wall = trainNanos / 1e9;
        Double secondsPerStep = done > 0 ? wall / done : null;
        Double throughput = done > 0 && wall > 0 ? examplesPerStep * (double) done / wall : null;
        RunRow row = new RunRow(spec.runId(), suite, spec.problem(), spec.optimizer(), spec.hyperJson(), spec.seed(), spec.steps(),
                spec.evalEvery(), spec.configJson(suite), envJson, status, error, started.toString(), Instant.now().toString(), params,
                done, RunResult.finite(lastLoss), metric, problem.higherIsBetter(), finalMetric, best, RunResult.finite(target),
                stepsToTarget, stateBytes, wall, secondsPerStep, throughput, unit);
        return new RunResult(spec, row, steps, evals);
    }

    private static void evaluate(ProblemInstance inst, int step, double wall, List<EvalRow> out) {
        for (Map.Entry<String, Double> e : inst.evaluate().entrySet()) {
            out.add(new EvalRow(step, e.getKey(), e.getValue() == null ? null : RunResult.finite(e.getValue()), wall));
        }
    }
}
