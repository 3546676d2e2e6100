package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptimizerFamily;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;

/**
 * Registers {@code zovh}, the curvature-aware zeroth-order optimizer of ZoVH ({@link ZovhOptimizer}).
 * By name it is built without an objective and evaluates the one given to {@code step(objective)}.
 * Hyperparameters (defaults): {@code lr} (1e-3), {@code mu} (0.1), {@code lambda_hess} (0.1),
 * {@code num_queries} (3), {@code num_histories} (3), {@code weight_decay} (0), {@code seed} (0),
 * {@code blocks} ({@code vector}: θ as one vector, the paper's and synthetic reference's form;
 * {@code tensor}: the language-model trainer's per-tensor block-diagonal form at inference memory).
 */
public final class ZovhOptimizers implements OptimizerFamily {
    @Override
    public void register(OptimizerRegistry registry) {
        // Memory per parameter: N·K = 12 held directions (float) + the saved θ (float) + ĝ (double, 2 floats).
        registry.add(new OptimizerInfo("zovh",
                "ZoVH: zeroth-order curvature-aware SGD, theta -= lr * bias-corrected (H+lambda I)^-1 g from K Gaussian queries "
                        + "per step plus N-1 steps of reused queries (averaged baseline)",
                "Qiu, Hong, Xu, Shu, \"Revisiting Zeroth-Order Hessian Approximation: A Single-Step Policy Optimization Lens\", "
                        + "ICML 2026 (arXiv 2605.30960)",
                "Qjbtiger/ZoVH @ 0d22908d synthetic_and_adversarial/optimizer/zo_hess.py (ZoHessVanilla, ZoARHess; eq. 16/122 as in the paper)",
                "none (the reference repository has no license file)", 15, false,
                (params, grads, hyper) -> build(params, grads, hyper, null)));
    }

    /**
     * Builds zovh with {@code blocks} = {@code vector} ({@link ZovhOptimizer}, the default) or
     * {@code tensor} ({@link ZovhBlockDiagonal}, the language-model variant: per-tensor eq. 16,
     * directions regenerated, memory of inference).
     */
    public static dev.descent.optim.Optimizer build(dev.descent.optim.ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        String blocks = hyper.getString("blocks", "vector");
        return switch (blocks) {
            case "vector" -> create(params, grads, hyper, objective);
            case "tensor" -> createBlockDiagonal(params, grads, hyper, objective);
            default -> throw new IllegalArgumentException("blocks must be one of [vector, tensor], got '" + blocks + "'");
        };
    }

    /** Builds the block-diagonal variant over {@code params} with an objective bound for {@code step()} (null: none, {@code step(objective)} only). */
    public static ZovhBlockDiagonal createBlockDiagonal(dev.descent.optim.ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        return new ZovhBlockDiagonal(params, grads, objective, hyper.getDouble("lr", 1e-3), hyper.getDouble("mu", 0.1),
                hyper.getDouble("lambda_hess", 0.1), hyper.getInt("num_queries", 3), hyper.getInt("num_histories", 3) + 1,
                hyper.getDouble("weight_decay", 0), (long) hyper.getDouble("seed", 0));
    }

    /** Builds zovh over {@code params} with an objective bound for {@code step()} (null: none, {@code step(objective)} only). */
    public static ZovhOptimizer create(dev.descent.optim.ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        double lr = hyper.getDouble("lr", 1e-3);
        double mu = hyper.getDouble("mu", 0.1);
        double lambda = hyper.getDouble("lambda_hess", 0.1);
        int k = hyper.getInt("num_queries", 3);
        int histories = hyper.getInt("num_histories", 3); // N − 1; the constructor refuses a negative one
        double wd = hyper.getDouble("weight_decay", 0);
        long seed = (long) hyper.getDouble("seed", 0);
        return new ZovhOptimizer(params, grads, objective, lr, mu, lambda, k, histories + 1, wd, seed);
    }
}
