package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;

import java.util.List;

/**
 * Hyperparameters of {@code mars_adamw} and {@code mars_lion} (AGI-Arena/MARS's names and defaults; see
 * {@link Mars}). Only the approximate mode exists, so {@code is_approx} must be true.
 */
public record MarsHyper(double lr, double beta1, double beta2, double eps, double weightDecay, double gamma, boolean amsgrad,
                        Mars.OneD oneD) {
    static final HyperField<Double> LR = HyperField.number("lr", 3e-3, POSITIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.95, 0.99, "decay rates β₁, β₂ of the moments");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, NON_NEGATIVE, "ε added to √v̂");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay λ");
    static final HyperField<Double> GAMMA = HyperField.number("gamma", 0.025, NON_NEGATIVE, "γ of the variance-reduction term");
    static final HyperField<Boolean> AMSGRAD = HyperField.flag("amsgrad", false, "divide by the running maximum of v");
    static final HyperField<Boolean> IS_APPROX = HyperField.flag("is_approx", true, "approximate MARS (the exact mode needs a second gradient)")
            .allowing("true");
    static final HyperField<Boolean> OPTIMIZE_1D = HyperField.flag("optimize_1d", false, "MARS also on parameters that are not 2-D");
    static final HyperField<Double> LR_1D = HyperField.number("lr_1d", 3e-3, NON_NEGATIVE, "learning rate of the AdamW path");
    static final HyperField<double[]> BETAS_1D = HyperField.betas("betas_1d", null, null, 0.9, 0.95, "β₁, β₂ of the AdamW path");
    static final HyperField<Double> WEIGHT_DECAY_1D = HyperField.number("weight_decay_1d", 0.1, NON_NEGATIVE, "weight decay of the AdamW path");

    public static final MarsHyper DEFAULTS = new MarsHyper(LR.defaultValue(), 0.95, 0.99, EPS.defaultValue(), WEIGHT_DECAY.defaultValue(),
            GAMMA.defaultValue(), AMSGRAD.defaultValue(), Mars.OneD.defaults());
    public static final HyperSpec<MarsHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY, GAMMA, AMSGRAD, IS_APPROX,
            OPTIMIZE_1D, LR_1D, BETAS_1D, WEIGHT_DECAY_1D), MarsHyper::from);

    public MarsHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
        GAMMA.check(gamma);
        LR_1D.check(oneD.lr1d());
        Hyper.unitInterval("beta1_1d", oneD.beta1());
        Hyper.unitInterval("beta2_1d", oneD.beta2());
        WEIGHT_DECAY_1D.check(oneD.weightDecay());
    }

    public static MarsHyper from(HyperParams h) {
        double lr = LR.read(h);
        double[] b = BETAS.read(h);
        if (!IS_APPROX.read(h)) {
            throw new IllegalArgumentException("is_approx must be true: exact MARS needs a second gradient per step, which a gradient transformation cannot take");
        }
        double[] b1d = BETAS_1D.read(h);
        var oneD = new Mars.OneD(OPTIMIZE_1D.read(h), LR_1D.read(h), b1d[0], b1d[1], WEIGHT_DECAY_1D.read(h));
        return new MarsHyper(lr, b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h), GAMMA.read(h), AMSGRAD.read(h), oneD);
    }
}
