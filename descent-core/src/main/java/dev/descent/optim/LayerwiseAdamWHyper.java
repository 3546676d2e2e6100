package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;

import java.util.List;

/** Hyperparameters of {@code adamw_layerwise}: AdamW's ({@link AdamWHyper}) and the width multiplier m ({@link LayerwiseScaling}). */
public record LayerwiseAdamWHyper(double lr, double beta1, double beta2, double eps, double weightDecay, double widthMult) {
    static final HyperField<Double> WIDTH_MULT = HyperField.number("width_mult", 1.0, POSITIVE,
            "width multiplier m: matrix-like parameters get lr/m and decay·m");

    public static final LayerwiseAdamWHyper DEFAULTS = new LayerwiseAdamWHyper(AdamWHyper.DEFAULTS.lr(), 0.9, 0.999,
            AdamWHyper.DEFAULTS.eps(), AdamWHyper.DEFAULTS.weightDecay(), WIDTH_MULT.defaultValue());
    public static final HyperSpec<LayerwiseAdamWHyper> SPEC = new HyperSpec<>(List.of(AdamWHyper.LR, AdamWHyper.BETAS, AdamWHyper.EPS,
            AdamWHyper.WEIGHT_DECAY, WIDTH_MULT), LayerwiseAdamWHyper::from);

    public LayerwiseAdamWHyper {
        new AdamWHyper(lr, beta1, beta2, eps, weightDecay);   // AdamW's checks
        WIDTH_MULT.check(widthMult);
    }

    public static LayerwiseAdamWHyper from(HyperParams h) {
        AdamWHyper a = AdamWHyper.from(h);
        return new LayerwiseAdamWHyper(a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay(), WIDTH_MULT.read(h));
    }
}
