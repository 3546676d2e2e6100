package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.StepReport;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ZoVH for large models: the per-tensor block-diagonal variant of the reference's language-model
 * trainer ({@code Qjbtiger/ZoVH} @ 0d22908d {@code mezo/trainer.py}, {@code zovh_zo_step_update}),
 * in MeZO's memory-saving mode: no direction is stored, and no copy of the parameters is made.
 * One step t:
 * <ol>
 *   <li>for k = 1 … K: θ ← θ + μ z_{t,k}; y_{t,k} = f(θ); θ ← θ − μ z_{t,k} (in place, z regenerated
 *       from its key, {@link Perturbation}; restored within {@link Perturbation#restoreBound}(θ, μ|z|, 2));
 *       f(θ) itself is not queried;</li>
 *   <li>the K (value, key) pairs join the last N·K ({@link ZovhQueryRing}; old values are reused, not
 *       re-evaluated); b̂ = mean of the n held values, r_j = (y_j − b̂)/μ, ν_j = r_j/μ;</li>
 *   <li>ĝ = Σ_j fl(r_j/(n−1)) z_j, accumulated in float32 in the gradient buffer (the reference's
 *       {@code flat_grad}, in the parameter dtype);</li>
 *   <li>per parameter tensor P (the block-diagonal part): s_{j,P} = ‖z_{j,P}‖², d_{j,P} = z_{j,P}ᵀĝ_P
 *       (double sums), a_{j,P} = ν_j/(λ(n−1) + ν_j s_{j,P}), e_{j,P} = ((n−1)d_{j,P} − r_j s_{j,P})/(n−2);</li>
 *   <li>θ_P ← θ_P − η(p_P + wd·θ_P) with p_P = (ĝ_P − Σ_j a_{j,P} e_{j,P} z_{j,P})/λ — eq. 16 applied to
 *       every tensor on its own sub-vectors of the shared directions (computed as θ − η(ĝ/λ + wd·θ),
 *       then + η a e/λ · z_j for each j, in float32).</li>
 * </ol>
 * Every pass regenerates the n directions, so a step costs K forward passes plus 3n + 2K direction
 * regenerations; memory is the parameters, the gradient buffer (which holds ĝ) and O(N·K + K·tensors)
 * scalars — that of MeZO.
 *
 * <p>Over a subset of the parameters ({@link ParamSet#subset}) only those are perturbed and updated
 * and only their places of the gradient buffer are written; directions have dimension
 * {@code params.elements()}, indexed by the set's dense layout, so a subset run equals a run on a
 * model holding only those parameters (as in {@link Mezo}).
 *
 * <p>Choices (the reference is silent or differs): directions are Gaussian from the Philox stream
 * (seed, "zo/direction") keyed by (step, query), as in {@link Mezo}, where the reference draws an
 * integer seed per query from the global RNG; the loss reported is the mean of the K values (the
 * reference runs one extra forward pass after the update to log f(θ_{t+1})); its λ schedule
 * ({@code hess_scheduler_step}: 0.5 → 1.0) and history switch-off ({@code zoar_scheduler_step}) are left
 * to the caller ({@link #setLambda}); the singular denominator λ(n−1) + ν_j s_{j,P} ≈ 0 is not guarded
 * (nor is it in the reference). A step with a non-finite value is skipped as in
 * {@link ZovhOptimizer}. Scalars as there: {@code step}, {@code lr}, {@code lambda_hess}, {@code loss},
 * {@code queries}, {@code skipped}, {@code accepted}, {@code y.j}, {@code key.j}; no state tensors.
 */
public final class ZovhBlockDiagonal implements Optimizer {
    private final ParamSet params;
    private final float[] theta;
    private final float[] ghat;
    /** The objective given at construction, used by {@link #step()}; null when built by name (then {@link #step(Objective)} only). */
    private final Objective bound;
    private final Directions directions;
    private final List<ParamSlot> slots;
    private double lr;
    private final double mu;
    private double lambda;
    private final int k;
    private final double weightDecay;
    private final ZovhQueryRing ring;
    private final ZoProgress progress = new ZoProgress();
    /** This optimizer's per-chunk scratch, for every pass that regenerates a direction. */
    private final Passes passes = new Passes();
    private final Perturbation perturbation = new Perturbation(passes);
    /** Per held pair j and tensor P (by position in the set): a_{j,P}·e_{j,P}. */
    private final double[][] coefficients;
    private final double[] dots;
    private final double[] norms;

    /** With Gaussian directions from the Philox stream (seed, "zo/direction") keyed by (step, query). */
    public ZovhBlockDiagonal(ParamSet params, float[] grads, Objective objective, double lr, double mu, double lambda,
                             int k, int histories, double weightDecay, long seed) {
        this(params, grads, objective, lr, mu, lambda, k, histories, weightDecay, Directions.seeded(DirectionKind.GAUSSIAN, seed));
    }

    /**
     * With directions from {@code directions} (e.g. {@link Directions#fixed} for a worked example); a
     * held pair's direction is {@code directions.at(step that drew it, query, d)}.
     */
    public ZovhBlockDiagonal(ParamSet params, float[] grads, Objective objective, double lr, double mu, double lambda,
                             int k, int histories, double weightDecay, Directions directions) {
        ZovhOptimizer.checkSettings(lr, mu, lambda, k, histories, weightDecay);
        this.params = params;
        this.theta = params.values();
        this.ghat = grads;
        this.bound = objective;
        this.directions = java.util.Objects.requireNonNull(directions, "directions");
        this.slots = params.slots();
        this.lr = lr;
        this.mu = mu;
        this.lambda = lambda;
        this.k = k;
        this.weightDecay = weightDecay;
        this.ring = new ZovhQueryRing(histories, k);
        this.coefficients = new double[histories * k][slots.size()];
        this.dots = new double[slots.size()];
        this.norms = new double[slots.size()];
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
        long t = progress.steps++;
        ring.begin();
        float m = (float) mu;
        boolean finite = true;
        double sum = 0;
        for (int q = 0; q < k; q++) {
            Direction z = directions.at(t, q, d);
            perturbation.add(params, m, z);
            double y = objective.loss();
            perturbation.add(params, -m, z);
            ring.record(q, y, t);
            finite &= Double.isFinite(y);
            sum += y;
        }
        progress.queries += k;
        progress.loss = sum / k;
        if (!finite) {
            ring.rollBack();
            progress.skip();
            return;
        }
        ring.accept();
        int n = ring.size();
        double b = ring.baseline();

        for (ParamSlot s : slots) java.util.Arrays.fill(ghat, s.offset(), s.offset() + s.size(), 0f);
        for (int j = 0; j < n; j++) perturbation.addTo(params, ghat, (float) ((ring.value(j) - b) / mu / (n - 1)), direction(j));

        for (int j = 0; j < n; j++) {
            Direction z = direction(j);
            sumsPerTensor(z);
            double r = (ring.value(j) - b) / mu;
            double nu = r / mu;
            for (int p = 0; p < slots.size(); p++) {
                double a = nu / (lambda * (n - 1) + nu * norms[p]);
                double e = ((n - 1) * dots[p] - r * norms[p]) / (n - 2);
                coefficients[j][p] = a * e;
            }
        }

        float eta = (float) lr;
        float inverseLambda = (float) (1 / lambda);
        float wd = (float) weightDecay;
        passes.forEachPiece(params, (slot, off, so, len, scratch) -> {
            for (int i = off; i < off + len; i++) theta[i] -= eta * (ghat[i] * inverseLambda + wd * theta[i]);
        });
        for (int j = 0; j < n; j++) addPerTensor(direction(j), coefficients[j], lr / lambda);
    }

    /** The direction held in slot j, regenerated from its key. */
    private Direction direction(int j) {
        return directions.at(ring.key(j), ring.query(j), params.elements());
    }

    /**
     * norms[P] = ‖z_P‖², dots[P] = z_Pᵀĝ_P for every tensor P, in double, in index order. Tensors are
     * shared out over threads whole, so each sum has one order whatever the thread count.
     */
    private void sumsPerTensor(Direction z) {
        passes.forRange(slots.size(), 1, (from, to, scratch) -> {
            float[] piece = scratch.piece();
            for (int t = from; t < to; t++) {
                ParamSlot s = slots.get(t);
                double n2 = 0, dot = 0;
                int off = s.offset();
                for (int c = 0; c < s.size(); c += Scratch.PIECE) {
                    int len = Math.min(Scratch.PIECE, s.size() - c);
                    z.fill(piece, 0, len, s.stateOffset() + c, scratch);
                    for (int i = 0; i < len; i++) {
                        double v = piece[i];
                        n2 += v * v;
                        dot += v * ghat[off + c + i];
                    }
                }
                norms[t] = n2;
                dots[t] = dot;
            }
        });
    }

    /** θ_P ← θ_P + fl(scale·coef[P])·z_P for every tensor P (element by element, so any split gives the same bits). */
    private void addPerTensor(Direction z, double[] coef, double scale) {
        passes.forRange(slots.size(), 1, (from, to, scratch) -> {
            float[] piece = scratch.piece();
            for (int t = from; t < to; t++) {
                ParamSlot s = slots.get(t);
                float c = (float) (scale * coef[t]);
                int off = s.offset();
                for (int i0 = 0; i0 < s.size(); i0 += Scratch.PIECE) {
                    int len = Math.min(Scratch.PIECE, s.size() - i0);
                    z.fill(piece, 0, len, s.stateOffset() + i0, scratch);
                    for (int i = 0; i < len; i++) theta[off + i0 + i] += c * piece[i];
                }
            }
        });
    }

    /** λ from now on (the reference switches 0.5 → 1.0 at {@code hess_scheduler_step}). */
    public void setLambda(double lambda) {
        ZovhOptimizer.checkLambda(lambda);
        this.lambda = lambda;
    }

    /** Why the latest skipped step was skipped, or null when none was. */
    public String lastSkipReason() {
        return progress.lastSkipReason("a loss evaluation was not finite");
    }

    @Override
    public void zeroGrad() { java.util.Arrays.fill(ghat, 0f); }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double lr) {
        ZovhOptimizer.checkLearningRate(lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() { return progress.steps; }

    /** No tensors: the directions regenerate from their keys. */
    @Override
    public Map<String, Tensor> state() { return new LinkedHashMap<>(); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("lambda_hess", lambda);
        progress.putOutputs(s);
        ring.putScalars(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        ring.load(scalars);
        progress.load(scalars);
        if (scalars.containsKey("lr")) setLearningRate(scalars.get("lr"));
        if (scalars.containsKey("lambda_hess")) setLambda(scalars.get("lambda_hess"));
    }

    @Override
    public String name() { return "zovh"; }

    @Override
    public boolean needsGradients() { return false; }
}
