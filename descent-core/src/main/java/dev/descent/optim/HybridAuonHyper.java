package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;
import static dev.descent.optim.HyperField.Range.UNIT;

/**
 * Hyperparameters of {@code hybrid_auon} and its AdamW branch. The {@code variant} decides two
 * defaults: lr 0.055 and 1 Newton–Schulz step (paper), lr 0.24 and 5 steps (code).
 */
public record HybridAuonHyper(AuonHyper.Variant variant, double lr, double momentum, boolean nesterov, double weightDecay, int nsSteps,
                              double gamma, RForm rForm, AuxAdamWHyper adamw) {
    /** The cosh-RMS form: √ (default) or §3.2's formula as printed (square). */
    public enum RForm { SQRT, SQUARE }

    static final HyperField<AuonHyper.Variant> VARIANT = AuonHyper.VARIANT;
    static final HyperField<Double> LR = AuonHyper.LR;
    static final HyperField<Double> MOMENTUM = AuonHyper.MOMENTUM;
    static final HyperField<Boolean> NESTEROV = AuonHyper.NESTEROV;
    static final HyperField<Double> WEIGHT_DECAY = AuonHyper.WEIGHT_DECAY;
    static final HyperField<Integer> NS_STEPS = HyperField.integer("ns_steps", 1, POSITIVE_COUNT, "Newton–Schulz iterations")
            .shownAs("1 (paper), 5 (code)");
    static final HyperField<Double> GAMMA = AuonHyper.GAMMA;
    static final HyperField<RForm> R_FORM = HyperField.choice("r_form", RForm.SQRT, "the cosh-RMS: square root, or squared as printed");

    public static final HyperSpec<HybridAuonHyper> SPEC = new HyperSpec<>(
            AuxAdamWHyper.withAux(java.util.List.of(VARIANT, LR, MOMENTUM, NESTEROV, WEIGHT_DECAY, NS_STEPS, GAMMA, R_FORM)),
            HybridAuonHyper::from);
    public static final HybridAuonHyper DEFAULTS = from(HyperParams.empty());

    public HybridAuonHyper {
        java.util.Objects.requireNonNull(variant, "variant");
        LR.check(lr);
        MOMENTUM.check(momentum);
        WEIGHT_DECAY.check(weightDecay);
        NS_STEPS.check(nsSteps);
        GAMMA.check(gamma);
        java.util.Objects.requireNonNull(rForm, "r_form");
        java.util.Objects.requireNonNull(adamw, "adamw");
    }

    public static HybridAuonHyper from(HyperParams h) {
        AuonHyper.Variant v = VARIANT.read(h);
        boolean code = v == AuonHyper.Variant.CODE;
        return new HybridAuonHyper(v, LR.read(h, AuonHyper.defaultLr(v)), MOMENTUM.read(h), NESTEROV.read(h), WEIGHT_DECAY.read(h),
                NS_STEPS.read(h, code ? 5 : 1), GAMMA.read(h), R_FORM.read(h), AuxAdamWHyper.from(h));
    }
}
