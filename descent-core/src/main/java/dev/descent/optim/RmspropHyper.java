package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.CLOSED_UNIT;
import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

import java.util.List;

/** Hyperparameters of {@code rmsprop} (torch.optim.RMSprop's names and defaults). */
public record RmspropHyper(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-2, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> ALPHA = HyperField.number("alpha", 0.99, CLOSED_UNIT, "decay rate of the average of squared gradients");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, NON_NEGATIVE, "ε added to the root of the average");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "L2 weight decay λ, added to the gradient");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0, UNIT, "momentum μ (0: none)");
    static final HyperField<Boolean> CENTERED = HyperField.flag("centered", false, "divide by the centred second moment (Graves)");

    public static final RmspropHyper DEFAULTS = new RmspropHyper(LR.defaultValue(), ALPHA.defaultValue(), EPS.defaultValue(),
            WEIGHT_DECAY.defaultValue(), MOMENTUM.defaultValue(), CENTERED.defaultValue());
    public static final HyperSpec<RmspropHyper> SPEC = new HyperSpec<>(List.of(LR, ALPHA, EPS, WEIGHT_DECAY, MOMENTUM, CENTERED),
            RmspropHyper::from);

    public RmspropHyper {
        LR.check(lr);
        ALPHA.check(alpha);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
        MOMENTUM.check(momentum);
    }

    public static RmspropHyper from(HyperParams h) {
        return new RmspropHyper(LR.read(h), ALPHA.read(h), EPS.read(h), WEIGHT_DECAY.read(h), MOMENTUM.read(h), CENTERED.read(h));
    }
}
