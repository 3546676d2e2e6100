package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/** Hyperparameters of {@code lamb} (optax.lamb's defaults under PyTorch-style names). */
public record LambHyper(double lr, double beta1, double beta2, double eps, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.999, "decay rates β₁, β₂ of the moments");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-6, NON_NEGATIVE, "ε added to √v̂");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay λ");

    public static final LambHyper DEFAULTS = new LambHyper(LR.defaultValue(), 0.9, 0.999, EPS.defaultValue(), WEIGHT_DECAY.defaultValue());
    public static final HyperSpec<LambHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY), LambHyper::from);

    public LambHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static LambHyper from(HyperParams h) {
        double[] b = BETAS.read(h);
        return new LambHyper(LR.read(h), b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h));
    }
}
