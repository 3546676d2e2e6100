package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;

import java.util.List;

/** Hyperparameters of {@code sophiah} (the paper's Hutchinson variant; ρ is the paper's γ). */
public record SophiaHHyper(double lr, double beta1, double beta2, double rho, double eps, double weightDecay, int hessInterval) {
    static final HyperField<Double> RHO = HyperField.number("rho", 0.01, NON_NEGATIVE, "ρ (the paper's γ): the step is m / max(ρh, ε), clipped");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-12, POSITIVE, "ε, the least denominator");

    public static final SophiaHHyper DEFAULTS = new SophiaHHyper(SophiaGHyper.DEFAULTS.lr(), 0.965, 0.99, RHO.defaultValue(), EPS.defaultValue(),
            SophiaGHyper.DEFAULTS.weightDecay(), SophiaGHyper.DEFAULTS.hessInterval());
    public static final HyperSpec<SophiaHHyper> SPEC = new HyperSpec<>(List.of(SophiaGHyper.LR, SophiaGHyper.BETAS, RHO, EPS,
            SophiaGHyper.WEIGHT_DECAY, SophiaGHyper.HESS_INTERVAL), SophiaHHyper::from);

    public SophiaHHyper {
        SophiaGHyper.LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        RHO.check(rho);
        EPS.check(eps);
        SophiaGHyper.WEIGHT_DECAY.check(weightDecay);
        SophiaGHyper.HESS_INTERVAL.check(hessInterval);
    }

    public static SophiaHHyper from(HyperParams h) {
        double[] b = SophiaGHyper.BETAS.read(h);
        return new SophiaHHyper(SophiaGHyper.LR.read(h), b[0], b[1], RHO.read(h), EPS.read(h), SophiaGHyper.WEIGHT_DECAY.read(h),
                SophiaGHyper.HESS_INTERVAL.read(h));
    }
}
