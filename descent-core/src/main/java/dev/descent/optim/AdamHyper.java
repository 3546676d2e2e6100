package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/**
 * Hyperparameters of {@code adam} and {@code amsgrad} (torch.optim.Adam's names and defaults: η = 1e-3,
 * β = (0.9, 0.999), ε = 1e-8, coupled λ = 0, amsgrad false; {@code amsgrad} is Adam with amsgrad
 * fixed to true and takes no {@code amsgrad} key). Also the update of {@code zo_adam}.
 */
public record AdamHyper(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.999, "decay rates β₁, β₂ of the moments");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, NON_NEGATIVE, "ε added to the root of the second moment");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "L2 weight decay λ, added to the gradient");
    static final HyperField<Boolean> AMSGRAD = HyperField.flag("amsgrad", false, "divide by the running maximum of v");

    public static final AdamHyper DEFAULTS = new AdamHyper(LR.defaultValue(), 0.9, 0.999, EPS.defaultValue(), WEIGHT_DECAY.defaultValue(),
            AMSGRAD.defaultValue());
    /** {@code adam}. */
    public static final HyperSpec<AdamHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY, AMSGRAD), AdamHyper::from);
    /** {@code amsgrad}: amsgrad is always on. */
    public static final HyperSpec<AdamHyper> AMSGRAD_SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY), h -> from(h, null));

    public AdamHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static AdamHyper from(HyperParams h) {
        return from(h, AMSGRAD.defaultValue());
    }

    /** With {@code amsgrad} read with default {@code amsgradDefault}, or fixed to true when that is null (the {@code amsgrad} optimizer). */
    static AdamHyper from(HyperParams h, Boolean amsgradDefault) {
        double[] b = BETAS.read(h);
        return new AdamHyper(LR.read(h), b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h),
                amsgradDefault == null || AMSGRAD.read(h, amsgradDefault));
    }
}
