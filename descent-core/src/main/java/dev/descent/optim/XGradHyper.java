package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.UNIT;

import java.util.List;

/**
 * Hyperparameters of {@code xgrad}: the base optimizer and its hyperparameters (torch's names and
 * defaults for that base) and the prediction horizon s. Each base reads only its own keys: {@code adamw}
 * and {@code adam} take {@code betas}, {@code eps}, {@code weight_decay} (1e-2 for adamw, decoupled; 0
 * for adam, L2); {@code sgdm} takes {@code momentum} and {@code weight_decay} (0, L2). The components a
 * base does not use keep their defaults.
 */
public record XGradHyper(Base base, double lr, double beta1, double beta2, double eps, double weightDecay, double momentum,
                         double predictionSteps) {
    /** The optimizer whose update predicts the weights. */
    public enum Base { ADAMW, ADAM, SGDM }

    static final HyperField<Base> BASE = HyperField.choice("base", Base.ADAMW, "the base optimizer");
    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η of the base");
    static final HyperField<double[]> BETAS = HyperField.betas("betas", "beta1", "beta2", 0.9, 0.999, "β₁, β₂ (adamw, adam)");
    static final HyperField<Double> EPS = HyperField.number("eps", 1e-8, NON_NEGATIVE, "ε (adamw, adam)");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 1e-2, NON_NEGATIVE,
            "weight decay λ: decoupled (adamw), L2 (adam, sgdm)").shownAs("0.01 (adamw), 0 (adam, sgdm)");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0.9, UNIT, "momentum μ (sgdm)");
    static final HyperField<Double> PREDICTION_STEPS = HyperField.number("prediction_steps", 1, NON_NEGATIVE,
            "s: gradients are taken s steps ahead (0: the base optimizer)");

    public static final XGradHyper DEFAULTS = new XGradHyper(Base.ADAMW, LR.defaultValue(), 0.9, 0.999, EPS.defaultValue(),
            WEIGHT_DECAY.defaultValue(), MOMENTUM.defaultValue(), PREDICTION_STEPS.defaultValue());
    public static final HyperSpec<XGradHyper> SPEC = new HyperSpec<>(List.of(BASE, LR, BETAS, EPS, WEIGHT_DECAY, MOMENTUM, PREDICTION_STEPS),
            XGradHyper::from);

    public XGradHyper {
        java.util.Objects.requireNonNull(base, "base");
        LR.check(lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
        MOMENTUM.check(momentum);
        PREDICTION_STEPS.check(predictionSteps);
    }

    public static XGradHyper from(HyperParams h) {
        Base base = BASE.read(h);
        double lr = LR.read(h);
        double[] b = {DEFAULTS.beta1(), DEFAULTS.beta2()};
        double eps = DEFAULTS.eps();
        double momentum = DEFAULTS.momentum();
        double wd;
        if (base == Base.SGDM) {
            wd = WEIGHT_DECAY.read(h, 0.0);
            momentum = MOMENTUM.read(h);
        } else {
            b = BETAS.read(h);
            eps = EPS.read(h);
            wd = WEIGHT_DECAY.read(h, base == Base.ADAMW ? 1e-2 : 0.0);
        }
        return new XGradHyper(base, lr, b[0], b[1], eps, wd, momentum, PREDICTION_STEPS.read(h));
    }
}
