package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.Hyper;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import java.util.Arrays;
import java.util.Locale;

/**
 * Randomized finite-difference (SPSA-type) gradient estimators. With directions z₁ … z_q of step t
 * (from {@link Directions}, E[φ·zzᵀ] = I with φ the {@link DirectionKind#dimensionFactor}), smoothing
 * radius μ and f evaluated by the {@link Objective}:
 * <pre>
 *   central   (two-point):  ĝ = (φ/q) Σⱼ [f(θ + μzⱼ) − f(θ − μzⱼ)] / (2μ) · zⱼ        2q evaluations
 *   forward   (two-point):  ĝ = (φ/q) Σⱼ [f(θ + μzⱼ) − f(θ)] / μ · zⱼ                 q + 1 evaluations
 *   one-point:              ĝ = (φ/q) Σⱼ  f(θ + μzⱼ) / μ · zⱼ                         q evaluations
 * </pre>
 * Central differences are Spall's SPSA (IEEE TAC 1992) for Rademacher z and the two-point Gaussian
 * smoothing estimator of Nesterov &amp; Spokoiny (FoCM 2017) for Gaussian z (MeZO's "n-SPSA" is the
 * central form with q = n); the forward form is Nesterov–Spokoiny's g_μ; the one-point form is Flaxman,
 * Kalai &amp; McMahan's (SODA 2005) bandit estimator. Averaging q independent directions divides the
 * variance by q (the 1/q of Liu et al.'s primer, IEEE SPM 2020). The one-point estimate is unbiased
 * for the smoothed gradient too, but its variance carries f(θ)²/μ² (Var ĝᵢ ≈ f²/μ² per coordinate
 * for Rademacher z): it is here for completeness and for problems where only one query per step is
 * possible, not as a practical default.
 *
 * <p>For a quadratic f = ½θᵀAθ + bᵀθ the central difference is exact, f(θ+μz) − f(θ−μz) = 2μ zᵀ∇f,
 * so ĝ = (φ/q) Σ zⱼzⱼᵀ∇f and E[ĝ] = ∇f exactly; with Gaussian z, Var ĝᵢ = (‖∇f‖² + (∇f)ᵢ²)/q, with
 * Rademacher z, (‖∇f‖² − (∇f)ᵢ²)/q (tested in {@code SpsaEstimatorTest}).
 *
 * <p>The parameters are perturbed in place by {@link Perturbation} and restored by undoing: for each
 * query, central does +μz, evaluate, −2μz, evaluate, +μz (three additions), the others +μz, evaluate,
 * −μz (two), so after an estimate each θᵢ is within {@link Perturbation#restoreBound}(θᵢ, 2μ|zᵢ|max, 3q)
 * of its value before. If an evaluation is NaN or infinite, the remaining evaluations still run and
 * the parameters are still restored; the returned loss estimate is then non-finite, which callers
 * take as "skip this step". The estimate in {@code grad} is computed in float32 (each query adds
 * fl(φ·coefⱼ/q)·zⱼ, in the same pass over the buffers as the restoring addition, so z is regenerated
 * three times per central query and twice otherwise); the coefficients are computed in float64.
 *
 * <p>Randomness: direction j of step t is {@code directions.at(t, j, d)}; nothing else is random.
 */
public final class SpsaEstimator implements GradientEstimator {
    /** How the differences are formed. */
    public enum Scheme {
        CENTRAL, FORWARD, ONE_POINT;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        public static Scheme parse(String key, String value) {
            for (Scheme s : values()) if (s.key().equals(value)) return s;
            throw new IllegalArgumentException(key + " must be one of central, forward, one_point; got '" + value + "'");
        }
    }

    private final Scheme scheme;
    private final DirectionKind kind;
    private final Directions directions;
    private double mu;
    private final int q;
    private final double seed;
    /** This estimator's scratch for its perturbation passes. */
    private final Perturbation perturbation = new Perturbation();

    /**
     * @param kind       the directions' distribution (fixes the dimension factor φ)
     * @param directions where direction (step, j) comes from (usually {@link Directions#seeded}(kind, seed))
     * @param mu         smoothing radius μ &gt; 0 (hyperparameter {@code mu})
     * @param q          directions per estimate, ≥ 1 (hyperparameter {@code q})
     */
    public SpsaEstimator(Scheme scheme, DirectionKind kind, Directions directions, double mu, int q) {
        this(scheme, kind, directions, mu, q, Double.NaN);
    }

