package dev.descent.zo;

import dev.descent.optim.HyperParams;
import dev.descent.optim.OptimizerFamily;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.TransformOptimizer;
import dev.descent.optim.Transforms;

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
                (params, grads, h) -> {
                    DeepZeroOptimizer.Settings s = settings(h); // bad settings fail first, with or without a loss
                    return new DeepZeroOptimizer(params, grads, null, s);
                }));
        r.add(new OptimizerInfo("rise_sgd",
                "RISE: exact gradients reshaped block by block by the calibrated zeroth-order random shape (norm-matched), then SGD with momentum",
                "RISE: randomized gradient shaping for continual learning (FO-ZO quadratic forgetting gap), seed abstract set 000",
                "no public code; follows the abstract's definitions (specs/12c_rise.md)", "none (original implementation)", 1, false,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 0.01);
                    double momentum = h.getDouble("momentum", 0);
                    int q = h.getInt("q", 4);
                    Rise.Blocks blocks = Rise.Blocks.parse(h.getString("block", "row"));
                    Rise.Directions dirs = Rise.Directions.parse(h.getString("directions", "gaussian"));
                    long seed = h.getInt("seed", 0);
                    return new TransformOptimizer("rise_sgd", params, grads, Transforms.chain(
                            Rise.shape(q, blocks, dirs, seed), Transforms.trace(momentum, false), Transforms.scaleByLearningRate(lr)), "lr");
                }));
    }

    /** The {@code deepzero} settings from hyperparameters (defaults in {@link DeepZeroOptimizer}). */
    public static DeepZeroOptimizer.Settings settings(HyperParams h) {
        DeepZeroOptimizer.Settings d = DeepZeroOptimizer.Settings.defaults();
        String diff = h.getString("difference", "forward");
        CoordinateGradientEstimator.Difference difference = switch (diff) {
            case "forward" -> CoordinateGradientEstimator.Difference.FORWARD;
            case "central" -> CoordinateGradientEstimator.Difference.CENTRAL;
            default -> throw new IllegalArgumentException("difference must be forward or central, got '" + diff + "'");
        };
        String maskName = h.getString("mask", "grasp");
        DeepZeroOptimizer.MaskMode mask = switch (maskName) {
            case "grasp" -> DeepZeroOptimizer.MaskMode.GRASP;
            case "layer_random" -> DeepZeroOptimizer.MaskMode.LAYER_RANDOM;
            default -> throw new IllegalArgumentException("mask must be grasp or layer_random, got '" + maskName + "'");
        };
        return new DeepZeroOptimizer.Settings(h.getDouble("lr", d.lr()), h.getDouble("momentum", d.momentum()),
                h.getDouble("weight_decay", d.weightDecay()), h.getDouble("mu", d.mu()), h.getDouble("sparsity", d.sparsity()),
                h.getInt("coords_per_step", d.coordsPerStep()), difference, h.getInt("grasp_queries", d.graspQueries()), mask,
                h.getInt("mask_interval", d.maskInterval()), h.getInt("seed", (int) d.seed()));
    }
}
