package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;

import dev.descent.optim.Hyper;
import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import java.util.List;

/**
 * Hyperparameters of {@code zovh} (the reference's names; defaults from its synthetic.yaml, lr from its
 * constructor; see {@link ZovhOptimizer}). {@code num_histories} is N − 1 (N iterations of K queries
 * are kept); {@code blocks} chooses θ as one vector ({@link ZovhOptimizer}) or per-tensor blocks
 * ({@link ZovhBlockDiagonal}).
 */
public record ZovhHyper(double lr, double mu, double lambdaHess, int numQueries, int numHistories, double weightDecay, long seed,
                        Blocks blocks) {
    /** θ as one vector (the paper's form) or block-diagonal per tensor (the language-model trainer's). */
    public enum Blocks { VECTOR, TENSOR }

    static final HyperField<Double> LR = HyperField.number("lr", 1e-3, NON_NEGATIVE, "learning rate η");
    static final HyperField<Double> MU = HyperField.number("mu", 0.1, POSITIVE, "smoothing radius μ");
    static final HyperField<Double> LAMBDA_HESS = HyperField.number("lambda_hess", 0.1, POSITIVE, "λ of (H + λI)⁻¹");
    static final HyperField<Integer> NUM_QUERIES = HyperField.integer("num_queries", 3, new HyperField.Range("integer ≥ 3",
            (n, v) -> {
                if (v < 3) throw new IllegalArgumentException(n + " must be an integer >= 3 (eq. 16 divides by n - 2), got " + v.intValue());
            }), "K: Gaussian queries per step");
    static final HyperField<Integer> NUM_HISTORIES = HyperField.integer("num_histories", 3, new HyperField.Range("integer ≥ 0",
            (n, v) -> {
                if (v < 0) throw new IllegalArgumentException(n + " must be an integer >= 0, got " + v.intValue());
            }), "N − 1: earlier steps whose queries are reused");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", 0, NON_NEGATIVE, "weight decay: θ −= η(p + wd·θ)");
    static final HyperField<Double> SEED = HyperField.number("seed", 0, HyperField.Range.ANY, "keys the directions")
            .allowing("any integer (a number is truncated)");
    static final HyperField<Blocks> BLOCKS = HyperField.choice("blocks", Blocks.VECTOR, "θ as one vector, or per-tensor blocks at inference memory");

    public static final ZovhHyper DEFAULTS = new ZovhHyper(LR.defaultValue(), MU.defaultValue(), LAMBDA_HESS.defaultValue(),
            NUM_QUERIES.defaultValue(), NUM_HISTORIES.defaultValue(), WEIGHT_DECAY.defaultValue(), 0, BLOCKS.defaultValue());
    public static final HyperSpec<ZovhHyper> SPEC = new HyperSpec<>(List.of(LR, MU, LAMBDA_HESS, NUM_QUERIES, NUM_HISTORIES, WEIGHT_DECAY,
            SEED, BLOCKS), ZovhHyper::from);

    public ZovhHyper {
        LR.check(lr);
        MU.check(mu);
        LAMBDA_HESS.check(lambdaHess);
        NUM_QUERIES.check(numQueries);
        NUM_HISTORIES.check(numHistories);
        Hyper.nonNegative("weight_decay", weightDecay);
        java.util.Objects.requireNonNull(blocks, "blocks");
    }

    public static ZovhHyper from(HyperParams h) {
        // the seed is read as a number and truncated, as it always was (seed=1e3 is 1000)
        return new ZovhHyper(LR.read(h), MU.read(h), LAMBDA_HESS.read(h), NUM_QUERIES.read(h), NUM_HISTORIES.read(h), WEIGHT_DECAY.read(h),
                (long) (double) SEED.read(h), BLOCKS.read(h));
    }
}
