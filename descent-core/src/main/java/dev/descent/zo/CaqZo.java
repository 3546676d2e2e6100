package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.quant.Compander;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * CAQ-ZO: zeroth-order steps on 4-bit (NF4) weights with compander-aligned one-grid-step queries
 * (Shu &amp; Zhu, "Compander-Aligned Query Geometry for Quantized Zeroth-Order Optimization",
 * arXiv 2605.10673 — abstract only; no code is public, so the step is this project's reading,
 * {@code specs/12b_caq_zo.md}). Each weight has a companded coordinate z = φ(w/absmax)
 * ({@link Compander}: piecewise-linear, level j ↦ j, grid step Δ = 1) and a continuous float32 master z.
 * Step t, with a Rademacher vector r ∈ {±1}ⁿ (Philox, keyed by (seed, t) as MeZO's directions):
 * <pre>
 *   z± = clip(round(z) ± Δ r, 0, 15)          stored codes of the two queries
 *   w± = absmax · level(z±)                    exact grid points: the engine's rounding leaves them as they are
 *   ĝ_z = (L(w₊) − L(w₋)) / (2Δ) · r
 *   z ← clip(z − η ĝ_z, 0, 15);   stored code = round(z)
 * </pre>
 * The block scales (absmax) are not trained. round is to nearest, ties to even (numpy's). Choices
 * where the abstract is silent: η is in index units (z units); one query per step; at the boundary
 * codes the stencil is clipped (the chord may then be one-sided or empty) and the difference is still
 * divided by 2Δ; the master z is clipped to [0, 15] so it cannot drift past the codebook.
 *
 * <p><b>Memory.</b> The master z is one float32 per quantized weight: 4 bytes against the 0.5 byte
 * of the NF4 code, i.e. the size of an unquantized float32 copy (an 8-bit or fp16 accumulator would
 * halve or quarter it; keeping only the integer code, z = code, would need η ĝ ≥ ½ to move at all).
 * r is regenerated from its seed in pieces, never stored.
 *
 * <p><b>Endpoint-rounding residual.</b> Each step measures ‖(Q(w₊) − Q(w₋)) − (w₊ − w₋)‖₂, the
 * difference between the chord the engine evaluates and the intended one ({@link #lastEndpointResidual});
 * it is 0 by construction here, and positive for off-grid weight-space queries ({@link OffGridQuantizedZo}).
 *
 * <p>Not in the registry: it optimizes quantized tensors, not the float parameter buffer a registry
 * factory receives. Hyperparameters: {@code lr} η (no default known; the worked example uses 0.5), {@code seed}.
 */
public final class CaqZo extends TwoPointQueryOptimizer {
    private static final int PIECE = 1024;
    private final QuantizedWeights weights;
    private final Directions directions;
    private final long seed;
    private final float[] z;
    private final float[] piece = new float[PIECE];
    private final Scratch scratch = new Scratch();
    private double projected = Double.NaN;
    private double residual = Double.NaN;

    /** CAQ-ZO with Rademacher directions from the Philox stream of {@code seed}. */
    public CaqZo(QuantizedWeights weights, Objective objective, double lr, long seed) {
        this(weights, objective, lr, seed, Directions.seeded(DirectionKind.RADEMACHER, seed));
    }

    /** CAQ-ZO with the sign vectors of {@code directions} (entries ±1; e.g. {@link Directions#fixed} for a worked example). */
    public CaqZo(QuantizedWeights weights, Objective objective, double lr, long seed, Directions directions) {
        super(objective, lr);
        this.weights = Objects.requireNonNull(weights, "weights");
        new Compander(weights.codebook()); // refuses a codebook whose levels do not increase with the code
        this.seed = seed;
        this.directions = Objects.requireNonNull(directions, "directions");
        this.z = new float[weights.size()];
        for (int i = 0; i < z.length; i++) z[i] = weights.code(i);
    }

    @Override
    protected void takeStep(Objective objective) {
        int n = z.length;
        Direction r = directions.at(progress.steps, 0, n);
        double res2 = 0;
        // plus endpoint, and the rounding residual of the chord (Q of an exact grid point is itself)
        for (int k = 0; k < n; k += PIECE) {
            int len = Math.min(PIECE, n - k);
            r.fill(piece, 0, len, k, scratch);
            for (int j = 0; j < len; j++) {
                int i = k + j;
                int c = Compander.round(z[i]);
                int cp = Compander.round(c + piece[j]);
                int cm = Compander.round(c - piece[j]);
                float wp = weights.value(i, cp);
                float wm = weights.value(i, cm);
                double d = ((double) weights.value(i, weights.nearestCode(i, wp)) - weights.value(i, weights.nearestCode(i, wm))) - ((double) wp - wm);
                res2 += d * d;
                weights.setCode(i, cp);
            }
        }
        double plus = objective.loss();
        fillCodes(r, -1, piece, scratch);
        double minus = objective.loss();
        fillCodes(r, 0, piece, scratch);
        residual = Math.sqrt(res2);
        projected = (plus - minus) / 2.0; // Δ = 1
        progress.queries += 2;
        progress.loss = plus;
        progress.steps++;
        if (!(Double.isFinite(plus) && Double.isFinite(minus))) {
            progress.skip();
            return;
        }
        float g = (float) projected;
        float eta = (float) lr;
        for (int k = 0; k < n; k += PIECE) {
            int len = Math.min(PIECE, n - k);
            r.fill(piece, 0, len, k, scratch);
            for (int j = 0; j < len; j++) {
                int i = k + j;
                z[i] = Math.max(0f, Math.min(15f, z[i] - eta * (g * piece[j])));
                weights.setCode(i, Compander.round(z[i]));
            }
        }
    }

    /** Stores clip(round(z) + sign·r) for every weight (sign 0: round(z), the unperturbed codes). */
    private void fillCodes(Direction r, int sign, float[] piece, Scratch scratch) {
        for (int k = 0; k < z.length; k += PIECE) {
            int len = Math.min(PIECE, z.length - k);
            r.fill(piece, 0, len, k, scratch);
            for (int j = 0; j < len; j++) weights.setCode(k + j, Compander.round(Compander.round(z[k + j]) + sign * piece[j]));
        }
    }

    /** The master coordinates z (a copy). */
    public float[] master() { return z.clone(); }

    /** (L(w₊) − L(w₋)) / (2Δ) of the latest step: ĝ_z = this · r. */
    public double projectedGradient() { return projected; }

    /** ‖(Q(w₊) − Q(w₋)) − (w₊ − w₋)‖₂ of the latest query (0 by construction). */
    public double lastEndpointResidual() { return residual; }

    @Override
    public Map<String, Tensor> state() { return Map.of("z", Tensor.of(z.clone(), z.length)); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("seed", (double) seed);
        s.put("endpoint_residual", residual);
        progress.putOutputs(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        Tensor saved = tensors.get("z");
        if (saved == null || saved.size() != z.length) throw new IllegalArgumentException("caq_zo needs a state tensor z of " + z.length + " values");
        ZoProgress.checkSame(scalars, "seed", seed);
        float[] v = saved.toArray();
        System.arraycopy(v, 0, z, 0, z.length);
        for (int i = 0; i < z.length; i++) weights.setCode(i, Compander.round(z[i]));
        loadProgress(scalars);
    }

    @Override
    public String name() { return "caq_zo"; }

}
