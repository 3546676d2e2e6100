package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.POSITIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;

import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import java.util.List;

/**
 * The estimator's hyperparameters of {@code zo_sgd} and {@code zo_adam} ({@link SpsaEstimator}): the
 * smoothing radius μ, directions per step q, the seed that keys the directions, their distribution and
 * the difference scheme. {@code mezo} shares all but the scheme ({@link MezoHyper}).
 */
public record SpsaHyper(double mu, int q, long seed, DirectionKind direction, SpsaEstimator.Scheme scheme) {
    static final HyperField<Double> MU = HyperField.number("mu", 1e-3, POSITIVE, "smoothing radius μ");
    static final HyperField<Integer> Q = HyperField.integer("q", 1, POSITIVE_COUNT, "directions per step");
    static final HyperField<Long> SEED = HyperField.parsed("seed", "integer", 0L, "0", "any integer", "keys the directions", v -> {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be an integer, got '" + v + "'");
        }
    });
    static final HyperField<DirectionKind> DIRECTION = HyperField.parsed("direction", "choice", DirectionKind.GAUSSIAN, "gaussian",
            "gaussian, rademacher, sphere, unit_sphere", "distribution of the directions", v -> DirectionKind.parse("direction", v));
    static final HyperField<SpsaEstimator.Scheme> SCHEME = HyperField.parsed("scheme", "choice", SpsaEstimator.Scheme.CENTRAL, "central",
            "central, forward, one_point", "difference scheme", v -> SpsaEstimator.Scheme.parse("scheme", v));
    static final List<HyperField<?>> FIELDS = List.of(MU, Q, SEED, DIRECTION, SCHEME);

    public static final SpsaHyper DEFAULTS = new SpsaHyper(MU.defaultValue(), Q.defaultValue(), SEED.defaultValue(), DIRECTION.defaultValue(),
            SCHEME.defaultValue());

    public SpsaHyper {
        MU.check(mu);
        Q.check(q);
        java.util.Objects.requireNonNull(direction, "direction");
        java.util.Objects.requireNonNull(scheme, "scheme");
    }

    public static SpsaHyper from(HyperParams h) {
        return new SpsaHyper(MU.read(h), Q.read(h), SEED.read(h), DIRECTION.read(h), SCHEME.read(h));
    }

    /** The fields of an SPSA optimizer: these, then its update's. */
    static List<HyperField<?>> with(List<HyperField<?>> update) {
        var all = new java.util.ArrayList<HyperField<?>>(FIELDS);
        all.addAll(update);
        return all;
    }
}
