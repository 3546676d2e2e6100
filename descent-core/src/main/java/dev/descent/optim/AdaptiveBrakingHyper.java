package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

import java.util.List;

/** Hyperparameters of {@code adaptive_braking} (see {@link AdaptiveBraking}). */
public record AdaptiveBrakingHyper(double lr, double momentum, double rho, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("lr", 0.1, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0.9, UNIT, "momentum μ");
    static final HyperField<Double> RHO = HyperField.number("rho", 1.0, NON_NEGATIVE, "braking strength ρ (0: SGD with momentum)");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "L2 weight decay λ, added to the gradient");

    public static final AdaptiveBrakingHyper DEFAULTS = new AdaptiveBrakingHyper(LR.defaultValue(), MOMENTUM.defaultValue(), RHO.defaultValue(),
            WEIGHT_DECAY.defaultValue());
    public static final HyperSpec<AdaptiveBrakingHyper> SPEC = new HyperSpec<>(List.of(LR, MOMENTUM, RHO, WEIGHT_DECAY),
            AdaptiveBrakingHyper::from);

    public AdaptiveBrakingHyper {
        LR.check(lr);
        MOMENTUM.check(momentum);
        RHO.check(rho);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static AdaptiveBrakingHyper from(HyperParams h) {
        return new AdaptiveBrakingHyper(LR.read(h), MOMENTUM.read(h), RHO.read(h), WEIGHT_DECAY.read(h));
    }
}
