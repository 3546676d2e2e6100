package dev.descent.optim;

import java.util.Map;

/**
 * Optimizers from the seed list and the algorithm specs: {@code grams}, {@code invadam},
 * {@code dualadam}, {@code mars_adamw}, {@code mars_lion}, {@code xgrad}, {@code adaptive_braking} and
 * {@code adamw_layerwise}. Hyperparameter names and defaults are the reference implementations'
 * (see each class for the equations and the choices made where a source is open).
 */
public final class SeedOptimizers implements OptimizerFamily {
    public SeedOptimizers() {}

    @Override
    public void register(OptimizerRegistry r) {
        r.add(new OptimizerInfo("grams", "sign of the gradient times |Adam update| (Grams)",
                "Cao, Li, Song, \"Grams: Gradient Descent with Adaptive Momentum Scaling\", arXiv 2412.17107",
                "Gunale0926/Grams @ f91a375d grams/src/grams.py", "Apache-2.0", 2, false,
                (ps, g, h) -> {
                    double lr = h.getDouble("lr", 1e-3);
                    double[] b = betas(h, 0.9, 0.999);
                    var tx = Grams.grams(lr, b[0], b[1], h.getDouble("eps", 1e-6), h.getDouble("weight_decay", 0),
                            h.getBool("correct_bias", true));
                    return new TransformOptimizer("grams", ps, g, tx, "lr");
                }));
        r.add(new OptimizerInfo("invadam", "Adam's echo: m̂·(√v̂+ε) instead of m̂/(√v̂+ε) (InvAdam)",
                "\"DualAdam: Combining Adam and its Echo Update Mechanism to Enhance Generalization\" (LongJin-lab)",
                "LongJin-lab/DualAdam @ e40133b6 DualAdam.py (r ≡ 1)", "none stated", 2, false,
                (ps, g, h) -> {
                    double lr = h.getDouble("lr", 1e-3);
                    double[] b = betas(h, 0.9, 0.999);
                    var tx = DualAdam.invAdam(lr, b[0], b[1], h.getDouble("eps", 1e-8), h.getDouble("weight_decay", 0));
                    return new TransformOptimizer("invadam", ps, g, tx, "lr");
                }));
        r.add(new OptimizerInfo("dualadam", "InvAdam handing over linearly to Adam over 1/switch_rate steps (DualAdam)",
                "\"DualAdam: Combining Adam and its Echo Update Mechanism to Enhance Generalization\" (LongJin-lab)",
                "LongJin-lab/DualAdam @ e40133b6 DualAdam.py", "none stated", 2, false,
                (ps, g, h) -> {
                    double lr = h.getDouble("lr", 1e-3);
                    double[] b = betas(h, 0.9, 0.999);
                    var tx = DualAdam.dualAdam(lr, b[0], b[1], h.getDouble("eps", 1e-8), h.getDouble("weight_decay", 0),
                            h.getDouble("switch_rate", 0.01));
                    return new TransformOptimizer("dualadam", ps, g, tx, "lr");
                }));
        for (Mars.Type type : Mars.Type.values()) {
            String name = type == Mars.Type.ADAMW ? "mars_adamw" : "mars_lion";
            r.add(new OptimizerInfo(name, "variance-reduced, clipped gradient into " + (type == Mars.Type.ADAMW ? "AdamW" : "Lion")
                    + " on 2-D parameters; AdamW on the rest (MARS, approximate)",
                    "Yuan, Liu, Wu, Zhou, Gu, \"MARS: Unleashing the Power of Variance Reduction for Training Large Models\", arXiv 2411.10438",
                    "AGI-Arena/MARS @ 4831e28e MARS/optimizers/mars.py", "Apache-2.0", 3, true,
                    (ps, g, h) -> {
                        double lr = h.getDouble("lr", 3e-3);
                        double[] b = betas(h, 0.95, 0.99);
                        if (!h.getBool("is_approx", true)) {
                            throw new IllegalArgumentException("is_approx must be true: exact MARS needs a second gradient per step, which a gradient transformation cannot take");
                        }
                        double[] b1d = pair(h, "betas_1d", 0.9, 0.95);
                        var oneD = new Mars.OneD(h.getBool("optimize_1d", false), h.getDouble("lr_1d", 3e-3), b1d[0], b1d[1],
                                h.getDouble("weight_decay_1d", 0.1));
                        var tx = Mars.mars(type, lr, b[0], b[1], h.getDouble("eps", 1e-8), h.getDouble("weight_decay", 0),
                                h.getDouble("gamma", 0.025), h.getBool("amsgrad", false), oneD);
                        return new TransformOptimizer(name, ps, g, tx, "lr");
                    }));
        }
        r.add(new OptimizerInfo("xgrad", "gradients at weights predicted s steps ahead by the base optimizer (XGrad)",
                "Guan, Li, Shi, Meng, \"XGrad: Boosting Gradient-Based Optimizers With Weight Prediction\", arXiv 2305.18240",
                "paper only (guanleics/XGrad announced; not available); design documented in XGrad", "n/a", 3, false,
                (ps, g, h) -> {
                    String base = h.getString("base", "adamw");
                    double lr = h.getDouble("lr", 1e-3);
                    GradientTransformation b = switch (base) {
                        case "adamw" -> {
                            double[] bt = betas(h, 0.9, 0.999);
                            yield Adam.adamw(lr, bt[0], bt[1], h.getDouble("eps", 1e-8), h.getDouble("weight_decay", 1e-2), p -> true);
                        }
                        case "adam" -> {
                            double[] bt = betas(h, 0.9, 0.999);
                            // torch.optim.Adam: weight_decay is L2, added to the gradient before the moments.
                            yield Transforms.chain(Transforms.addDecayedWeights(h.getDouble("weight_decay", 0), p -> true),
                                    Adam.scaleByAdam(bt[0], bt[1], h.getDouble("eps", 1e-8), false), Transforms.scaleByLearningRate(lr));
                        }
                        case "sgdm" -> Transforms.chain(Transforms.addDecayedWeights(h.getDouble("weight_decay", 0), p -> true),
                                Transforms.trace(h.getDouble("momentum", 0.9), false), Transforms.scaleByLearningRate(lr));
                        default -> throw new IllegalArgumentException("base must be one of adamw, adam, sgdm, got '" + base + "'");
                    };
                    var tx = XGrad.xgrad(b, h.getDouble("prediction_steps", 1));
                    return new TransformOptimizer("xgrad", ps, g, tx, "lr");
                }));
        r.add(new OptimizerInfo("adaptive_braking", "SGD with momentum, gradient scaled by 1 − ρ·cos(gradient, velocity) (Adaptive Braking)",
                "Venigalla, Kosson, Chiley, Köster, \"Adaptive Braking for Mitigating Gradient Delay\", arXiv 2007.01397",
                "paper abstract only (no public code); design documented in AdaptiveBraking", "n/a", 1, false,
                (ps, g, h) -> {
                    var tx = AdaptiveBraking.sgdm(h.getDouble("lr", 0.1), h.getDouble("momentum", 0.9), h.getDouble("rho", 1.0),
                            h.getDouble("weight_decay", 0));
                    return new TransformOptimizer("adaptive_braking", ps, g, tx, "lr");
                }));
        r.add(new OptimizerInfo("adamw_layerwise", "AdamW with width-transfer multipliers: matrix-like lr/m and decay·m, vector-like lr and no decay",
                "\"Robust Layerwise Scaling Rules by Proper Weight Decay Tuning\" (2025)",
                "paper abstract (seed 002); AdamW as torch.optim.AdamW; design documented in LayerwiseScaling", "n/a", 2, true,
                (ps, g, h) -> {
                    double lr = h.getDouble("lr", 1e-3);
                    double[] b = betas(h, 0.9, 0.999);
                    var rule = new LayerwiseScaling(h.getDouble("width_mult", 1.0));
                    var tx = rule.adamw(lr, b[0], b[1], h.getDouble("eps", 1e-8), h.getDouble("weight_decay", 1e-2));
                    return new TransformOptimizer("adamw_layerwise", ps, g, tx, "lr");
                }));
    }

    /** β₁, β₂ from {@code betas=…} (or {@code beta1}/{@code beta2}), checked here so the message names the key given. */
    static double[] betas(HyperParams h, double b1, double b2) {
        double[] b = h.getBetas(b1, b2);
        Map<String, String> given = h.asMap();
        boolean pair = given.containsKey("betas");
        checkBeta(pair ? "betas" : "beta1", b[0]);
        checkBeta(pair ? "betas" : "beta2", b[1]);
        return b;
    }

    /** A pair like {@code betas_1d=0.9,0.95}. */
    static double[] pair(HyperParams h, String key, double a, double b) {
        String v = h.getString(key, null);
        if (v == null) return new double[] {a, b};
        String[] parts = v.replace("(", "").replace(")", "").replace("[", "").replace("]", "").split(",");
        double[] out = new double[2];
        try {
            if (parts.length != 2) throw new NumberFormatException();
            out[0] = Double.parseDouble(parts[0].trim());
            out[1] = Double.parseDouble(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be two numbers like 0.9,0.95, got '" + v + "'");
        }
        checkBeta(key, out[0]);
        checkBeta(key, out[1]);
        return out;
    }

    private static void checkBeta(String key, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(key + " must be in [0, 1), got " + v);
    }
}
