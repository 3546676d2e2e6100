package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerFactory;
import dev.descent.optim.OptimizerFamily;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;

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
                OptimizerFactory.of(ZovhHyper.SPEC, (params, grads, h) -> build(params, grads, h, null))));
    }

    /**
     * Builds zovh with {@code blocks} = {@code vector} ({@link ZovhOptimizer}, the default) or
     * {@code tensor} ({@link ZovhBlockDiagonal}, the language-model variant: per-tensor eq. 16,
     * directions regenerated, memory of inference).
     */
    public static Optimizer build(ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        return build(params, grads, ZovhHyper.SPEC.bind(hyper), objective);
    }

    /** Builds zovh from its record, in the form its {@code blocks} chooses (objective null: {@code step(objective)} only). */
    public static Optimizer build(ParamSet params, float[] grads, ZovhHyper h, Objective objective) {
        return switch (h.blocks()) {
            case VECTOR -> create(params, grads, h, objective);
            case TENSOR -> createBlockDiagonal(params, grads, h, objective);
        };
    }

    /** Builds the block-diagonal variant over {@code params} with an objective bound for {@code step()} (null: none, {@code step(objective)} only). */
    public static ZovhBlockDiagonal createBlockDiagonal(ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        return createBlockDiagonal(params, grads, ZovhHyper.SPEC.bind(hyper), objective);
    }

    /** The block-diagonal variant from the record (whatever its {@code blocks}). */
    public static ZovhBlockDiagonal createBlockDiagonal(ParamSet params, float[] grads, ZovhHyper h, Objective objective) {
        return new ZovhBlockDiagonal(params, grads, objective, h.lr(), h.mu(), h.lambdaHess(), h.numQueries(), h.numHistories() + 1,
                h.weightDecay(), h.seed());
    }

    /** Builds zovh over {@code params} with an objective bound for {@code step()} (null: none, {@code step(objective)} only). */
    public static ZovhOptimizer create(ParamSet params, float[] grads, HyperParams hyper, Objective objective) {
        return create(params, grads, ZovhHyper.SPEC.bind(hyper), objective);
    }

    /** The vector form from the record (whatever its {@code blocks}). */
    public static ZovhOptimizer create(ParamSet params, float[] grads, ZovhHyper h, Objective objective) {
        return new ZovhOptimizer(params, grads, objective, h.lr(), h.mu(), h.lambdaHess(), h.numQueries(), h.numHistories() + 1,
                h.weightDecay(), h.seed());
    }
}
