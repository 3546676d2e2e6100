package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/**
 * Hyperparameters of {@code dualadam} and {@code invadam} (LongJin-lab/DualAdam's names and defaults);
 * {@code invadam} has no hand-over and takes no {@code switch_rate}.
 */
public record DualAdamHyper(double lr, double beta1, double beta2, double eps, double weightDecay, double switchRate) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.999, "decay rates β₁, β₂ of the moments");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, NON_NEGATIVE, "ε added to √v̂");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay λ");
    static final HyperField<Double> SWITCH_RATE = HyperField.number("switch_rate", 0.01, NON_NEGATIVE,
            "InvAdam hands over to Adam linearly over 1/switch_rate steps");

    public static final DualAdamHyper DEFAULTS = new DualAdamHyper(LR.defaultValue(), 0.9, 0.999, EPS.defaultValue(), WEIGHT_DECAY.defaultValue(),
            SWITCH_RATE.defaultValue());
    /** {@code dualadam}. */
    public static final HyperSpec<DualAdamHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY, SWITCH_RATE), h -> from(h, true));
    /** {@code invadam}: the same without {@code switch_rate} (which keeps its default and is not used). */
    public static final HyperSpec<DualAdamHyper> INVADAM_SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY), h -> from(h, false));

    public DualAdamHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
        SWITCH_RATE.check(switchRate);
    }

    public static DualAdamHyper from(HyperParams h) {
        return from(h, true);
    }

    private static DualAdamHyper from(HyperParams h, boolean withSwitchRate) {
        double[] b = BETAS.read(h);
        return new DualAdamHyper(LR.read(h), b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h),
                withSwitchRate ? SWITCH_RATE.read(h) : SWITCH_RATE.defaultValue());
    }
}
