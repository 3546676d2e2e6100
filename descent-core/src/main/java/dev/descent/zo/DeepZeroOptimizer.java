package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.StepReport;
import dev.descent.optim.Hyper;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Reductions;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DeepZero (Chen et al., ICLR 2024, arXiv 2310.02025; reference OPTML-Group/DeepZero
 * {@code experiments/sparse_gradient_training.py}): zeroth-order training by coordinate-wise
 * gradient estimation on a sparse set of coordinates, followed by SGD with momentum.
 * <pre>
 *   at the first step:  S = ZO-GraSP scores (2(q+1) queries),  M = keep the top (1 − s) of |S|   (ZoGrasp)
 *   every step t:       ĝ = CGE(θ; coordinates in M, k of them if coords_per_step = k)          (CoordinateGradientEstimator)
 *                       ĝ ← ĝ + λθ                  (coupled weight decay, torch.optim.SGD; default λ = 0)
 *                       b ← m·b + ĝ ;  θ ← θ − η·b  (torch.optim.SGD, dampening 0, b₀ = 0 ≡ torch's b₁ = ĝ₁)
 * </pre>
 * Masked coordinates get ĝ = 0 ("sparse gradient", the weights themselves stay); non-matrix
 * parameters (biases) are always in M. With {@code mask=layer_random} (the reference's protocol)
 * the ZO-GraSP mask only fixes how many coordinates each tensor keeps, and the kept ones are drawn
 * at random, re-drawn every {@code mask_interval} steps ({@link ZoGrasp#layerRandomMask}); with
 * {@code mask=grasp} (default) the ZO-GraSP mask itself is used throughout. {@code sparsity=0}
 * skips ZO-GraSP (dense CGE).
 *
 * <p>Hyperparameters (defaults): {@code lr} 0.1 and {@code momentum} 0.9 (the paper's CIFAR-10
 * setting), {@code weight_decay} 0, {@code mu} 5e-3 (the reference's ZO step), {@code sparsity}
 * 0.9 (the paper's ResNet-20 setting), {@code coords_per_step} all, {@code difference}
 * forward|central, {@code grasp_queries} 192 (reference), {@code mask} grasp|layer_random,
 * {@code mask_interval} 1000 steps, {@code seed} 0.
 *
 * <p>The loss comes from {@link #step(Objective)} (or the constructor, for {@link #step()}); when it is a
 * {@link ReplicatedObjective}, coordinates are evaluated in parallel on replicas. A step whose f(θ)
 * or estimate is not finite changes nothing (parameters and momentum stay) and counts in
 * {@code skipped}. Scalars: {@code loss} (f(θ) of the latest step), {@code queries} (cumulative
 * objective evaluations, ZO-GraSP included), {@code skipped}. State tensors: {@code momentum_buffer},
 * {@code grasp_mask}. The gradient buffer receives ĝ (it is not read).
 */
public final class DeepZeroOptimizer implements Optimizer {
    /** How the coordinate mask is formed from ZO-GraSP. */
    public enum MaskMode { GRASP, LAYER_RANDOM }

    /** Every setting of the optimizer; validated on construction. */
    public record Settings(double lr, double momentum, double weightDecay, double mu, double sparsity, int coordsPerStep,
                           CoordinateGradientEstimator.Difference difference, int graspQueries, MaskMode mask,
                           int maskInterval, long seed) {
        public Settings {
            Hyper.nonNegative("lr", lr);
            Hyper.unitInterval("momentum", momentum);
            Hyper.nonNegative("weight_decay", weightDecay);
            Hyper.positive("mu", mu);
            ZoGrasp.checkSparsity(sparsity);
            Hyper.positiveCount("coords_per_step", coordsPerStep);
            Hyper.positiveCount("grasp_queries", graspQueries);
            Hyper.positiveCount("mask_interval", maskInterval);
        }

        public static Settings defaults() {
            return new Settings(0.1, 0.9, 0, 5e-3, 0.9, CoordinateGradientEstimator.ALL,
                    CoordinateGradientEstimator.Difference.FORWARD, 192, MaskMode.GRASP, 1000, 0);
        }
    }

    private final ParamSet params;
    private final float[] grads;
    /** The objective given at construction, used by {@link #step()}; null when built by name (then {@link #step(Objective)} only). */
    private final Objective bound;
    private final Settings settings;
    private final CoordinateGradientEstimator cge;
    private final float[] momentumBuffer;
    private final float[] graspMask;
    private final float[] activeMask;
    private final int[] eligible;
    private long activeDraw = -1;
    private double lr;
    private boolean maskReady;
    private final ZoProgress progress = new ZoProgress();

    public DeepZeroOptimizer(ParamSet params, float[] grads, Objective objective, Settings settings) {
        this.params = params;
        this.grads = grads;
        this.bound = objective;
        this.settings = settings;
        this.lr = settings.lr();
        this.cge = new CoordinateGradientEstimator(settings.mu(), settings.difference(), settings.coordsPerStep(), settings.seed());
        this.momentumBuffer = new float[params.elements()];
        this.graspMask = new float[params.elements()];
        this.activeMask = new float[params.values().length];
        this.eligible = new int[params.elements()];
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
        return progress.report("f(θ) or the estimate is not finite; parameters unchanged");
    }

    private void takeStep(Objective objective) {
        float[] theta = params.values();
        if (!maskReady) buildGraspMask(theta, objective);
        refreshActiveMask();
        double f0 = objective instanceof ReplicatedObjective r
                ? cge.estimate(theta, r, grads, progress.steps)
                : cge.estimate(theta, objective, grads, progress.steps);
        progress.queries += cge.queriesPerEstimate();
        progress.steps++;
        progress.loss = f0;
        boolean finite = Double.isFinite(f0);
        for (ParamSlot s : params.slots()) finite &= Reductions.allFinite(grads, s.offset(), s.size());
        if (!finite) {
            progress.skip();
            return;
        }
        float m = (float) settings.momentum();
        float wd = (float) settings.weightDecay();
        float step = (float) lr;
        for (ParamSlot s : params.slots()) {
            int off = s.offset();
            int so = s.stateOffset();
            for (int i = 0; i < s.size(); i++) {
                float g = grads[off + i] + wd * theta[off + i];
                float b = m * momentumBuffer[so + i] + g;
                momentumBuffer[so + i] = b;
                theta[off + i] -= step * b;
            }
        }
    }

    private void buildGraspMask(float[] theta, Objective objective) {
        if (settings.sparsity() == 0 || ZoGrasp.prunableIndices(params, ZoGrasp.MATRICES).length == 0) {
            Arrays.fill(graspMask, 1f);
        } else {
            float[] score = ZoGrasp.scores(theta, objective, params, ZoGrasp.MATRICES, settings.graspQueries(), settings.mu(), settings.seed());
            progress.queries += ZoGrasp.queries(settings.graspQueries());
            float[] full = ZoGrasp.mask(score, params, ZoGrasp.MATRICES, settings.sparsity());
            for (ParamSlot s : params.slots()) System.arraycopy(full, s.offset(), graspMask, s.stateOffset(), s.size());
        }
        maskReady = true;
        activeDraw = -1;
    }

    /** Sets the estimator's eligible coordinates from the ZO-GraSP mask or this interval's random draw. */
    private void refreshActiveMask() {
        long draw = settings.mask() == MaskMode.LAYER_RANDOM ? progress.steps / settings.maskInterval() : 0;
        if (draw == activeDraw) return;
        for (ParamSlot s : params.slots()) System.arraycopy(graspMask, s.stateOffset(), activeMask, s.offset(), s.size());
        if (settings.mask() == MaskMode.LAYER_RANDOM && settings.sparsity() > 0) {
            ZoGrasp.layerRandomMask(activeMask.clone(), params, ZoGrasp.MATRICES, settings.seed(), draw, activeMask);
        }
        int n = 0;
        for (ParamSlot s : params.slots()) {
            for (int i = 0; i < s.size(); i++) if (activeMask[s.offset() + i] != 0f) eligible[n++] = s.offset() + i;
        }
        cge.setEligible(eligible, n);
        activeDraw = draw;
    }

    /** The coordinates estimated (1) or masked (0), over the set's elements; all 1 before the first step. */
    public float[] mask() { return maskReady ? graspMask.clone() : filledOnes(); }

    private float[] filledOnes() {
        float[] ones = new float[graspMask.length];
        Arrays.fill(ones, 1f);
        return ones;
    }

    public Settings settings() { return settings; }

    @Override
    public void zeroGrad() {
        for (ParamSlot s : params.slots()) Arrays.fill(grads, s.offset(), s.offset() + s.size(), 0f);
    }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double value) {
        Hyper.nonNegative("lr", value);
        lr = value;
    }

    @Override
    public long stepCount() { return progress.steps; }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("momentum_buffer", Tensor.of(momentumBuffer, momentumBuffer.length));
        s.put("grasp_mask", Tensor.of(graspMask, graspMask.length));
        return s;
    }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("momentum", settings.momentum());
        s.put("mu", settings.mu());
        s.put("sparsity", settings.sparsity());
        s.put("mask_ready", maskReady ? 1.0 : 0.0);
        progress.putOutputs(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        for (String k : new String[] {"step", "lr", "mask_ready", "queries", "skipped"}) {
            if (!scalars.containsKey(k)) throw new IllegalArgumentException("deepzero state is missing the scalar '" + k + "'");
        }
        copy(tensors, "momentum_buffer", momentumBuffer);
        copy(tensors, "grasp_mask", graspMask);
        progress.steps = scalars.get("step").longValue();
        lr = scalars.get("lr");
        maskReady = scalars.get("mask_ready") != 0;
        progress.loss = scalars.getOrDefault("loss", Double.NaN);
        progress.queries = scalars.get("queries").longValue();
        progress.skipped = scalars.get("skipped").longValue();
        activeDraw = -1;
    }

    private static void copy(Map<String, Tensor> tensors, String name, float[] into) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("deepzero state is missing the buffer '" + name + "'");
        if (t.size() != into.length) throw new IllegalArgumentException("deepzero buffer '" + name + "' has " + t.size() + " values, expected " + into.length);
        float[] v = t.toArray();
        System.arraycopy(v, 0, into, 0, into.length);
    }

    @Override
    public String name() { return "deepzero"; }

    @Override
    public boolean needsGradients() { return false; }
}
