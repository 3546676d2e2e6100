package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.StepReport;
import dev.descent.optim.GradientTransformation;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.optim.TransformOptimizer;
import dev.descent.tensor.Reductions;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Any zeroth-order {@link GradientEstimator} followed by any {@link GradientTransformation}, through
 * the ordinary gradient buffer: each step writes ĝ into the gradient buffer (no backward pass) and
 * then runs the transformation on it exactly as a first-order optimizer would, so ZO-SGD is
 * "SPSA + torch SGD" and ZO-AdaMM is "SPSA + Adam". The memory is the parameters, the gradient
 * buffer and the transformation's state (no parameter copy: the estimator perturbs in place).
 *
 * <p>Scalars: {@code step}; the transformation's (as {@link TransformOptimizer} names them, e.g.
 * {@code 2.lr}); for an {@link SpsaEstimator} its {@code mu}, {@code q} and {@code seed}; and the
 * outputs {@code loss} (the estimator's loss estimate of the latest step), {@code queries} (objective
 * evaluations so far) and {@code skipped} (steps skipped so far).
 *
 * <p>Non-finite evaluations: when the loss estimate or any element of ĝ is NaN or infinite, the step
 * is skipped — the estimator has already restored the parameters (within its undo bound), the
 * gradient buffer is zeroed, the transformation's state is left untouched, {@code skipped} grows by
 * one and {@link #lastSkipReason()} says why. The step counter still advances, so the next step
 * draws fresh directions.
 */
public final class ZoOptimizer implements Optimizer {
    private final String name;
    private final ParamSet params;
    private final float[] grads;
    private final GradientEstimator estimator;
    /** The objective given at construction, used by {@link #step()}; null when built by name (then {@link #step(Objective)} only). */
    private final Objective bound;
    private final TransformOptimizer inner;
    private final ZoProgress progress = new ZoProgress();
    private boolean skippedForLoss;

    /**
     * @param params    the parameters perturbed and updated (any subset, when the estimator supports one:
     *                  {@link SpsaEstimator} does; the other values and their gradients are left alone)
     * @param grads     the gradient buffer the estimate is written into
     * @param lrPath    the transformation's learning-rate scalar ("lr" when unique), or null
     */
    public ZoOptimizer(String name, ParamSet params, float[] grads, GradientEstimator estimator, GradientTransformation tx,
                       Objective objective, String lrPath) {
        this.name = name;
        this.params = params;
        this.grads = grads;
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.bound = objective;
        this.inner = new TransformOptimizer(name, params, grads, tx, lrPath);
    }

    /** One step with the objective given at construction; refused when none was given. */
    @Override
    public void step() {
        step(ZoProgress.bound(bound, name()));
    }

    @Override
    public StepReport step(Objective objective) {
        progress.begin();
        takeStep(objective);
        return progress.report(lastSkipReason());
    }

    private void takeStep(Objective objective) {
        double loss = estimator.estimate(params, objective, grads, progress.steps);
        progress.loss = loss;
        progress.queries += estimator.queriesPerEstimate();
        progress.steps++;
        if (!Double.isFinite(loss) || !gradientFinite()) {
            for (ParamSlot s : params.slots()) Arrays.fill(grads, s.offset(), s.offset() + s.size(), 0f);
            progress.skip();
            skippedForLoss = !Double.isFinite(loss);
            return;
        }
        inner.step();
    }

    /** True when ĝ is finite at every place of the set. */
    private boolean gradientFinite() {
        for (ParamSlot s : params.slots()) if (!Reductions.allFinite(grads, s.offset(), s.size())) return false;
        return true;
    }

    /** Why the latest skipped step was skipped, or null when none was. */
    public String lastSkipReason() {
        return progress.lastSkipReason(skippedForLoss ? "a loss evaluation was not finite" : "the gradient estimate is not finite");
    }

    @Override
    public void zeroGrad() { inner.zeroGrad(); }

    @Override
    public double learningRate() { return inner.learningRate(); }

    @Override
    public void setLearningRate(double lr) { inner.setLearningRate(lr); }

    @Override
    public long stepCount() { return progress.steps; }

    @Override
    public Map<String, Tensor> state() { return inner.state(); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>(inner.scalars());
        s.put("step", (double) progress.steps);
        if (estimator instanceof SpsaEstimator e) {
            s.put("mu", e.mu());
            s.put("q", (double) e.q());
            s.put("seed", e.seed());
        }
        progress.putOutputs(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        inner.loadState(tensors, scalars);
        if (estimator instanceof SpsaEstimator e) {
            e.setMu(ZoProgress.required(scalars, "mu"));
            ZoProgress.checkSame(scalars, "q", e.q());
            if (!Double.isNaN(e.seed())) ZoProgress.checkSame(scalars, "seed", e.seed());
        }
        progress.load(scalars);
    }

    @Override
    public String name() { return name; }

    @Override
    public boolean needsGradients() { return false; }
}
