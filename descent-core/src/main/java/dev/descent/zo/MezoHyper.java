package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import java.util.List;

/** Hyperparameters of {@code mezo} ({@link Mezo}): lr 1e-6, weight decay 0, and the SPSA estimator's μ, q, seed, direction. */
public record MezoHyper(double lr, double weightDecay, double mu, int q, long seed, DirectionKind direction) {
    static final HyperField<Double> LR = HyperField.number("lr", 1e-6, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "weight decay λ (θ ← θ − η(ĝz + λθ))");

    public static final MezoHyper DEFAULTS = new MezoHyper(LR.defaultValue(), WEIGHT_DECAY.defaultValue(), SpsaHyper.MU.defaultValue(),
            SpsaHyper.Q.defaultValue(), SpsaHyper.SEED.defaultValue(), SpsaHyper.DIRECTION.defaultValue());
    public static final HyperSpec<MezoHyper> SPEC = new HyperSpec<>(List.of(SpsaHyper.MU, SpsaHyper.Q, SpsaHyper.SEED, SpsaHyper.DIRECTION,
            LR, WEIGHT_DECAY), MezoHyper::from);

    public MezoHyper {
        LR.check(lr);
        WEIGHT_DECAY.check(weightDecay);
        SpsaHyper.MU.check(mu);
        SpsaHyper.Q.check(q);
        java.util.Objects.requireNonNull(direction, "direction");
    }

    public static MezoHyper from(HyperParams h) {
        double mu = SpsaHyper.MU.read(h);
        int q = SpsaHyper.Q.read(h);
        long seed = SpsaHyper.SEED.read(h);
        DirectionKind direction = SpsaHyper.DIRECTION.read(h);
        return new MezoHyper(LR.read(h), WEIGHT_DECAY.read(h), mu, q, seed, direction);
    }
}
