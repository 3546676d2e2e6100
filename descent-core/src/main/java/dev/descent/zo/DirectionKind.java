package dev.descent.zo;

import java.util.Locale;

/**
 * The distributions zeroth-order directions z ∈ ℝᵈ are drawn from, and the scaling convention each
 * follows. All four are symmetric (z and −z equally likely), so odd moments vanish and two-point
 * estimators are exactly unbiased for the gradient of a quadratic.
 * <ul>
 *   <li>{@link #GAUSSIAN}: zᵢ i.i.d. N(0, 1); E[zzᵀ] = I. Gaussian smoothing, Nesterov &amp; Spokoiny,
 *       "Random gradient-free minimization of convex functions", FoCM 2017; MeZO's directions.</li>
 *   <li>{@link #RADEMACHER}: zᵢ i.i.d. ±1 with probability ½; E[zzᵀ] = I. Spall's SPSA (Spall,
 *       "Multivariate stochastic approximation using a simultaneous perturbation gradient
 *       approximation", IEEE TAC 1992), whose Bernoulli ±1 perturbations have 1/zᵢ = zᵢ.</li>
 *   <li>{@link #SPHERE}: uniform on the sphere of radius √d, z = √d·g/‖g‖ with g Gaussian; E[zzᵀ] = I,
 *       so it plugs into the same formulas as the two above (no dimension factor).</li>
 *   <li>{@link #UNIT_SPHERE}: uniform on the unit sphere, u = g/‖g‖; E[uuᵀ] = I/d, so the estimators
 *       multiply by the dimension d (ĝ = (d/q)·Σⱼ … uⱼ), the convention of Flaxman, Kalai &amp;
 *       McMahan (SODA 2005) and Duchi, Jordan, Wainwright, Wibisono (IEEE TIT 2015), and of the
 *       "φ(d)/q" estimators in Liu et al., "A primer on zeroth-order optimization", IEEE SPM 2020.
 *       With radius μ it equals {@link #SPHERE} with radius μ/√d: the two differ only in what μ means.</li>
 * </ul>
 */
public enum DirectionKind {
    GAUSSIAN, RADEMACHER, SPHERE, UNIT_SPHERE;

    /** The factor the estimators multiply by so that E[factor·zzᵀ] = I: d for {@link #UNIT_SPHERE}, else 1. */
    public double dimensionFactor(int dimension) {
        return this == UNIT_SPHERE ? dimension : 1.0;
    }

    /** The configuration spelling: "gaussian", "rademacher", "sphere", "unit_sphere". */
    public String key() { return name().toLowerCase(Locale.ROOT); }

    /** Parses the value of hyperparameter {@code key}; an unknown value names the key and the valid ones. */
    public static DirectionKind parse(String key, String value) {
        for (DirectionKind k : values()) if (k.key().equals(value)) return k;
        throw new IllegalArgumentException(key + " must be one of gaussian, rademacher, sphere, unit_sphere; got '" + value + "'");
    }
}
