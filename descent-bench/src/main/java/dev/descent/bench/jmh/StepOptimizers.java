package dev.descent.bench.jmh;

import dev.descent.nn.FlatParameters;
import dev.descent.optim.AdamW;
import dev.descent.optim.LionFused;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.optim.SgdMomentum;
import dev.descent.optim.TransformOptimizer;

/**
 * The optimizers the step benchmarks time, built the same way in the JMH fork and in the parent
 * (which only asks which implementation will be measured): the fused kernels of
 * {@code dev.descent.optim} — {@link AdamW}, {@link LionFused}, {@link SgdMomentum} — with nanoGPT's
 * decay rule (rank ≥ 2 decays) where there is weight decay. A composed optimizer
 * ({@link TransformOptimizer}) overwrites the gradients, so the bench restores them before each step.
 */
public final class StepOptimizers {
    public static final double ADAMW_LR = 1e-3, ADAMW_B1 = 0.9, ADAMW_B2 = 0.95, ADAMW_WD = 0.1;
    public static final double LION_LR = 1e-4, LION_B1 = 0.9, LION_B2 = 0.99, LION_WD = 0.1;
    public static final double SGD_LR = 1e-2, SGD_MOMENTUM = 0.9;

    private StepOptimizers() {}

    /** The fused AdamW with nanoGPT's decay rule (rank ≥ 2 decays). */
    public static Optimizer adamw(FlatParameters flat) {
        return AdamW.nanoGpt(flat, ADAMW_LR, ADAMW_B1, ADAMW_B2, ADAMW_WD);
    }

    /** The fused Lion (sign of the interpolated momentum, decoupled decay on matrices). */
    public static Optimizer lion(FlatParameters flat) {
        return LionFused.optimizer(ParamSet.of(flat), flat.grads(), LION_LR, LION_B1, LION_B2, LION_WD, ParamSlot::isMatrix);
    }

    /** The fused SGD with momentum 0.9 (torch.optim.SGD: no dampening, no Nesterov, no weight decay). */
    public static Optimizer sgdMomentum(FlatParameters flat) {
        return SgdMomentum.optimizer(ParamSet.of(flat), flat.grads(), SGD_LR, SGD_MOMENTUM, 0, false, 0);
    }

    /** True when the step overwrites the gradient buffer (a composed chain), so the bench restores it between steps. */
    public static boolean consumesGradients(Optimizer o) {
        return o instanceof TransformOptimizer t && !isFused(t);
    }

    /** A fused kernel is a named transformation class (AdamW, LionFused, SgdMomentum); a composed chain is anonymous. */
    private static boolean isFused(TransformOptimizer t) {
        return !t.transformation().getClass().isAnonymousClass();
    }

    /** A label for the implementation measured: the class, and "composed" for a transformation chain. */
    public static String implementation(Optimizer o) {
        if (!(o instanceof TransformOptimizer t)) return o.getClass().getName();
        return isFused(t) ? t.transformation().getClass().getName() : t.name() + " via TransformOptimizer";
    }
}
