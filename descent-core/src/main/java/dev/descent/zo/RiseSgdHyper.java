package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;
import static dev.descent.optim.HyperField.Range.UNIT;

import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import java.util.List;

/**
 * Hyperparameters of {@code rise_sgd} ({@link Rise#shape}, then SGD with momentum). The abstract fixes
 * none of them; rows keep the block dimension small, so the calibration √(q/(d+q+1)) does not vanish.
 */
public record RiseSgdHyper(double lr, double momentum, int q, Rise.Blocks block, Rise.Directions directions, long seed) {
    static final HyperField<Double> LR = HyperField.number("lr", 0.01, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> MOMENTUM = HyperField.number("momentum", 0, UNIT, "momentum μ (0: none)");
    static final HyperField<Integer> Q = HyperField.integer("q", 4, POSITIVE_COUNT, "random directions per block");
    static final HyperField<Rise.Blocks> BLOCK = HyperField.parsed("block", "choice", Rise.Blocks.parse("row"), "row",
            "tensor, row, or a block size ≥ 1", "the blocks the gradient is shaped in", Rise.Blocks::parse);
    static final HyperField<Rise.Directions> DIRECTIONS = HyperField.choice("directions", Rise.Directions.GAUSSIAN,
            "distribution of the shaping directions");
    static final HyperField<Integer> SEED = HyperField.integer("seed", 0, HyperField.Range.ANY, "keys the directions").allowing("any integer");

    public static final RiseSgdHyper DEFAULTS = new RiseSgdHyper(LR.defaultValue(), MOMENTUM.defaultValue(), Q.defaultValue(),
            BLOCK.defaultValue(), DIRECTIONS.defaultValue(), SEED.defaultValue());
    public static final HyperSpec<RiseSgdHyper> SPEC = new HyperSpec<>(List.of(LR, MOMENTUM, Q, BLOCK, DIRECTIONS, SEED), RiseSgdHyper::from);

    public RiseSgdHyper {
        LR.check(lr);
        MOMENTUM.check(momentum);
        Q.check(q);
        java.util.Objects.requireNonNull(block, "block");
        java.util.Objects.requireNonNull(directions, "directions");
    }

    public static RiseSgdHyper from(HyperParams h) {
        return new RiseSgdHyper(LR.read(h), MOMENTUM.read(h), Q.read(h), BLOCK.read(h), DIRECTIONS.read(h), SEED.read(h));
    }
}
