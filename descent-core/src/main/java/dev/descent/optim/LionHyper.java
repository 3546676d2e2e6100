package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/** Hyperparameters of {@code lion} (the reference lion_pytorch.py's names and defaults). */
public record LionHyper(double lr, double beta1, double beta2, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-4, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.99,
            "β₁ interpolates the update, β₂ decays the momentum");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay λ");

    public static final LionHyper DEFAULTS = new LionHyper(LR.defaultValue(), 0.9, 0.99, WEIGHT_DECAY.defaultValue());
    public static final HyperSpec<LionHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, WEIGHT_DECAY), LionHyper::from);

    public LionHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static LionHyper from(HyperParams h) {
        double[] b = BETAS.read(h);
        return new LionHyper(LR.read(h), b[0], b[1], WEIGHT_DECAY.read(h));
    }
}
