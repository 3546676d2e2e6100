package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;
import static dev.descent.optim.HyperField.Range.UNIT;

/** Hyperparameters of {@code muon} (KellerJordan/Muon's defaults for the matrix groups) and its AdamW branch. */
public record MuonHyper(double lr, double momentum, boolean nesterov, int nsSteps, double weightDecay, AuxAdamWHyper adamw) {
    static final HyperField<Double> LR = HyperField.number("lr", 0.02, NON_NEGATIVE, "learning rate η of the hidden matrices");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0.95, UNIT, "momentum μ");
    static final HyperField<Boolean> NESTEROV = HyperField.flag("nesterov", true, "Nesterov blend of the momentum");
    static final HyperField<Integer> NS_STEPS = HyperField.integer("ns_steps", 5, POSITIVE_COUNT, "Newton–Schulz iterations");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "decoupled weight decay of the matrices");

    public static final MuonHyper DEFAULTS = new MuonHyper(LR.defaultValue(), MOMENTUM.defaultValue(), NESTEROV.defaultValue(),
            NS_STEPS.defaultValue(), WEIGHT_DECAY.defaultValue(), AuxAdamWHyper.DEFAULTS);
    public static final HyperSpec<MuonHyper> SPEC = new HyperSpec<>(
            AuxAdamWHyper.withAux(java.util.List.of(LR, MOMENTUM, NESTEROV, NS_STEPS, WEIGHT_DECAY)), MuonHyper::from);

    public MuonHyper {
        LR.check(lr);
        MOMENTUM.check(momentum);
        NS_STEPS.check(nsSteps);
        WEIGHT_DECAY.check(weightDecay);
        java.util.Objects.requireNonNull(adamw, "adamw");
    }

    public static MuonHyper from(HyperParams h) {
        return new MuonHyper(LR.read(h), MOMENTUM.read(h), NESTEROV.read(h), NS_STEPS.read(h), WEIGHT_DECAY.read(h), AuxAdamWHyper.from(h));
    }
}
