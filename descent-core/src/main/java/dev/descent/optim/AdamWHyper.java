package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/**
 * Hyperparameters of {@code adamw} (torch.optim.AdamW's names and defaults: η = 1e-3, β = (0.9, 0.999),
 * ε = 1e-8, decoupled λ = 1e-2); {@link Optimizers#adamw()} starts from {@link #DEFAULTS}.
 */
public record AdamWHyper(double lr, double beta1, double beta2, double eps, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.999, "decay rates β₁, β₂ of the moments");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, NON_NEGATIVE, "ε added to √v̂");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 1e-2, NON_NEGATIVE, "decoupled weight decay λ");

    public static final AdamWHyper DEFAULTS = new AdamWHyper(LR.defaultValue(), 0.9, 0.999, EPS.defaultValue(), WEIGHT_DECAY.defaultValue());
    public static final HyperSpec<AdamWHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, EPS, WEIGHT_DECAY), AdamWHyper::from);

    public AdamWHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static AdamWHyper from(HyperParams h) {
        double[] b = BETAS.read(h);
        return new AdamWHyper(LR.read(h), b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h));
    }
}
