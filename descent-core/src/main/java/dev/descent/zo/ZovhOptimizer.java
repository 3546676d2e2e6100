package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.StepReport;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ZoVH's curvature-aware zeroth-order optimizer (paper Alg. 1; reference
 * {@code synthetic_and_adversarial/optimizer/zo_hess.py}, {@code ZoHessVanilla}/{@code ZoARHess}) over
 * a flat float parameter set, treated as one vector θ (the synthetic/attack variant; the LLM trainer's
 * per-tensor block-diagonal variant is not implemented). Each step:
 * <ol>
 *   <li>draws K directions u_{t,k} ~ N(0, I) ({@link HessianDirections}, key (seed, t, k), entries in
 *       the set's slot order);</li>
 *   <li>evaluates y_{t,k} = f(θ_t + μu_{t,k}) through the {@link Objective} given to {@link #step(Objective)}
 *       (or at construction, for {@link #step()}), perturbing the buffer in place to
 *       {@code (float) (θ_i + μ u_i)} and restoring it from a copy, bit for bit;</li>
 *   <li>keeps the last N·K (direction, value) pairs (query reuse, {@link ZovhQueryRing}: old values are not re-evaluated);</li>
 *   <li>θ ← θ − η (p + wd·θ) with p the bias-corrected product of eq. 16/122 over all n held pairs, in
 *       the factored form of {@link ZovhEstimator#product} (double accumulators).</li>
 * </ol>
 * Hyperparameters (the reference's names; defaults from {@code synthetic.yaml}, paper Tab. 5, except
 * lr, whose reference constructor default 1e-3 is kept): {@code lr} 1e-3, {@code mu} 0.1,
 * {@code lambda_hess} 0.1, {@code num_queries} K = 3, {@code num_histories} 3 (N = num_histories + 1
 * iterations kept, as the reference's buffer of (num_histories + 1)·K), {@code weight_decay} 0 (the LLM
 * trainer's θ −= η(p + wd·θ)), {@code seed} 0. n = N·K once full; the first step has n = K ≥ 3.
 *
 * <p>Non-finite evaluations: when any of the K values of a step is NaN or infinite, the step is
 * skipped — θ is already restored bit for bit, the history is left as it was (the overwritten slot's
 * directions are regenerated from their keys and its values put back, so a bad value never enters
 * eq. 16), {@code skipped} grows by one and {@link #lastSkipReason()} says why. The step counter
 * still advances, so the next step draws fresh directions.
 *
 * <p>State: scalars {@code step} (calls so far), {@code lr}, {@code loss} (the mean of the latest
 * step's K values — f(θ) itself is never queried), {@code queries}, {@code skipped}, {@code accepted}
 * (steps whose pairs entered the history) and, per held pair j, its value {@code y.j} and the step that
 * drew it {@code key.j}. The directions are not state: they are regenerated from their keys (slot
 * (a mod N)·K + k holds query k of the a-th accepted step), so a restored optimizer continues bit for
 * bit. Memory: the N·K held directions as floats plus two buffers of the set's size (the saved θ and
 * the gradient estimate, in double).
 */
public final class ZovhOptimizer implements Optimizer {
    private final ParamSet params;
    private final float[] grads;
    /** The objective given at construction, used by {@link #step()}; null when built by name (then {@link #step(Objective)} only). */
    private final Objective bound;
    private double lr;
    private final double mu;
    private final double lambda;
    private final int k;
    private final int histories;
    private final double weightDecay;
    private final dev.descent.tensor.Philox directionStream;
    private final int size;

    private final float[][] directions; // N·K slots of length size
    private final double[] norms2;
    private final ZovhQueryRing ring;
    private final float[] saved;
    private final double[] gradient;
    /** Per held pair j: a_j·e_j of the latest step. */
    private final double[] coefficients;
    private final ZoProgress progress = new ZoProgress();

    public ZovhOptimizer(ParamSet params, float[] grads, Objective objective, double lr, double mu, double lambda,
                         int k, int histories, double weightDecay, long seed) {
        checkSettings(lr, mu, lambda, k, histories, weightDecay);
        this.params = params;
        this.grads = grads;
        // Checked after the hyperparameters, so a bad value is reported as such even without a context.
        this.bound = objective;
        this.lr = lr;
        this.mu = mu;
        this.lambda = lambda;
        this.k = k;
        this.histories = histories;
        this.weightDecay = weightDecay;
        this.directionStream = HessianDirections.base(seed);
        this.size = params.elements();
        this.directions = new float[histories * k][size];
        this.norms2 = new double[histories * k];
        this.ring = new ZovhQueryRing(histories, k);
        this.saved = new float[size];
        this.gradient = new double[size];
        this.coefficients = new double[histories * k];
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
        float[] theta = params.values();
        long t = progress.steps++;
        int first = ring.begin();
        for (ParamSlot s : params.slots()) System.arraycopy(theta, s.offset(), saved, s.stateOffset(), s.size());
        boolean finite = true;
        double sum = 0;
        for (int q = 0; q < k; q++) {
            draw(t, q, first + q);
            float[] u = directions[first + q];
            for (ParamSlot s : params.slots()) {
                for (int i = 0; i < s.size(); i++) theta[s.offset() + i] = (float) (saved[s.stateOffset() + i] + mu * u[s.stateOffset() + i]);
            }
            double y = objective.loss();
            ring.record(q, y, t);
            finite &= Double.isFinite(y);
            sum += y;
            for (ParamSlot s : params.slots()) System.arraycopy(saved, s.stateOffset(), theta, s.offset(), s.size());
        }
        progress.queries += k;
        progress.loss = sum / k;
        if (!finite) {
            // The history goes back to what it was (the displaced directions are regenerated).
            ring.rollBack();
            if (ring.displacesHeldPairs()) for (int q = 0; q < k; q++) draw(ring.key(first + q), q, first + q);
            progress.skip();
            return;
        }
        ring.accept();
        int n = ring.size();
        double b = ring.baseline();
        // ĝ = (1/(n−1)) Σ ((y_j − b̂)/μ) u_j
        Arrays.fill(gradient, 0);
        for (int j = 0; j < n; j++) {
            double r = (ring.value(j) - b) / mu / (n - 1);
            float[] u = directions[j];
            for (int i = 0; i < size; i++) gradient[i] += r * u[i];
        }
        // p = (ĝ − Σ_j a_j e_j u_j)/λ, accumulated into the gradient buffer: first the coefficients
        // (they need ĝ untouched), then the subtraction.
        double[] coef = coefficients;
        for (int j = 0; j < n; j++) {
            double r = (ring.value(j) - b) / mu;
            double nu = r / mu;
            float[] u = directions[j];
            double dot = 0;
            for (int i = 0; i < size; i++) dot += u[i] * gradient[i];
            double a = nu / (lambda * (n - 1) + nu * norms2[j]);
            double e = ((n - 1) * dot - r * norms2[j]) / (n - 2);
            coef[j] = a * e;
        }
        for (int j = 0; j < n; j++) {
            double c = coef[j];
            float[] u = directions[j];
            for (int i = 0; i < size; i++) gradient[i] -= c * u[i];
        }
        for (ParamSlot s : params.slots()) {
            for (int i = 0; i < s.size(); i++) {
                int at = s.offset() + i;
                double p = gradient[s.stateOffset() + i] / lambda;
                theta[at] = (float) (theta[at] - lr * (p + weightDecay * theta[at]));
            }
        }
    }

    /** Refuses settings outside the method's domain, naming the hyperparameter (both ZoVH variants). */
    static void checkSettings(double lr, double mu, double lambda, int k, int histories, double weightDecay) {
        checkLearningRate(lr);
        if (!(mu > 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("mu must be > 0, got " + mu);
        checkLambda(lambda);
        if (k < 3) throw new IllegalArgumentException("num_queries must be >= 3 (eq. 16 divides by n - 2 and the first step has n = num_queries), got " + k);
        if (histories < 1) throw new IllegalArgumentException("num_histories must be >= 0, got " + (histories - 1));
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
    }

    static void checkLearningRate(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
    }

    static void checkLambda(double lambda) {
        if (!(lambda > 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda_hess must be > 0, got " + lambda);
    }

    /** Fills slot {@code slot} with query {@code q} of step {@code step} (and its squared norm). */
    private void draw(long step, int q, int slot) {
        float[] u = directions[slot];
        HessianDirections.fill(directionStream, step, q, u);
        double n2 = 0;
        for (float v : u) n2 += (double) v * v;
        norms2[slot] = n2;
    }

    /** Why the latest skipped step was skipped, or null when none was. */
    public String lastSkipReason() {
        return progress.lastSkipReason("a loss evaluation was not finite");
    }

    @Override
    public void zeroGrad() { Arrays.fill(grads, 0f); }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double lr) {
        checkLearningRate(lr);
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
        progress.putOutputs(s);
        ring.putScalars(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        ring.load(scalars);
        progress.load(scalars);
        for (int j = 0; j < ring.size(); j++) draw(ring.key(j), ring.query(j), j);
        if (scalars.containsKey("lr")) setLearningRate(scalars.get("lr"));
    }

    @Override
    public String name() { return "zovh"; }

    @Override
    public boolean needsGradients() { return false; }
}