    private SpsaEstimator(Scheme scheme, DirectionKind kind, Directions directions, double mu, int q, double seed) {
        this.scheme = java.util.Objects.requireNonNull(scheme, "scheme");
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.directions = java.util.Objects.requireNonNull(directions, "directions");
        Hyper.positive("mu", mu);
        Hyper.positiveCount("q", q);
        this.mu = mu;
        this.q = q;
        this.seed = seed;
    }

    /** Seeded directions of {@code kind}. */
    public static SpsaEstimator seeded(Scheme scheme, DirectionKind kind, long seed, double mu, int q) {
        return new SpsaEstimator(scheme, kind, Directions.seeded(kind, seed), mu, q, seed);
    }

    /** The seed of {@link #seeded} directions, NaN for directions given otherwise. */
    public double seed() { return seed; }

    public Scheme scheme() { return scheme; }

    public DirectionKind kind() { return kind; }

    public double mu() { return mu; }

    /** Changes μ between steps. */
    public void setMu(double value) {
        Hyper.positive("mu", value);
        mu = value;
    }

    public int q() { return q; }

    @Override
    public long queriesPerEstimate() {
        return scheme == Scheme.FORWARD ? q + 1L : scheme == Scheme.CENTRAL ? 2L * q : q;
    }

    @Override
    public double estimate(float[] params, Objective objective, float[] grad, long step) {
        int d = params.length;
        if (grad.length != d) throw new IllegalArgumentException("gradient buffer has " + grad.length + " elements, parameters have " + d);
        Arrays.fill(grad, 0f);
        return estimate(objective, d, step, (c, z) -> perturbation.add(params, c, z), (c, cg, z) -> perturbation.add(params, c, grad, cg, z));
    }

    /**
     * The estimate over the parameters of {@code set} only (e.g. only the LoRA adapters): they alone
     * are perturbed, the directions have dimension {@code set.elements()} and are indexed by the set's
     * dense layout, ĝ is written at the set's places in {@code grad} (laid out like the flat buffer)
     * and the rest of {@code grad} is left as it was. For the whole buffer, the same bits as
     * {@link #estimate(float[], Objective, float[], long)}.
     */
    @Override
    public double estimate(ParamSet set, Objective objective, float[] grad, long step) {
        if (grad.length != set.values().length) {
            throw new IllegalArgumentException("gradient buffer has " + grad.length + " elements, parameters have " + set.values().length);
        }
        for (ParamSlot s : set.slots()) Arrays.fill(grad, s.offset(), s.offset() + s.size(), 0f);
        return estimate(objective, set.elements(), step, (c, z) -> perturbation.add(set, c, z), (c, cg, z) -> perturbation.add(set, c, grad, cg, z));
    }

    /** θ ← θ + c·z over the estimated parameters. */
    private interface Shift {
        void add(float c, Direction z);
    }

    /** θ ← θ + c·z and ĝ ← ĝ + cg·z in one pass. */
    private interface ShiftAndAccumulate {
        void add(float c, float cg, Direction z);
    }

    private double estimate(Objective objective, int d, long step, Shift shift, ShiftAndAccumulate shiftAndAccumulate) {
        float m = (float) mu;
        double phi = kind.dimensionFactor(d);
        double base = scheme == Scheme.FORWARD ? objective.loss() : 0;
        double lossSum = scheme == Scheme.FORWARD ? base : 0;
        long evaluations = scheme == Scheme.FORWARD ? 1 : 0;
        for (int j = 0; j < q; j++) {
            Direction z = directions.at(step, j, d);
            shift.add(m, z);
            double plus = objective.loss();
            // The last pass restores θ and adds fl(φ·coefⱼ/q)·zⱼ to ĝ together: one regeneration of z fewer.
            if (scheme == Scheme.CENTRAL) {
                shift.add(-2 * m, z);
                double minus = objective.loss();
                double coef = (plus - minus) / (2 * mu);
                shiftAndAccumulate.add(m, (float) (phi * coef / q), z);
                lossSum += plus + minus;
                evaluations += 2;
            } else {
                double coef = scheme == Scheme.FORWARD ? (plus - base) / mu : plus / mu;
                shiftAndAccumulate.add(-m, (float) (phi * coef / q), z);
                lossSum += plus;
                evaluations += 1;
            }
        }
        return lossSum / evaluations;
    }
}
