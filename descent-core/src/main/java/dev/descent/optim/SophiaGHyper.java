package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;

import java.util.List;

/**
 * Hyperparameters of {@code sophiag}: the reference SophiaG's names and defaults, except {@code bs} = 1
 * (the Gauss–Newton–Bartlett estimator here already includes the batch factor; see {@link SophiaOptimizers}).
 */
public record SophiaGHyper(double lr, double beta1, double beta2, double rho, double weightDecay, double bs, int hessInterval) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-4, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.965, 0.99,
            "β₁ of the gradient EMA, β₂ of the curvature EMA");
    static final HyperField<Double> RHO = HyperField.number("rho", 0.04, NON_NEGATIVE, "ρ: the step is m / (ρ·bs·h), clipped to [-1, 1]");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0.1, NON_NEGATIVE,
            "decoupled weight decay λ (parameters of rank ≥ 2)");
    static final HyperField<Double> BS = HyperField.number("bs", 1, POSITIVE, "batch factor of the curvature");
    static final HyperField<Integer> HESS_INTERVAL = HyperField.integer("hess_interval", 10, POSITIVE_COUNT,
            "steps between curvature refreshes");

    public static final SophiaGHyper DEFAULTS = new SophiaGHyper(LR.defaultValue(), 0.965, 0.99, RHO.defaultValue(), WEIGHT_DECAY.defaultValue(),
            BS.defaultValue(), HESS_INTERVAL.defaultValue());
    public static final HyperSpec<SophiaGHyper> SPEC = new HyperSpec<>(List.of(LR, BETAS, RHO, WEIGHT_DECAY, BS, HESS_INTERVAL),
            SophiaGHyper::from);

    public SophiaGHyper {
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        RHO.check(rho);
        WEIGHT_DECAY.check(weightDecay);
        BS.check(bs);
        HESS_INTERVAL.check(hessInterval);
    }

    public static SophiaGHyper from(HyperParams h) {
        double[] b = BETAS.read(h);
        return new SophiaGHyper(LR.read(h), b[0], b[1], RHO.read(h), WEIGHT_DECAY.read(h), BS.read(h), HESS_INTERVAL.read(h));
    }
}
