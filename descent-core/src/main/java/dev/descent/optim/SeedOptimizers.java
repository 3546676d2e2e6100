package dev.descent.optim;

/**
 * Optimizers from the seed list and the algorithm specs: {@code grams}, {@code invadam},
 * {@code dualadam}, {@code mars_adamw}, {@code mars_lion}, {@code xgrad}, {@code adaptive_braking} and
 * {@code adamw_layerwise}. Hyperparameter names and defaults are the reference implementations'
 * (see each class for the equations and the choices made where a source is open); each takes its record
 * ({@link GramsHyper}, {@link DualAdamHyper}, {@link MarsHyper}, {@link XGradHyper}, {@link AdaptiveBrakingHyper},
 * {@link LayerwiseAdamWHyper}).
 */
public final class SeedOptimizers implements OptimizerFamily {
    public SeedOptimizers() {}

    @Override
    public void register(OptimizerRegistry r) {
        r.add(new OptimizerInfo("grams", "sign of the gradient times |Adam update| (Grams)",
                "Cao, Li, Song, \"Grams: Gradient Descent with Adaptive Momentum Scaling\", arXiv 2412.17107",
                "Gunale0926/Grams @ f91a375d grams/src/grams.py", "Apache-2.0", 2, false,
                OptimizerFactory.of(GramsHyper.SPEC, (ps, g, h) -> new TransformOptimizer("grams", ps, g,
                        Grams.grams(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), h.correctBias())))));
        r.add(new OptimizerInfo("invadam", "Adam's echo: m̂·(√v̂+ε) instead of m̂/(√v̂+ε) (InvAdam)",
                "\"DualAdam: Combining Adam and its Echo Update Mechanism to Enhance Generalization\" (LongJin-lab)",
                "LongJin-lab/DualAdam @ e40133b6 DualAdam.py (r ≡ 1)", "none stated", 2, false,
                OptimizerFactory.of(DualAdamHyper.INVADAM_SPEC, (ps, g, h) -> new TransformOptimizer("invadam", ps, g,
                        DualAdam.invAdam(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay())))));
        r.add(new OptimizerInfo("dualadam", "InvAdam handing over linearly to Adam over 1/switch_rate steps (DualAdam)",
                "\"DualAdam: Combining Adam and its Echo Update Mechanism to Enhance Generalization\" (LongJin-lab)",
                "LongJin-lab/DualAdam @ e40133b6 DualAdam.py", "none stated", 2, false,
                OptimizerFactory.of(DualAdamHyper.SPEC, (ps, g, h) -> new TransformOptimizer("dualadam", ps, g,
                        DualAdam.dualAdam(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), h.switchRate())))));
        for (Mars.Type type : Mars.Type.values()) {
            String name = type == Mars.Type.ADAMW ? "mars_adamw" : "mars_lion";
            r.add(new OptimizerInfo(name, "variance-reduced, clipped gradient into " + (type == Mars.Type.ADAMW ? "AdamW" : "Lion")
                    + " on 2-D parameters; AdamW on the rest (MARS, approximate)",
                    "Yuan, Liu, Wu, Zhou, Gu, \"MARS: Unleashing the Power of Variance Reduction for Training Large Models\", arXiv 2411.10438",
                    "AGI-Arena/MARS @ 4831e28e MARS/optimizers/mars.py", "Apache-2.0", 3, true,
                    OptimizerFactory.of(MarsHyper.SPEC, (ps, g, h) -> new TransformOptimizer(name, ps, g,
                            Mars.mars(type, h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), h.gamma(), h.amsgrad(), h.oneD())))));
        }
        r.add(new OptimizerInfo("xgrad", "gradients at weights predicted s steps ahead by the base optimizer (XGrad)",
                "Guan, Li, Shi, Meng, \"XGrad: Boosting Gradient-Based Optimizers With Weight Prediction\", arXiv 2305.18240",
                "paper only (guanleics/XGrad announced; not available); design documented in XGrad", "n/a", 3, false,
                OptimizerFactory.of(XGradHyper.SPEC, (ps, g, h) -> new TransformOptimizer("xgrad", ps, g,
                        XGrad.xgrad(xgradBase(h), h.predictionSteps())))));
        r.add(new OptimizerInfo("adaptive_braking", "SGD with momentum, gradient scaled by 1 − ρ·cos(gradient, velocity) (Adaptive Braking)",
                "Venigalla, Kosson, Chiley, Köster, \"Adaptive Braking for Mitigating Gradient Delay\", arXiv 2007.01397",
                "paper abstract only (no public code); design documented in AdaptiveBraking", "n/a", 1, false,
                OptimizerFactory.of(AdaptiveBrakingHyper.SPEC, (ps, g, h) -> new TransformOptimizer("adaptive_braking", ps, g,
                        AdaptiveBraking.sgdm(h.lr(), h.momentum(), h.rho(), h.weightDecay())))));
        r.add(new OptimizerInfo("adamw_layerwise", "AdamW with width-transfer multipliers: matrix-like lr/m and decay·m, vector-like lr and no decay",
                "\"Robust Layerwise Scaling Rules by Proper Weight Decay Tuning\" (2025)",
                "paper abstract (seed 002); AdamW as torch.optim.AdamW; design documented in LayerwiseScaling", "n/a", 2, true,
                OptimizerFactory.of(LayerwiseAdamWHyper.SPEC, (ps, g, h) -> new TransformOptimizer("adamw_layerwise", ps, g,
                        new LayerwiseScaling(h.widthMult()).adamw(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay())))));
    }

    /** XGrad's base: AdamW (decoupled decay), torch Adam (L2 decay before the moments) or torch-style SGD with momentum. */
    private static GradientTransformation xgradBase(XGradHyper h) {
        return switch (h.base()) {
            case ADAMW -> Adam.adamw(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), p -> true);
            // torch.optim.Adam: weight_decay is L2, added to the gradient before the moments.
            case ADAM -> Transforms.chain(Transforms.addDecayedWeights(h.weightDecay(), p -> true),
                    Adam.scaleByAdam(h.beta1(), h.beta2(), h.eps(), false), Transforms.scaleByLearningRate(h.lr()));
            case SGDM -> Transforms.chain(Transforms.addDecayedWeights(h.weightDecay(), p -> true),
                    Transforms.trace(h.momentum(), false), Transforms.scaleByLearningRate(h.lr()));
        };
    }
}
