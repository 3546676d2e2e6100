package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

/**
 * Hyperparameters of {@code auon} and its AdamW branch. The {@code variant} decides the learning-rate
 * default: 0.055 for the paper's (unit-norm update), 0.24 for the repository's current code.
 */
public record AuonHyper(Variant variant, double lr, double momentum, boolean nesterov, double weightDecay, double gamma,
                        AuxAdamWHyper adamw) {
    /** Which AuON: the paper's (default) or the repository's current code. */
    public enum Variant { PAPER, CODE }

    static final HyperField<Variant> VARIANT = HyperField.choice("variant", Variant.PAPER, "the paper's AuON or the repository's code");
    static final HyperField<Double> LR = HyperField.number("lr", 0.055, NON_NEGATIVE, "learning rate η of the hidden matrices")
            .shownAs("0.055 (paper), 0.24 (code)");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0.95, UNIT, "momentum μ");
    static final HyperField<Boolean> NESTEROV = HyperField.flag("nesterov", true, "Nesterov blend of the momentum");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay of the matrices");
    static final HyperField<Double> GAMMA = HyperField.number("gamma", 1.5, POSITIVE, "γ of the cosh-RMS brake");

    public static final AuonHyper DEFAULTS = new AuonHyper(Variant.PAPER, 0.055, MOMENTUM.defaultValue(), NESTEROV.defaultValue(),
            WEIGHT_DECAY.defaultValue(), GAMMA.defaultValue(), AuxAdamWHyper.DEFAULTS);
    public static final HyperSpec<AuonHyper> SPEC = new HyperSpec<>(
            AuxAdamWHyper.withAux(java.util.List.of(VARIANT, LR, MOMENTUM, NESTEROV, WEIGHT_DECAY, GAMMA)), AuonHyper::from);

    public AuonHyper {
        java.util.Objects.requireNonNull(variant, "variant");
        LR.check(lr);
        MOMENTUM.check(momentum);
        WEIGHT_DECAY.check(weightDecay);
        GAMMA.check(gamma);
        java.util.Objects.requireNonNull(adamw, "adamw");
    }

    public static AuonHyper from(HyperParams h) {
        Variant v = VARIANT.read(h);
        return new AuonHyper(v, LR.read(h, defaultLr(v)), MOMENTUM.read(h), NESTEROV.read(h), WEIGHT_DECAY.read(h), GAMMA.read(h),
                AuxAdamWHyper.from(h));
    }

    /** The learning-rate default of a variant (also Hybrid-AuON's). */
    static double defaultLr(Variant v) {
        return v == Variant.CODE ? 0.24 : 0.055;
    }
}
