package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.CLOSED_UNIT;
import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

import java.util.List;

/**
 * Hyperparameters of {@code sgd} (and of {@code zo_sgd}'s update), torch.optim.SGD's names and defaults:
 * η = 1e-3, μ = 0, τ = 0, Nesterov off, coupled λ = 0. Nesterov needs μ &gt; 0 and τ = 0.
 */
public record SgdHyper(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0, UNIT, "momentum μ (0: no buffer)");
    static final HyperField<Double> DAMPENING = HyperField.number("dampening", 0, CLOSED_UNIT, "dampening τ of the momentum buffer");
    static final HyperField<Boolean> NESTEROV = HyperField.flag("nesterov", false, "Nesterov momentum (needs μ > 0, τ = 0)");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "L2 weight decay λ, added to the gradient");

    public static final SgdHyper DEFAULTS = new SgdHyper(LR.defaultValue(), MOMENTUM.defaultValue(), DAMPENING.defaultValue(),
            NESTEROV.defaultValue(), WEIGHT_DECAY.defaultValue());
    public static final HyperSpec<SgdHyper> SPEC = new HyperSpec<>(List.of(LR, MOMENTUM, DAMPENING, NESTEROV, WEIGHT_DECAY), SgdHyper::from);

    public SgdHyper {
        LR.check(lr);
        WEIGHT_DECAY.check(weightDecay);
        Classic.checkSgd(momentum, dampening, nesterov);
    }

    public static SgdHyper from(HyperParams h) {
        return new SgdHyper(LR.read(h), MOMENTUM.read(h), DAMPENING.read(h), NESTEROV.read(h), WEIGHT_DECAY.read(h));
    }
}
