package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

import java.util.List;

/** Hyperparameters of {@code spectral_descent}. */
public record SpectralDescentHyper(double lr, double momentum, boolean nesterov, double weightDecay, Scale scale) {
    /** The step's length: ‖G‖_* (the exact steepest-descent step, default) or 1. */
    public enum Scale { NUCLEAR, NONE }

    static final HyperField<Double> LR = HyperField.number("lr", 0.01, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0, UNIT, "momentum μ (0: none)");
    static final HyperField<Boolean> NESTEROV = HyperField.flag("nesterov", false, "Nesterov blend of the momentum");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay λ");
    static final HyperField<Scale> SCALE = HyperField.choice("scale", Scale.NUCLEAR, "multiply U Vᵀ by the nuclear norm, or not");

    public static final SpectralDescentHyper DEFAULTS = new SpectralDescentHyper(LR.defaultValue(), MOMENTUM.defaultValue(),
            NESTEROV.defaultValue(), WEIGHT_DECAY.defaultValue(), SCALE.defaultValue());
    public static final HyperSpec<SpectralDescentHyper> SPEC = new HyperSpec<>(List.of(LR, MOMENTUM, NESTEROV, WEIGHT_DECAY, SCALE),
            SpectralDescentHyper::from);

    public SpectralDescentHyper {
        LR.check(lr);
        MOMENTUM.check(momentum);
        WEIGHT_DECAY.check(weightDecay);
        java.util.Objects.requireNonNull(scale, "scale");
    }

    public static SpectralDescentHyper from(HyperParams h) {
        return new SpectralDescentHyper(LR.read(h), MOMENTUM.read(h), NESTEROV.read(h), WEIGHT_DECAY.read(h), SCALE.read(h));
    }
}
