package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;
import static dev.descent.optim.HyperField.Range.UNIT;

/** Hyperparameters of {@code reg} and its AdamW branch. */
public record RegHyper(double lr, double momentum, boolean nesterov, double weightDecay, Racs racs, int racsIters, double racsEps,
                       AuxAdamWHyper adamw) {
    /** The row-and-column scaling: alternating row/column RMS balancing (default) or one factored pass. */
    public enum Racs { SINKHORN, FACTORED }

    static final HyperField<Double> LR = HyperField.number("lr", 3e-4, NON_NEGATIVE, "learning rate η of the hidden matrices");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0.95, UNIT, "momentum μ");
    static final HyperField<Boolean> NESTEROV = HyperField.flag("nesterov", true, "Nesterov blend of the momentum");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay of the matrices");
    static final HyperField<Racs> RACS = HyperField.choice("racs", Racs.SINKHORN, "how rows and columns are scaled");
    static final HyperField<Integer> RACS_ITERS = HyperField.integer("racs_iters", 5, POSITIVE_COUNT, "Sinkhorn rounds");
    static final HyperField<Double> RACS_EPS = HyperField.number("racs_eps", 1e-8, POSITIVE, "ε of the RMS divisions");

    public static final RegHyper DEFAULTS = new RegHyper(LR.defaultValue(), MOMENTUM.defaultValue(), NESTEROV.defaultValue(),
            WEIGHT_DECAY.defaultValue(), RACS.defaultValue(), RACS_ITERS.defaultValue(), RACS_EPS.defaultValue(), AuxAdamWHyper.DEFAULTS);
    public static final HyperSpec<RegHyper> SPEC = new HyperSpec<>(
            AuxAdamWHyper.withAux(java.util.List.of(LR, MOMENTUM, NESTEROV, WEIGHT_DECAY, RACS, RACS_ITERS, RACS_EPS)), RegHyper::from);

    public RegHyper {
        LR.check(lr);
        MOMENTUM.check(momentum);
        WEIGHT_DECAY.check(weightDecay);
        java.util.Objects.requireNonNull(racs, "racs");
        RACS_ITERS.check(racsIters);
        RACS_EPS.check(racsEps);
        java.util.Objects.requireNonNull(adamw, "adamw");
    }

    public static RegHyper from(HyperParams h) {
        return new RegHyper(LR.read(h), MOMENTUM.read(h), NESTEROV.read(h), WEIGHT_DECAY.read(h), RACS.read(h), RACS_ITERS.read(h),
                RACS_EPS.read(h), AuxAdamWHyper.from(h));
    }
}
