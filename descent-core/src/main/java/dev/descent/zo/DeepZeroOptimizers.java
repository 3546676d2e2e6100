package dev.descent.zo;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE;
import static dev.descent.optim.HyperField.Range.POSITIVE_COUNT;
import static dev.descent.optim.HyperField.Range.UNIT;

import dev.descent.optim.HyperField;
import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import dev.descent.optim.OptimizerFactory;
import dev.descent.optim.OptimizerFamily;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.TransformOptimizer;
import dev.descent.optim.Transforms;
import java.util.List;

/**
 * The DeepZero and RISE optimizers in the registry:
 * <ul>
 *   <li>{@code deepzero}: coordinate-wise ZO estimation on a ZO-GraSP sparse coordinate set + SGD
 *       with momentum ({@link DeepZeroOptimizer}); zeroth-order, evaluates the objective given to {@code step(objective)}.</li>
 *   <li>{@code rise_sgd}: RISE shaping of exact gradients ({@link Rise#shape}), then SGD with
 *       momentum: {@code chain(rise(q, block, directions, seed), trace(momentum), scale_by_learning_rate(lr))}.
 *       Defaults: lr 0.01, momentum 0, q 4, block row, directions gaussian, seed 0 (the abstract
 *       fixes none of them; rows keep d small, so c = sqrt(q/(d+q+1)) does not vanish on wide layers).</li>
 * </ul>
 */
public final class DeepZeroOptimizers implements OptimizerFamily {
    public DeepZeroOptimizers() {}

    @Override
    public void register(OptimizerRegistry r) {
        r.add(new OptimizerInfo("deepzero",
                "DeepZero: coordinate-wise finite-difference gradients on a ZO-GraSP sparse coordinate set, then SGD with momentum; zeroth-order (evaluates the objective given at each step)",
                "Chen et al., DeepZero: Scaling up Zeroth-Order Optimization for Deep Model Training, ICLR 2024 (arXiv 2310.02025)",
                "OPTML-Group/DeepZero (algorithm/zoo/gradient_estimate.py, algorithm/prune/importance_scores.py)", "MIT", 2, true,
                // bad settings fail first (binding the record), with or without a loss
                OptimizerFactory.of(DEEPZERO, (params, grads, s) -> new DeepZeroOptimizer(params, grads, null, s))));
        r.add(new OptimizerInfo("rise_sgd",
                "RISE: exact gradients reshaped block by block by the calibrated zeroth-order random shape (norm-matched), then SGD with momentum",
                "RISE: randomized gradient shaping for continual learning (FO-ZO quadratic forgetting gap), seed abstract set 000",
                "no public code; follows the abstract's definitions (specs/12c_rise.md)", "none (original implementation)", 1, false,
                OptimizerFactory.of(RiseSgdHyper.SPEC, DeepZeroOptimizers::riseSgd)));
    }

    /** {@code rise_sgd} from its record: {@code chain(rise(q, block, directions, seed), trace(momentum), scale_by_learning_rate(lr))}. */
    public static TransformOptimizer riseSgd(ParamSet params, float[] grads, RiseSgdHyper h) {
        return new TransformOptimizer("rise_sgd", params, grads, Transforms.chain(
                Rise.shape(h.q(), h.block(), h.directions(), h.seed()), Transforms.trace(h.momentum(), false), Transforms.scaleByLearningRate(h.lr())));
    }

    // The deepzero hyperparameters: the record is DeepZeroOptimizer.Settings (defaults and checks there).
    private static final DeepZeroOptimizer.Settings D = DeepZeroOptimizer.Settings.defaults();
    private static final HyperField<Double> LR = HyperField.number("lr", D.lr(), NON_NEGATIVE, "learning rate η");
    private static final HyperField<Double> MOMENTUM = HyperField.number("momentum", D.momentum(), UNIT, "momentum m");
    private static final HyperField<Double> WEIGHT_DECAY = HyperField.number("weight_decay", D.weightDecay(), NON_NEGATIVE,
            "coupled weight decay λ");
    private static final HyperField<Double> MU = HyperField.number("mu", D.mu(), POSITIVE, "finite-difference step μ");
    private static final HyperField<Double> SPARSITY = HyperField.number("sparsity", D.sparsity(), HyperField.Range.UNIT,
            "fraction of matrix coordinates left out (0: dense)");
    private static final HyperField<Integer> COORDS_PER_STEP = HyperField.integer("coords_per_step", D.coordsPerStep(), POSITIVE_COUNT,
            "coordinates estimated per step").shownAs("all");
    private static final HyperField<CoordinateGradientEstimator.Difference> DIFFERENCE = HyperField.choice("difference", D.difference(),
            "finite-difference scheme");
    private static final HyperField<Integer> GRASP_QUERIES = HyperField.integer("grasp_queries", D.graspQueries(), POSITIVE_COUNT,
            "queries of the ZO-GraSP scores");
    private static final HyperField<DeepZeroOptimizer.MaskMode> MASK = HyperField.choice("mask", D.mask(),
            "the ZO-GraSP mask itself, or random coordinates in its per-layer counts");
    private static final HyperField<Integer> MASK_INTERVAL = HyperField.integer("mask_interval", D.maskInterval(), POSITIVE_COUNT,
            "steps between random re-draws (layer_random)");
    private static final HyperField<Integer> SEED = HyperField.integer("seed", (int) D.seed(), HyperField.Range.ANY, "keys the random draws")
            .allowing("any integer");

    /** {@code deepzero}'s hyperparameters, bound into {@link DeepZeroOptimizer.Settings}. */
    public static final HyperSpec<DeepZeroOptimizer.Settings> DEEPZERO = new HyperSpec<>(List.of(LR, MOMENTUM, WEIGHT_DECAY, MU, SPARSITY,
            COORDS_PER_STEP, DIFFERENCE, GRASP_QUERIES, MASK, MASK_INTERVAL, SEED), DeepZeroOptimizers::settings);

    /** The {@code deepzero} settings from hyperparameters (defaults in {@link DeepZeroOptimizer}). */
    public static DeepZeroOptimizer.Settings settings(HyperParams h) {
        return new DeepZeroOptimizer.Settings(LR.read(h), MOMENTUM.read(h), WEIGHT_DECAY.read(h), MU.read(h), SPARSITY.read(h),
                COORDS_PER_STEP.read(h), DIFFERENCE.read(h), GRASP_QUERIES.read(h), MASK.read(h), MASK_INTERVAL.read(h), SEED.read(h));
    }
}
