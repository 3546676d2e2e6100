package dev.descent.zo;

import dev.descent.nn.ParameterRole;
import dev.descent.optim.Objective;
import dev.descent.optim.StepReport;
import dev.descent.optim.Hyper;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * MeZO: zeroth-order SGD in the memory-saving mode of Malladi et al., "Fine-Tuning Language Models
 * with Just Forward Passes", NeurIPS 2023 (arXiv 2305.17333), Algorithm 1, following the reference
 * {@code princeton-nlp/MeZO} {@code large_models/trainer.py} ({@code zo_perturb_parameters},
 * {@code zo_step}, {@code zo_update}). One step t, with directions zⱼ = {@code directions.at(t, j, d)}
 * (Gaussian by default) and smoothing radius μ (the reference's {@code zo_eps}):
 * <pre>
 *   for j = 1 … q:
 *     θ ← θ + μ zⱼ;   ℓ₊ = f(θ)
 *     θ ← θ − 2μ zⱼ;  ℓ₋ = f(θ)
 *     θ ← θ + μ zⱼ                               (restore, exact up to rounding)
 *     gⱼ = (ℓ₊ − ℓ₋) / (2μ)                      (the "projected gradient", a scalar)
 *   θ ← θ − η ( (1/q) Σⱼ gⱼ zⱼ + λ θ )            λ only on decayed parameters
 * </pre>
 * z is never stored: every pass regenerates it from the counter-based generator
 * ({@link Perturbation}), so the memory is that of inference — the parameters, q scalars, and no
 * gradient buffer, no state tensors ({@link #state()} is empty). The update is applied query by
 * query: pass j computes θᵢ ← θᵢ − η·(fl(gⱼ/q)·zⱼᵢ [+ λθᵢ on the first pass]) in float32, which for
 * q = 1 is the reference's {@code θ − lr·(projected_grad·z + weight_decay·θ)} element for element
 * (with q = 1 the restoring pass and the update share one pass over the buffer, one regeneration of z
 * fewer: three per step instead of four, with the same operations per element and so the same bits).
 * The reference code implements q = 1 only; q &gt; 1 is the paper's n-SPSA (average of q two-point
 * estimates, equal in exact arithmetic to applying them in one pass).
 *
 * <p><b>Any parameter subset.</b> Built over a {@link ParamSet} that is not the whole buffer (only
 * the LoRA adapters, only some layers), MeZO perturbs, restores and updates only those parameters;
 * the others are never written. Direction zⱼ has dimension d = {@code params.elements()} and is
 * indexed by the set's dense layout ({@code slot.stateOffset() + i}), so for the whole buffer it is
 * exactly the direction over the buffer, and for a subset it is the direction a model holding only
 * those parameters, in the same order, would draw: the two runs give the same bits.
 *
 * <p><b>Passes per step.</b> With q = 1 a step makes three passes over the parameters, each
 * regenerating z: θ + μz, then θ − 2μz, then the restore and the update together (see above). That is
 * the fewest the algorithm allows without changing what is observable: the two evaluations sit
 * between the passes, and the next step's perturbation cannot join this step's update because the
 * parameters must be unperturbed between steps (checkpoints, evaluations, schedules read them). The
 * cost of a pass is mostly generating z; {@link dev.descent.tensor.PhiloxGaussian} does that many
 * values at a time, with the bits of the scalar Box–Muller.
 *
 * <p>Weight decay skips biases and normalisation gains (roles {@link ParameterRole#BIAS} and
 * {@link ParameterRole#NORM_GAIN}): the reference's rule, which skips names containing "bias",
 * "layer_norm" or "layernorm", read from the roles the model gives.
 *
 * <p>Differences from the reference, by choice: the reference draws a fresh integer seed per step
 * from numpy's global RNG; here the directions are keyed by (seed, step, query), so a resumed run
 * reproduces them. The loss reported ({@code loss}) is the mean of ℓ₊ over the q queries (the
 * reference logs ℓ₊). If any evaluation is NaN or infinite, the update is skipped (the parameters
 * are already restored, within {@link Perturbation#restoreBound}(θ, 2μ|z|, 3q)), the counter
 * {@code skipped} grows and {@link #lastSkipReason()} says why.
 *
 * <p>Hyperparameters (registry names, defaults): {@code lr} 1e-6 (the README's recommended full
 * fine-tuning rate; {@code mezo.sh}'s example uses 1e-5), {@code mu} 1e-3 ({@code zo_eps}),
 * {@code weight_decay} 0, {@code q} 1, {@code seed} 0, {@code direction} gaussian. Scalars: those, plus
 * {@code step}, {@code loss}, {@code queries} (objective evaluations so far, 2q per step) and
 * {@code skipped}.
 */
public final class Mezo implements Optimizer {
    private final ParamSet params;
    private final float[] values;
    /** The objective given at construction, used by {@link #step()}; null when built by name (then {@link #step(Objective)} only). */
    private final Objective bound;
    private final DirectionKind kind;
    private Directions directions;
    private final boolean[] decayed;
    private final double[] projected;
    /** The q directions of the current step, kept from the queries for the update (a sphere direction's norm is computed once). */
    private final Direction[] queried;
    private double lr;
    private double mu;
    private double weightDecay;
    private double seed;
    private final ZoProgress progress = new ZoProgress();
    /** This optimizer's per-chunk scratch, for the perturbation passes and the update. */
    private final Passes passes = new Passes();
    private final Perturbation perturbation = new Perturbation(passes);

    /** MeZO with seeded directions of {@code kind}. */
    public Mezo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, long seed, DirectionKind kind) {
        this(params, objective, lr, mu, weightDecay, q, Directions.seeded(kind, seed), kind, seed);
    }

    /** MeZO with directions from {@code directions} (e.g. {@link Directions#fixed} for a worked example). */
    public Mezo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, Directions directions) {
        this(params, objective, lr, mu, weightDecay, q, directions, null, Double.NaN);
    }

    private Mezo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, Directions directions,
                 DirectionKind kind, double seed) {
        Hyper.nonNegative("lr", lr);
        Hyper.positive("mu", mu);
        Hyper.nonNegative("weight_decay", weightDecay);
        Hyper.positiveCount("q", q);
        this.params = params;
        this.values = params.values();
        this.bound = objective;
        this.directions = Objects.requireNonNull(directions, "directions");
        this.kind = kind;
        this.seed = seed;
        this.lr = lr;
        this.mu = mu;
        this.weightDecay = weightDecay;
        this.projected = new double[q];
        this.queried = new Direction[q];
        List<ParamSlot> slots = params.slots();
        // indexed by the model's parameter index (a subset's slots keep theirs)
        this.decayed = new boolean[slots.stream().mapToInt(ParamSlot::index).max().orElse(-1) + 1];
        for (ParamSlot s : slots) decayed[s.index()] = decays(s);
    }

    /** True when weight decay applies to the parameter (see the class comment): not a bias or a normalisation gain. */
    public static boolean decays(ParamSlot slot) {
        return !slot.role().isGainOrBias();
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
        int d = params.elements();
        int q = projected.length;
        float m = (float) mu;
        // With one query the restoring pass θ ← θ + μz and the update pass walk the same direction one
        // after the other: they run as one pass (same operations per element, so the same bits, one
        // regeneration of z fewer). With q > 1 the updates come after every query's restore.
        boolean fuse = q == 1;
        double plusSum = 0;
        boolean finite = true;
        for (int j = 0; j < q; j++) {
            Direction z = queried[j] = directions.at(progress.steps, j, d);
            perturbation.add(params, m, z);
            double plus = objective.loss();
            perturbation.add(params, -2 * m, z);
            double minus = objective.loss();
            projected[j] = (plus - minus) / (2 * mu);
            plusSum += plus;
            finite &= Double.isFinite(plus) && Double.isFinite(minus) && Double.isFinite(projected[j]);
            if (!(fuse && finite)) perturbation.add(params, m, z);
        }
        progress.queries += 2L * q;
        progress.loss = plusSum / q;
        progress.steps++;
        if (!finite) {
            progress.skip();
            return;
        }
        if (fuse) {
            update(queried[0], (float) projected[0], true, m);
            return;
        }
        for (int j = 0; j < q; j++) update(queried[j], (float) (projected[j] / q), j == 0, 0f);
    }

    /**
     * θ ← θ − η (g·z + λθ) on decayed slots (λ only when {@code decay}), θ ← θ − η g·z elsewhere, in
     * float32; when {@code restore} ≠ 0, each element is first restored, θ ← θ + fl(restore·z), exactly
     * as {@link Perturbation#add} would do it in a pass of its own.
     */
    private void update(Direction z, float g, boolean decay, float restore) {
        float eta = (float) lr;
        float wd = decay ? (float) weightDecay : 0f;
        passes.forEachPiece(params, (slot, off, so, n, scratch) ->
                updatePiece(values, off, so, n, z, scratch, decayed[slot.index()] ? wd : 0f, eta, g, restore));
    }

    /**
     * The float32 update of one piece of a slot, {@code n} elements at {@code values[off…]} whose direction
     * starts at element {@code so}: θ ← θ + fl(restore·z) first when restore ≠ 0, then
     * θ ← θ − η (g·z + λθ). Shared with the zeroth-order methods that take MeZO's step on float tensors.
     */
    static void updatePiece(float[] values, int off, int so, int n, Direction z, Scratch scratch, float lambda, float eta, float g,
                            float restore) {
        boolean restoring = restore != 0f;
        float[] piece = scratch.piece();
        for (int k = 0; k < n; k += Scratch.PIECE) {
            int len = Math.min(Scratch.PIECE, n - k);
            z.fill(piece, 0, len, so + k, scratch);
            int base = off + k;
            for (int i = 0; i < len; i++) {
                float theta = values[base + i];
                if (restoring) theta += restore * piece[i];
                values[base + i] = theta - eta * (g * piece[i] + lambda * theta);
            }
        }
    }

    /** Why the latest skipped step was skipped, or null when none was. */
    public String lastSkipReason() {
        return progress.lastSkipReason("a loss evaluation was not finite");
    }

    /** The projected gradients gⱼ of the latest step. */
    public double[] projectedGradients() { return projected.clone(); }

    @Override
    public void zeroGrad() {
        // MeZO never reads or writes a gradient buffer.
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
    public Map<String, Tensor> state() { return Map.of(); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("mu", mu);
        s.put("weight_decay", weightDecay);
        s.put("q", (double) projected.length);
        s.put("seed", seed);
        progress.putOutputs(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        if (!tensors.isEmpty()) throw new IllegalArgumentException("mezo keeps no state tensors, the saved state has " + tensors.keySet());
        ZoProgress.checkSame(scalars, "q", projected.length);
        double savedSeed = ZoProgress.required(scalars, "seed");
        if (kind != null && Double.compare(savedSeed, seed) != 0) {
            seed = savedSeed;
            directions = Directions.seeded(kind, (long) savedSeed);
        }
        double newLr = ZoProgress.required(scalars, "lr");
        double newMu = ZoProgress.required(scalars, "mu");
        double newWd = ZoProgress.required(scalars, "weight_decay");
        Hyper.nonNegative("lr", newLr);
        Hyper.positive("mu", newMu);
        Hyper.nonNegative("weight_decay", newWd);
        lr = newLr;
        mu = newMu;
        weightDecay = newWd;
        progress.load(scalars);
    }

    @Override
    public String name() { return "mezo"; }

    @Override
    public boolean needsGradients() { return false; }
}
