package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;

import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import java.util.List;

/**
 * Hyperparameters of {@code ar1_zo} ({@link Ar1Zo}): lr 1e-4 and mu (ε) 1e-2 (MeZO-LoRA's, the paper's
 * are not known), seed 0, atom_order cyclic (or random), scaling topology (γ = α·r, forward scale α;
 * or canonical).
 */
public record Ar1ZoHyper(double lr, double mu, long seed, Ar1Zo.AtomOrder atomOrder, Ar1Zo.Scaling scaling) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-4, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> MU = HyperField.number("mu", 1e-2, POSITIVE, "perturbation radius ε");
    static final HyperField<Ar1Zo.AtomOrder> ATOM_ORDER = HyperField.choice("atom_order", Ar1Zo.AtomOrder.CYCLIC,
            "which rank-1 atom a step queries: cyclic k = t mod r, or random per step and module");
    static final HyperField<Ar1Zo.Scaling> SCALING = HyperField.choice("scaling", Ar1Zo.Scaling.TOPOLOGY,
            "topology: forward scale γ/r = α (γ = α·r); canonical: the configured α/r");

    public static final Ar1ZoHyper DEFAULTS = new Ar1ZoHyper(LR.defaultValue(), MU.defaultValue(), SpsaHyper.SEED.defaultValue(),
            ATOM_ORDER.defaultValue(), SCALING.defaultValue());
    public static final HyperSpec<Ar1ZoHyper> SPEC = new HyperSpec<>(List.of(LR, MU, SpsaHyper.SEED, ATOM_ORDER, SCALING), Ar1ZoHyper::from);

    public Ar1ZoHyper {
        LR.check(lr);
        MU.check(mu);
        java.util.Objects.requireNonNull(atomOrder, "atom_order");
        java.util.Objects.requireNonNull(scaling, "scaling");
    }

    public static Ar1ZoHyper from(HyperParams h) {
        return new Ar1ZoHyper(LR.read(h), MU.read(h), SpsaHyper.SEED.read(h), ATOM_ORDER.read(h), SCALING.read(h));
    }
}
