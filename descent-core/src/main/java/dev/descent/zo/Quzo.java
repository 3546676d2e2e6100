package dev.descent.zo;

import dev.descent.optim.Hyper;
import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.quant.StochasticRounding;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * QuZO: zeroth-order fine-tuning whose forward passes run on b-bit weights, after Zhou, Yang, Zhen,
 * Liu, Zhao, Banijamali, Mouchtaris, Wong &amp; Zhang, "QuZO: Quantized Zeroth-Order Fine-Tuning for
 * Large Language Models", EMNLP 2025 (arXiv 2502.12346). No code of the authors was found (searched
 * the public code index for QuZO and its estimator; none), so the step below is this project's
 * reading of the paper's estimator; the choices the paper leaves open are listed and marked.
 *
 * <p><b>Step t</b>, query j = 1 … q, direction uⱼ = {@code directions.at(t, j, d)} (Gaussian by
 * default, the same stream as {@link Mezo}), perturbation scale ε ({@code mu}), learning rate η.
 * The quantized weights are θ̄ = s·c with integer codes c ∈ [−L, L], L = 2^(b−1) − 1, and one
 * scale s per tensor:
 * <pre>
 *   uⱼ,₁ = (s/ε)·SR(ε uⱼ / s; ξ¹)                 stochastically quantized perturbation (on the weight grid)
 *   ℓ± = f(θ̄ ± ε uⱼ,₁)                             forward passes on exact b-bit weights (codes clipped to ±L)
 *   μⱼ = (ℓ₊ − ℓ₋) / (2ε)
 *   uⱼ,₂ = (s/ε)·SR(ε uⱼ / s; ξ²)                  a second quantization of uⱼ, independent of the first
 *   c ← clip(c − SR(η (μⱼ/q · uⱼ,₂ + λ θ̄) / s; ξ³), −L, L)        the update, itself stochastically rounded
 * </pre>
 * SR is {@link StochasticRounding#round}: E[SR(x)] = x, so E[uⱼ,₁] = E[uⱼ,₂] = uⱼ and, ξ¹ and ξ²
 * being independent, E[μⱼ uⱼ,₂ | uⱼ] = E[μⱼ | uⱼ]·uⱼ: the quantization of the update direction adds
 * no bias to the estimate (the paper's reason for two quantizations, against the bias of reusing
 * uⱼ,₁). The update is applied to the quantized weights (the paper's θ̄ₜ₊₁ = θ̄ₜ − Σ Q(·)), so there
 * is no higher-precision master copy; the stored model is the b-bit model at every step.
 * ξ¹, ξ², ξ³ are Philox uniforms keyed by (seed, "zo/quzo/round", t, j, 0|1|2) and the element's
 * index, so the ℓ₊ and ℓ₋ passes see the same uⱼ,₁ and a resumed run draws the same numbers.
 *
 * <p><b>Choices where the paper is open</b> (each a constructor argument or documented default):
 * <ul>
 *   <li>Grid: symmetric integer grid with one absmax scale per tensor, s = max|θ|/L, fixed from the
 *       weights given at construction (round to nearest: the post-training quantization of the
 *       starting model) and kept in the checkpoint. Tensors of role bias or normalisation gain stay
 *       float32 and take MeZO's float update (as int8 inference keeps biases at higher precision);
 *       a quantized tensor that is all zeros is refused.</li>
 *   <li>uⱼ,₁ and uⱼ,₂ are quantized on the weight grid scaled by 1/ε, so θ̄ ± ε uⱼ,₁ is itself
 *       a grid point: the forward weights need no second rounding.</li>
 *   <li>Only the weights are quantized; activations and the products run in float32 on the exact
 *       b-bit values (simulated quantization).</li>
 *   <li>{@link Rounding#NEAREST} replaces every SR by round-to-nearest and uses uⱼ itself for the
 *       update: MeZO run naively on a quantized model, the baseline the paper argues against.</li>
 *   <li>{@code floatMaster} (off by default) keeps a float32 master copy θ of the quantized
 *       weights instead: each query's base point is c = clip(SR(θ/s; ξ⁰)) (a fresh draw per query,
 *       E[s·c] = θ inside the range), the forward weights s·clip(c ± δ) as above, the update
 *       θ ← θ − η (μⱼ/q · uⱼ,₂ + λθ) in float32, and the stored model between steps s·clip(round(θ/s)).
 *       4 bytes per weight more; for comparison with the paper's update on the codes.</li>
 *   <li>{@code bits} = 32 turns quantization off: every tensor takes MeZO's float32 step, and the
 *       run is {@link Mezo}'s bit for bit (same directions, same operations per element).</li>
 * </ul>
 *
 * <p>Hyperparameters: {@code lr} 1e-6, {@code mu} 1e-3, {@code weight_decay} 0, {@code q} 1,
 * {@code seed} 0 (MeZO's defaults), {@code bits} 8, rounding stochastic. Scalars: those, plus
 * {@code step}, {@code loss} (mean ℓ₊), {@code queries}, {@code skipped}, {@code float_master}. State: the
 * per-tensor scales (and the master copy when kept).
 */
public final class Quzo extends TwoPointQueryOptimizer {
    /** How values are put on the integer grid. */
    public enum Rounding {
        /** Unbiased stochastic rounding with two independent quantizations of u (the paper's estimator). */
        STOCHASTIC,
        /** Round to nearest, update along u itself: naive MeZO on a quantized model. */
        NEAREST;

        /** The rounding named {@code name} (stochastic, nearest); a clear error otherwise. */
        public static Rounding parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "stochastic" -> STOCHASTIC;
                case "nearest" -> NEAREST;
                default -> throw new IllegalArgumentException("rounding=" + name + " is not known; allowed: stochastic, nearest");
            };
        }
    }

    /** {@code bits} value that turns quantization off. */
    public static final int NO_QUANTIZATION = 32;
    /** Elements per sub-piece: the scratch piece holds z and two uniform streams side by side. */
    private static final int SUB = Scratch.PIECE / 4;

    private final ParamSet params;
    private final float[] values;
    private final Directions directions;
    private final Philox roundRoot;
    private final long seed;
    private final int bits;
    private final int levels;
    private final Rounding rounding;
    private final double mu;
    private final double weightDecay;
    private final double[] projected;
    private final Direction[] queried;
    /** By model parameter index: decayed, quantized, and the grid step of a quantized tensor. */
    private final boolean[] decayed;
    private final boolean[] quantized;
    private final float[] scales;
    /** Codes of the quantized weights, by the set's dense index (unused for float tensors). */
    private final byte[] codes;
    /** The float32 master copy of the quantized weights (by dense index), or null when the update lands on the codes. */
    private final float[] master;
    private final Passes passes = new Passes();

    /** QuZO with seeded directions of {@code kind}. */
    public Quzo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, long seed, DirectionKind kind,
                int bits, Rounding rounding) {
        this(params, objective, lr, mu, weightDecay, q, seed, Directions.seeded(kind, seed), bits, rounding, false);
    }

    /** QuZO with seeded directions of {@code kind}; {@code floatMaster}: the update lands on a float32 master copy (see the class comment). */
    public Quzo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, long seed, DirectionKind kind,
                int bits, Rounding rounding, boolean floatMaster) {
        this(params, objective, lr, mu, weightDecay, q, seed, Directions.seeded(kind, seed), bits, rounding, floatMaster);
    }

    /** QuZO with directions from {@code directions}; {@code seed} keys the rounding uniforms. */
    public Quzo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, long seed, Directions directions,
                int bits, Rounding rounding) {
        this(params, objective, lr, mu, weightDecay, q, seed, directions, bits, rounding, false);
    }

    /** QuZO with directions from {@code directions}, {@code seed} keying the rounding uniforms, and the update on a float32 master copy when {@code floatMaster}. */
    public Quzo(ParamSet params, Objective objective, double lr, double mu, double weightDecay, int q, long seed, Directions directions,
                int bits, Rounding rounding, boolean floatMaster) {
        super(objective, lr);
        Hyper.positive("mu", mu);
        Hyper.nonNegative("weight_decay", weightDecay);
        Hyper.positiveCount("q", q);
        if (bits != NO_QUANTIZATION && (bits < 2 || bits > 8)) {
            throw new IllegalArgumentException("bits=" + bits + " is not supported; allowed: 2..8, or " + NO_QUANTIZATION + " (no quantization)");
        }
        this.params = params;
        this.values = params.values();
        this.directions = Objects.requireNonNull(directions, "directions");
        this.rounding = Objects.requireNonNull(rounding, "rounding");
        this.seed = seed;
        this.roundRoot = Philox.stream(seed, "zo/quzo/round");
        this.bits = bits;
        this.levels = bits == NO_QUANTIZATION ? 0 : (1 << (bits - 1)) - 1;
        this.mu = mu;
        this.weightDecay = weightDecay;
        this.projected = new double[q];
        this.queried = new Direction[q];
        List<ParamSlot> slots = params.slots();
        int n = slots.stream().mapToInt(ParamSlot::index).max().orElse(-1) + 1;
        this.decayed = new boolean[n];
        this.quantized = new boolean[n];
        this.scales = new float[n];
        this.codes = new byte[bits == NO_QUANTIZATION ? 0 : params.elements()];
        this.master = floatMaster && bits != NO_QUANTIZATION ? new float[params.elements()] : null;
        for (ParamSlot s : slots) {
            decayed[s.index()] = Mezo.decays(s);
            quantized[s.index()] = bits != NO_QUANTIZATION && !s.role().isGainOrBias();
            if (!quantized[s.index()]) continue;
            float absmax = 0;
            for (int i = 0; i < s.size(); i++) absmax = Math.max(absmax, Math.abs(values[s.offset() + i]));
            if (!(absmax > 0) || !Float.isFinite(absmax)) {
                throw new IllegalArgumentException("parameter " + s.name() + " has absmax " + absmax + ": no " + bits + "-bit grid (it must be finite and not all zeros)");
            }
            scales[s.index()] = absmax / levels;
        }
        encodeValues(true);
    }

    /** Codes from the current values (round to nearest, clipped) and the values set to the decoded grid points. */
    private void encodeValues(boolean write) {
        for (ParamSlot s : params.slots()) {
            if (!quantized[s.index()]) continue;
            float sc = scales[s.index()];
            for (int i = 0; i < s.size(); i++) {
                if (write && master != null) master[s.stateOffset() + i] = values[s.offset() + i];
                int c = clip(StochasticRounding.nearest(values[s.offset() + i] / (double) sc));
                codes[s.stateOffset() + i] = (byte) c;
                if (write) values[s.offset() + i] = c * sc;
            }
        }
    }

    private int clip(int c) {
        return Math.max(-levels, Math.min(levels, c));
    }

    @Override
    protected void takeStep(Objective objective) {
        int d = params.elements();
        int q = projected.length;
        float m = (float) mu;
        boolean fuse = q == 1; // as in Mezo: the restore joins the update pass
        double plusSum = 0;
        boolean finite = true;
        for (int j = 0; j < q; j++) {
            Direction z = queried[j] = directions.at(progress.steps, j, d);
            perturb(z, j, m, 1);
            double plus = objective.loss();
            perturb(z, j, -2 * m, -1);
            double minus = objective.loss();
            projected[j] = (plus - minus) / (2 * mu);
            plusSum += plus;
            finite &= Double.isFinite(plus) && Double.isFinite(minus) && Double.isFinite(projected[j]);
            if (!(fuse && finite)) perturb(z, j, m, 0);
        }
        progress.queries += 2L * q;
        progress.loss = plusSum / q;
        progress.steps++;
        if (!finite) {
            progress.skip();
            return;
        }
        long t = progress.steps - 1;
        if (fuse) {
            update(t, 0, queried[0], (float) projected[0], projected[0], true, m);
            return;
        }
        for (int j = 0; j < q; j++) update(t, j, queried[j], (float) (projected[j] / q), projected[j] / q, j == 0, 0f);
    }

    /**
     * Float tensors: θ ← θ + fl(c·z) ({@link Perturbation}'s arithmetic). Quantized tensors: the
     * stored weight becomes s·clip(code + sign·δ), δ = SR(ε z / s; ξ¹) (sign 0: the unperturbed code).
     */
    private void perturb(Direction z, int query, float c, int sign) {
        Philox xi = roundRoot.derive(progress.steps).derive(query).derive(0);
        Philox xi0 = roundRoot.derive(progress.steps).derive(query).derive(3);
        passes.forEachPiece(params, (slot, off, so, n, scratch) -> {
            if (!quantized[slot.index()]) {
                float[] piece = scratch.piece();
                for (int k = 0; k < n; k += Scratch.PIECE) {
                    int len = Math.min(Scratch.PIECE, n - k);
                    z.fill(piece, 0, len, so + k, scratch);
                    for (int i = 0; i < len; i++) values[off + k + i] += c * piece[i];
                }
                return;
            }
            float sc = scales[slot.index()];
            float[] piece = scratch.piece();
            for (int k = 0; k < n; k += SUB) {
                int len = Math.min(SUB, n - k);
                if (sign != 0) {
                    z.fill(piece, 0, len, so + k, scratch);
                    if (rounding == Rounding.STOCHASTIC) xi.fillUniform(piece, SUB, len, so + k, scratch.words);
                }
                if (master != null && rounding == Rounding.STOCHASTIC) xi0.fillUniform(piece, 2 * SUB, len, so + k, scratch.words);
                for (int i = 0; i < len; i++) {
                    // with a master copy: a fresh SR draw of the base point per query, the rounded master at rest
                    int code = master == null ? codes[so + k + i]
                            : sign == 0 ? clip(StochasticRounding.nearest(master[so + k + i] / (double) sc))
                            : baseCode(master[so + k + i] / (double) sc, piece[2 * SUB + i]);
                    if (sign != 0) code = clip(code + sign * perturbationCode(piece[i], piece[SUB + i], sc));
                    values[off + k + i] = code * sc;
                }
            }
        });
    }

    /** The query's unperturbed code from the master copy, x = θ/s: clip(SR(x; ξ⁰)), or clip(round(x)). */
    private int baseCode(double x, float xi) {
        return clip(rounding == Rounding.STOCHASTIC ? StochasticRounding.round(x, xi) : StochasticRounding.nearest(x));
    }

    /** δ = ε·u/s on the integer grid: SR with uniform {@code xi}, or to nearest. */
    private int perturbationCode(float u, float xi, float sc) {
        double x = mu * u / sc;
        return rounding == Rounding.STOCHASTIC ? StochasticRounding.round(x, xi) : StochasticRounding.nearest(x);
    }

    /**
     * The update of query {@code query} of step {@code t}. Float tensors: exactly {@link Mezo}'s
     * θ ← θ − η (g·z + λθ) in float32 with g = {@code g32} (after θ ← θ + fl(restore·z) when
     * restore ≠ 0). Quantized tensors: c ← clip(c − R(η (g·u₂ + λθ̄)/s)) with g = {@code g64}, R the
     * rounding and u₂ the second quantization of z (z itself for round-to-nearest); the stored weight
     * becomes s·c.
     */
    private void update(long t, int query, Direction z, float g32, double g64, boolean decay, float restore) {
        float eta = (float) lr;
        float wd = decay ? (float) weightDecay : 0f;
        Philox base = roundRoot.derive(t).derive(query);
        Philox xi2 = base.derive(1);
        Philox xi3 = base.derive(2);
        passes.forEachPiece(params, (slot, off, so, n, scratch) -> {
            float lambda = decayed[slot.index()] ? wd : 0f;
            if (!quantized[slot.index()]) {
                Mezo.updatePiece(values, off, so, n, z, scratch, lambda, eta, g32, restore);
                return;
            }
            float[] piece = scratch.piece();
            float sc = scales[slot.index()];
            boolean stochastic = rounding == Rounding.STOCHASTIC;
            for (int k = 0; k < n; k += SUB) {
                int len = Math.min(SUB, n - k);
                z.fill(piece, 0, len, so + k, scratch);
                if (stochastic) {
                    xi2.fillUniform(piece, SUB, len, so + k, scratch.words);
                    xi3.fillUniform(piece, 2 * SUB, len, so + k, scratch.words);
                }
                for (int i = 0; i < len; i++) {
                    double u2 = stochastic ? StochasticRounding.round(mu * piece[i] / sc, piece[SUB + i]) * (sc / mu) : piece[i];
                    if (master != null) {
                        float w = master[so + k + i];
                        w = (float) (w - lr * (g64 * u2 + (double) lambda * w));
                        master[so + k + i] = w;
                        values[off + k + i] = clip(StochasticRounding.nearest(w / (double) sc)) * sc;
                        continue;
                    }
                    int c = codes[so + k + i];
                    double x = lr * (g64 * u2 + (double) lambda * (c * sc)) / sc;
                    int step = stochastic ? StochasticRounding.round(x, piece[2 * SUB + i]) : StochasticRounding.nearest(x);
                    c = clip(c - step);
                    codes[so + k + i] = (byte) c;
                    values[off + k + i] = c * sc;
                }
            }
        });
    }

    /** The projected gradients μⱼ of the latest step. */
    public double[] projectedGradients() { return projected.clone(); }

    /** The grid step s of each parameter (by model parameter index; 0 for a float32 tensor). */
    public float[] scales() { return scales.clone(); }

    /** The bits of the forward weights (32: no quantization). */
    public int bits() { return bits; }

    @Override
    public Map<String, Tensor> state() {
        if (bits == NO_QUANTIZATION) return Map.of();
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("scales", Tensor.of(scales.clone(), scales.length));
        if (master != null) s.put("master", Tensor.of(master.clone(), master.length));
        return s;
    }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("mu", mu);
        s.put("weight_decay", weightDecay);
        s.put("q", (double) projected.length);
        s.put("seed", (double) seed);
        s.put("bits", (double) bits);
        s.put("rounding", (double) rounding.ordinal());
        s.put("float_master", master != null ? 1.0 : 0.0);
        progress.putOutputs(s);
        return s;
    }

    /**
     * Restores the scales and counters; the codes are re-read from the current parameter values
     * (restored by the checkpoint: exact grid points s·c, so round-to-nearest gives c back).
     */
    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        ZoProgress.checkSame(scalars, "q", projected.length);
        ZoProgress.checkSame(scalars, "seed", seed);
        ZoProgress.checkSame(scalars, "bits", bits);
        ZoProgress.checkSame(scalars, "mu", mu);
        ZoProgress.checkSame(scalars, "weight_decay", weightDecay);
        ZoProgress.checkSame(scalars, "rounding", rounding.ordinal());
        ZoProgress.checkSame(scalars, "float_master", master != null ? 1.0 : 0.0);
        if (bits != NO_QUANTIZATION) {
            Tensor saved = tensors.get("scales");
            if (saved == null || saved.size() != scales.length) throw new IllegalArgumentException("quzo needs a state tensor scales of " + scales.length + " values");
            System.arraycopy(saved.toArray(), 0, scales, 0, scales.length);
            encodeValues(false);
            if (master != null) {
                Tensor m = tensors.get("master");
                if (m == null || m.size() != master.length) throw new IllegalArgumentException("quzo with a float master needs a state tensor master of " + master.length + " values");
                System.arraycopy(m.toArray(), 0, master, 0, master.length);
            }
        } else if (!tensors.isEmpty()) {
            throw new IllegalArgumentException("quzo with bits=32 keeps no state tensors, the saved state has " + tensors.keySet());
        }
        loadProgress(scalars);
    }

    @Override
    public String name() { return "quzo"; }
}
