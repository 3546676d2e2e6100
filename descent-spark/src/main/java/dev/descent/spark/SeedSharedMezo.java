package dev.descent.spark;

import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.optim.StepReport;
import dev.descent.tensor.Tensor;
import dev.descent.zo.Direction;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Directions;
import dev.descent.zo.Mezo;
import dev.descent.zo.MezoHyper;
import dev.descent.zo.Passes;
import dev.descent.zo.Perturbation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed-shared MeZO: the distributed form of {@link Mezo} in which only scalars cross the network, as
 * in FedKSeed (Qin et al., "Federated Full-Parameter Tuning of Billion-Sized Language Models with
 * Communication Cost under 18 Kilobytes", ICML 2024) and Ferret (Shu et al., 2024): every rank owns a
 * direction keyed by (seed, step, rank) and regenerates everyone else's from its key. Step t with W
 * ranks, direction z_r = {@code directions.at(t, r, d)} and shard loss f_r (rank r's rows of the
 * global batch, {@link ShardedGptObjective#shardLoss}):
 * <pre>
 *   rank r:   θ ← θ + μ z_r;  ℓ₊ = f_r(θ);   θ ← θ − 2μ z_r;  ℓ₋ = f_r(θ);   θ ← θ + μ z_r
 *             g_r = (ℓ₊ − ℓ₋) / (2μ)                           → allGather (t, r, g_r): 20 bytes a rank
 *   every rank, for r = 0 … W−1 in order:
 *             θ ← θ − η ( fl(g_r / W) · z_r + [r = 0] λ θ )      λ only on decayed parameters
 * </pre>
 * This is MeZO's n-SPSA with q = W queries, query r evaluated on shard r: the update passes are
 * Mezo's q &gt; 1 passes element for element (same float32 operations, same order).
 *
 * <p><b>Same bits on every rank.</b> The restore θ + μz − 2μz + μz gives θ back only up to rounding
 * ({@link Perturbation#restoreBound}), and that rounding depends on z. So that every rank holds the same
 * bits, every rank takes every rank's perturb–restore cycle, in rank order, on its own copy: its own
 * cycle with the two loss evaluations, the other ranks' cycles replayed without evaluation (those
 * before its own in one fused pass, those after it fused into the update pass). Each element thus
 * sees the same float32 operations in the same order on every rank and in one process computing all
 * W ranks ({@link Exchange#local}). With W = 1 it is {@code mezo} with q = 1, bit for bit (Mezo fuses
 * the restore into the update pass with the same per-element operations).
 *
 * <p><b>Cost.</b> The traffic of a step is O(W) scalars whatever the model size. The compute of a rank
 * is two forward passes on its shard (B/W sequences) plus W + 3 + r regenerations of a d-dimensional
 * direction for rank r (the replays of ranks before it r, its own cycle 3, and after the exchange one
 * per rank, which serves both the replays of the ranks after it and the updates), against two forward
 * passes on B sequences and 3 regenerations for single-process MeZO. The exchange waits for the last
 * rank (W + 2 before it), so a step's critical path is 2W + 2 regenerations.
 *
 * <p>Choices: each rank makes one query per step ({@code q} must be 1); the reported loss is the mean
 * of ℓ₊ over the ranks (Mezo reports the mean ℓ₊ over its queries); a non-finite g_r on any rank skips
 * the update on every rank (they all see the same triples), parameters restored as in Mezo.
 * Hyperparameters are mezo's ({@link MezoHyper}: lr, mu, weight_decay, seed, direction).
 */
public final class SeedSharedMezo implements Optimizer {
    private final ParamSet params;
    private final float[] values;
    private final ShardedGptObjective shards;
    private final Exchange exchange;
    private final MezoHyper hyper;
    private final Directions directions;
    private final boolean[] decayed;
    private final Passes passes = new Passes();
    private final Perturbation perturbation = new Perturbation(passes);
    private double lr;
    private long steps;
    private long queries;
    private long skipped;
    private double loss = Double.NaN;
    private String lastSkipReason;

    public SeedSharedMezo(ParamSet params, ShardedGptObjective shards, Exchange exchange, MezoHyper hyper) {
        if (hyper.q() != 1) {
            throw new IllegalArgumentException("q = " + hyper.q() + ": seed-shared MeZO makes one query per rank and step (q = 1); "
                    + "use more cluster.workers for more queries");
        }
        this.params = params;
        this.values = params.values();
        this.shards = shards;
        this.exchange = exchange;
        this.hyper = hyper;
        this.lr = hyper.lr();
        this.directions = Directions.seeded(hyper.direction(), hyper.seed());
        List<ParamSlot> slots = params.slots();
        this.decayed = new boolean[slots.stream().mapToInt(ParamSlot::index).max().orElse(-1) + 1];
        for (ParamSlot s : slots) decayed[s.index()] = Mezo.decays(s);
    }

    @Override
    public void step() {
        step(shards);
    }

    /** One step on the prepared shards (the loop's {@code objective.prepare(t)} selected them; {@code objective} is not evaluated). */
    @Override
    public StepReport step(Objective objective) {
        int d = params.elements();
        int w = exchange.world();
        float m = (float) hyper.mu();
        int[] ranks = exchange.localRanks();
        Direction[] z = new Direction[w];
        for (int r = 0; r < w; r++) z[r] = directions.at(steps, r, d);
        // Every rank's cycle θ + μz, − 2μz, + μz in rank order; the loss only in this process's own cycles,
        // the other ranks' cycles replayed (up to this process's last rank here, the rest fused with the update).
        StringBuilder message = new StringBuilder().append(steps);
        int next = 0;
        for (int r : ranks) {
            replayAndUpdate(z, next, r, 0f);
            Direction zr = z[r];
            perturbation.add(params, m, zr);
            double plus = shards.shardLoss(r);
            perturbation.add(params, -2 * m, zr);
            double minus = shards.shardLoss(r);
            perturbation.add(params, m, zr);
            double g = (plus - minus) / (2 * hyper.mu());
            message.append(' ').append(r).append(' ').append(Long.toHexString(Double.doubleToRawLongBits(g)))
                    .append(' ').append(Long.toHexString(Double.doubleToRawLongBits(plus)));
            next = r + 1;
        }
        double[] projected = new double[w];
        double[] plusLoss = new double[w];
        boolean[] seen = new boolean[w];
        for (String part : exchange.allGather(message.toString())) {
            String[] f = part.split(" ");
            if (Long.parseLong(f[0]) != steps) throw new IllegalStateException("a rank sent step " + f[0] + " during step " + steps);
            for (int i = 1; i + 2 < f.length; i += 3) {
                int r = Integer.parseInt(f[i]);
                if (seen[r]) throw new IllegalStateException("rank " + r + " was computed twice in step " + steps);
                seen[r] = true;
                projected[r] = Double.longBitsToDouble(Long.parseUnsignedLong(f[i + 1], 16));
                plusLoss[r] = Double.longBitsToDouble(Long.parseUnsignedLong(f[i + 2], 16));
            }
        }
        double plusSum = 0;
        boolean finite = true;
        for (int r = 0; r < w; r++) {
            if (!seen[r]) throw new IllegalStateException("no process computed rank " + r + " in step " + steps);
            plusSum += plusLoss[r];
            finite &= Double.isFinite(projected[r]);
        }
        queries += 2L * ranks.length;
        loss = plusSum / w;
        steps++;
        if (!finite) {
            replayAndUpdate(z, next, w, 0f);
            skipped++;
            lastSkipReason = "a rank's loss evaluation was not finite";
            return StepReport.skipped(loss, 2L * ranks.length, lastSkipReason);
        }
        float[] coefficients = new float[w];
        for (int r = 0; r < w; r++) coefficients[r] = (float) (projected[r] / w);
        update = coefficients;
        replayAndUpdate(z, next, w, (float) lr);
        return StepReport.applied(loss, 2L * ranks.length);
    }

    /** The update coefficients fl(g_r / W) of the current step, read by {@link #replayAndUpdate} when its η is set. */
    private float[] update;

    /**
     * One pass over the parameters: per element, the cycles θ ← θ + fl(μz_s), θ ← θ + fl(−2μz_s),
     * θ ← θ + fl(μz_s) of ranks s = from … to − 1 in order (what {@link Perturbation#add} does in three
     * passes each: the same operations per element, so the same bits), then, when {@code eta} ≠ 0, the
     * updates θ ← θ − η (fl(g_s/W)·z_s + [s = 0] λθ) of all ranks s = 0 … W − 1 in order: Mezo's update
     * passes for q = W. Each element is computed alone, so the split into chunks does not matter. With the
     * update, each rank's direction is generated once per piece and serves its replay and its update.
     */
    private void replayAndUpdate(Direction[] z, int from, int to, float eta) {
        if (from >= to && eta == 0f) return;
        float m = (float) hyper.mu();
        float m2 = -2 * m;
        float wd = (float) hyper.weightDecay();
        int w = z.length;
        float[] g = eta == 0f ? null : update;
        passes.forEachPiece(params, (slot, off, so, n, scratch) -> {
            float lambda = decayed[slot.index()] ? wd : 0f;
            // With the update, every rank's direction is needed twice at most (its replay, its update):
            // each is generated once per piece and read from here by both.
            float[][] pieces = new float[g == null ? 1 : w][Math.min(n, PIECE)];
            for (int k = 0; k < n; k += PIECE) {
                int len = Math.min(PIECE, n - k);
                int base = off + k;
                if (g != null) {
                    for (int s = 0; s < w; s++) z[s].fill(pieces[s], 0, len, so + k, scratch);
                }
                for (int s = from; s < to; s++) {
                    float[] piece = g != null ? pieces[s] : pieces[0];
                    if (g == null) z[s].fill(piece, 0, len, so + k, scratch);
                    for (int i = 0; i < len; i++) {
                        float theta = values[base + i];
                        theta += m * piece[i];
                        theta += m2 * piece[i];
                        theta += m * piece[i];
                        values[base + i] = theta;
                    }
                }
                if (g == null) continue;
                for (int s = 0; s < w; s++) {
                    float[] piece = pieces[s];
                    float gs = g[s];
                    float l = s == 0 ? lambda : 0f;
                    for (int i = 0; i < len; i++) {
                        float theta = values[base + i];
                        values[base + i] = theta - eta * (gs * piece[i] + l * theta);
                    }
                }
            }
        });
    }

    private static final int PIECE = 2048;

    /** Why the latest skipped step was skipped, or null when none was. */
    public String lastSkipReason() { return lastSkipReason; }

    @Override
    public void zeroGrad() {}

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double value) {
        if (!(value >= 0)) throw new IllegalArgumentException("lr must be >= 0, got " + value);
        lr = value;
    }

    @Override
    public long stepCount() { return steps; }

    @Override
    public Map<String, Tensor> state() { return Map.of(); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) steps);
        s.put("lr", lr);
        s.put("mu", hyper.mu());
        s.put("weight_decay", hyper.weightDecay());
        s.put("seed", (double) hyper.seed());
        s.put("world", (double) exchange.world());
        s.put("loss", loss);
        s.put("queries", (double) queries);
        s.put("skipped", (double) skipped);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        if (!tensors.isEmpty()) throw new IllegalArgumentException("seed-shared mezo keeps no state tensors, the saved state has " + tensors.keySet());
        for (String key : List.of("mu", "weight_decay", "seed", "world")) {
            Double saved = scalars.get(key);
            double now = scalars().get(key);
            if (saved == null || Double.compare(saved, now) != 0) {
                throw new IllegalArgumentException("saved state has " + key + " = " + saved + ", this run has " + now);
            }
        }
        steps = scalars.get("step").longValue();
        lr = scalars.get("lr");
        queries = scalars.getOrDefault("queries", 0.0).longValue();
        skipped = scalars.getOrDefault("skipped", 0.0).longValue();
    }

    @Override
    public String name() { return "mezo"; }

    @Override
    public boolean needsGradients() { return false; }
}
