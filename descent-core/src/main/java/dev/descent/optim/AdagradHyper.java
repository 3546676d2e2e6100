package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/** Hyperparameters of {@code adagrad} (torch.optim.Adagrad's names and defaults). */
public record AdagradHyper(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-2, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> LR_DECAY = HyperField.number("lr_decay", 0, NON_NEGATIVE, "η_t = η / (1 + (t−1)·lr_decay)");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "L2 weight decay λ, added to the gradient");
    static final HyperField<Double> INITIAL_ACCUMULATOR = HyperField.number("initial_accumulator_value", 0, NON_NEGATIVE,
            "initial sum of squared gradients");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-10, NON_NEGATIVE, "ε added to the root of the sum");

    public static final AdagradHyper DEFAULTS = new AdagradHyper(LR.defaultValue(), LR_DECAY.defaultValue(), WEIGHT_DECAY.defaultValue(),
            INITIAL_ACCUMULATOR.defaultValue(), EPS.defaultValue());
    public static final HyperSpec<AdagradHyper> SPEC = new HyperSpec<>(List.of(LR, LR_DECAY, WEIGHT_DECAY, INITIAL_ACCUMULATOR, EPS),
            AdagradHyper::from);

    public AdagradHyper {
        LR.check(lr);
        LR_DECAY.check(lrDecay);
        WEIGHT_DECAY.check(weightDecay);
        INITIAL_ACCUMULATOR.check(initialAccumulatorValue);
        EPS.check(eps);
    }

    public static AdagradHyper from(HyperParams h) {
        return new AdagradHyper(LR.read(h), LR_DECAY.read(h), WEIGHT_DECAY.read(h), INITIAL_ACCUMULATOR.read(h), EPS.read(h));
    }
}
