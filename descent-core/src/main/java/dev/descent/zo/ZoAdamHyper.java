package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;

import dev.descent.optim.AdamHyper;
import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import java.util.List;

/**
 * Hyperparameters of {@code zo_adam} (ZO-AdaMM): the SPSA estimator's and Adam's on the estimate
 * ({@link AdamHyper}) with ZO-AdaMM's defaults: amsgrad true, and ε &gt; 0.
 */
public record ZoAdamHyper(SpsaHyper spsa, AdamHyper adam) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.999, "decay rates β₁, β₂ of the moments");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, POSITIVE, "ε added to the root of the second moment");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "L2 weight decay λ, added to the estimate");
    static final HyperField<Boolean> AMSGRAD = HyperField.flag("amsgrad", true, "divide by the running maximum of v (false: plain Adam)");

    public static final ZoAdamHyper DEFAULTS = new ZoAdamHyper(SpsaHyper.DEFAULTS,
            new AdamHyper(LR.defaultValue(), 0.9, 0.999, EPS.defaultValue(), WEIGHT_DECAY.defaultValue(), AMSGRAD.defaultValue()));
    public static final HyperSpec<ZoAdamHyper> SPEC = new HyperSpec<>(SpsaHyper.with(List.of(LR, BETAS, EPS, WEIGHT_DECAY, AMSGRAD)),
            ZoAdamHyper::from);

    public ZoAdamHyper {
        java.util.Objects.requireNonNull(spsa, "spsa");
        EPS.check(adam.eps());
    }

    public static ZoAdamHyper from(HyperParams h) {
        SpsaHyper spsa = SpsaHyper.from(h);
        double[] b = BETAS.read(h);
        return new ZoAdamHyper(spsa, new AdamHyper(LR.read(h), b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h), AMSGRAD.read(h)));
    }
}
