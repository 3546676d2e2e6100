package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

import java.util.List;

/** Hyperparameters of {@code sign_descent}. */
public record SignDescentHyper(double lr, double momentum, boolean nesterov, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η (the move of every coordinate)");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0, UNIT, "momentum μ (0: none)");
    static final HyperField<Boolean> NESTEROV = HyperField.flag("nesterov", false, "Nesterov blend of the momentum");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay λ");

    public static final SignDescentHyper DEFAULTS = new SignDescentHyper(LR.defaultValue(), MOMENTUM.defaultValue(), NESTEROV.defaultValue(),
            WEIGHT_DECAY.defaultValue());
    public static final HyperSpec<SignDescentHyper> SPEC = new HyperSpec<>(List.of(LR, MOMENTUM, NESTEROV, WEIGHT_DECAY), SignDescentHyper::from);

    public SignDescentHyper {
        LR.check(lr);
        MOMENTUM.check(momentum);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static SignDescentHyper from(HyperParams h) {
        return new SignDescentHyper(LR.read(h), MOMENTUM.read(h), NESTEROV.read(h), WEIGHT_DECAY.read(h));
    }
}
