package dev.descent.zo;

import dev.descent.optim.Hyper;
import dev.descent.optim.Objective;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The baseline CAQ-ZO is compared with ({@link CaqZo}): two-point ZO on quantized weights with a fixed
 * weight-space radius μ, whose endpoints the low-precision engine rounds to the grid. A float32
 * master w per weight (initially the decoded weights); step t with a Rademacher u:
 * <pre>
 *   w± = w ± μ u;   stored codes Q(w±) (nearest level of w±/absmax)
 *   ĝ = (L(Q(w₊)) − L(Q(w₋))) / (2μ) · u          (the rounded chord attributed to the unrounded direction)
 *   w ← w − η ĝ;   stored code = Q(w)
 * </pre>
 * Each step measures the endpoint-rounding residual ‖(Q(w₊) − Q(w₋)) − (w₊ − w₋)‖₂: the query can
 * collapse inside a dense cell (both endpoints round to one level, chord 0) or over-span a sparse one.
 */
public final class OffGridQuantizedZo extends TwoPointQueryOptimizer {
    private static final int PIECE = 1024;
    private final QuantizedWeights weights;
    private final Directions directions;
    private final float[] w;
    private final float[] piece = new float[PIECE];
    private final Scratch scratch = new Scratch();
    private final double mu;
    private double projected = Double.NaN;
    private double residual = Double.NaN;

    public OffGridQuantizedZo(QuantizedWeights weights, Objective objective, double lr, double mu, Directions directions) {
        super(objective, lr);
        Hyper.positive("mu", mu);
        this.weights = Objects.requireNonNull(weights, "weights");
        this.mu = mu;
        this.directions = Objects.requireNonNull(directions, "directions");
        this.w = new float[weights.size()];
        for (int i = 0; i < w.length; i++) w[i] = weights.value(i, weights.code(i));
    }

    @Override
    protected void takeStep(Objective objective) {
        int n = w.length;
        Direction u = directions.at(progress.steps, 0, n);
        float m = (float) mu;
        double res2 = 0;
        for (int k = 0; k < n; k += PIECE) {
            int len = Math.min(PIECE, n - k);
            u.fill(piece, 0, len, k, scratch);
            for (int j = 0; j < len; j++) {
                int i = k + j;
                float wp = w[i] + m * piece[j];
                float wm = w[i] - m * piece[j];
                double d = ((double) weights.value(i, weights.nearestCode(i, wp)) - weights.value(i, weights.nearestCode(i, wm))) - ((double) wp - wm);
                res2 += d * d;
                weights.setCode(i, weights.nearestCode(i, wp));
            }
        }
        double plus = objective.loss();
        for (int k = 0; k < n; k += PIECE) {
            int len = Math.min(PIECE, n - k);
            u.fill(piece, 0, len, k, scratch);
            for (int j = 0; j < len; j++) weights.setCode(k + j, weights.nearestCode(k + j, w[k + j] - m * piece[j]));
        }
        double minus = objective.loss();
        residual = Math.sqrt(res2);
        projected = (plus - minus) / (2 * mu);
        progress.queries += 2;
        progress.loss = plus;
        progress.steps++;
        boolean finite = Double.isFinite(plus) && Double.isFinite(minus) && Double.isFinite(projected);
        if (!finite) progress.skip();
        float step = finite ? (float) (lr * projected) : 0f;
        for (int k = 0; k < n; k += PIECE) {
            int len = Math.min(PIECE, n - k);
            u.fill(piece, 0, len, k, scratch);
            for (int j = 0; j < len; j++) {
                int i = k + j;
                w[i] -= step * piece[j];
                weights.setCode(i, weights.nearestCode(i, w[i]));
            }
        }
    }

    /** (L₊ − L₋)/(2μ) of the latest step. */
    public double projectedGradient() { return projected; }

    /** ‖(Q(w₊) − Q(w₋)) − (w₊ − w₋)‖₂ of the latest query. */
    public double lastEndpointResidual() { return residual; }

    @Override
    public Map<String, Tensor> state() { return Map.of("w", Tensor.of(w.clone(), w.length)); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("mu", mu);
        s.put("endpoint_residual", residual);
        progress.putOutputs(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        Tensor saved = tensors.get("w");
        if (saved == null || saved.size() != w.length) throw new IllegalArgumentException("off-grid ZO needs a state tensor w of " + w.length + " values");
        System.arraycopy(saved.toArray(), 0, w, 0, w.length);
        for (int i = 0; i < w.length; i++) weights.setCode(i, weights.nearestCode(i, w[i]));
        loadProgress(scalars);
    }

    @Override
    public String name() { return "offgrid_quant_zo"; }

}
