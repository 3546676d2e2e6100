package dev.descent.optim;

import java.util.Locale;

/**
 * The matrix-aware optimizers in the registry: {@code muon} ({@link Muon}), {@code auon} ({@link Auon}),
 * {@code hybrid_auon} ({@link HybridAuon}), {@code reg} ({@link Reg}) — each on hidden matrices with AdamW
 * for the rest ({@link MatrixHybrid}) — and {@code sign_descent}, {@code spectral_descent}
 * ({@link SteepestDescent}) on every parameter. Matrix-branch hyperparameters: {@code lr},
 * {@code momentum}, {@code nesterov}, {@code weight_decay}, and each method's own.
 */
public final class MatrixOptimizers implements OptimizerFamily {
    public MatrixOptimizers() {}

    private static final String MUON_REF = "KellerJordan/Muon @ 857d1adc (muon.py: muon_update, MuonWithAuxAdam)";
    private static final String AUON_REF = "ryyzn9/AuON @ bba2e822 (auon/optimizer.py); paper variant by default";

    @Override
    public void register(OptimizerRegistry registry) {
        registry.add(new OptimizerInfo("muon",
                "Muon: momentum orthogonalised by Newton-Schulz on hidden matrices, AdamW for the rest",
                "K. Jordan et al., Muon: An optimizer for hidden layers in neural networks (2024)",
                MUON_REF, "MIT", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 0.02);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    int ns = h.getInt("ns_steps", 5);
                    boolean nest = h.getBool("nesterov", true);
                    GradientTransformation tx = MatrixHybrid.hybrid("muon", Muon.muon(lr, mom, nest, ns, wd), MatrixHybrid.auxAdamW(h));
                    return new TransformOptimizer("muon", params, grads, tx, "muon.lr.lr");
                }));
        registry.add(new OptimizerInfo("auon",
                "AuON: momentum normalised and cosh-RMS scaled (linear time), AdamW for the rest; variant=paper|code",
                "D. Maity, AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates, arXiv 2509.24320",
                AUON_REF, "see repository", 1, true,
                (params, grads, h) -> {
                    boolean code = variant(h);
                    double lr = h.getDouble("lr", code ? 0.24 : 0.055);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    boolean nest = h.getBool("nesterov", true);
                    double gamma = h.getDouble("gamma", 1.5);
                    GradientTransformation m = MatrixMomentum.matrixBranch(Auon.scaleByAuon(mom, nest, code, gamma), wd, lr);
                    return new TransformOptimizer("auon", params, grads, MatrixHybrid.hybrid("auon", m, MatrixHybrid.auxAdamW(h)), "auon.lr.lr");
                }));
        registry.add(new OptimizerInfo("hybrid_auon",
                "Hybrid-AuON: Newton-Schulz (1 step, paper) then the cosh-RMS brake, AdamW for the rest; variant=paper|code",
                "D. Maity, AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates, arXiv 2509.24320, §3.2",
                AUON_REF, "see repository", 1, true,
                (params, grads, h) -> {
                    boolean code = variant(h);
                    double lr = h.getDouble("lr", code ? 0.24 : 0.055);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    boolean nest = h.getBool("nesterov", true);
                    int ns = h.getInt("ns_steps", code ? 5 : 1);
                    double gamma = h.getDouble("gamma", 1.5);
                    String rForm = h.getString("r_form", "sqrt").toLowerCase(Locale.ROOT);
                    if (!rForm.equals("sqrt") && !rForm.equals("square")) {
                        throw new IllegalArgumentException("r_form must be sqrt or square, got '" + rForm + "'");
                    }
                    GradientTransformation m = MatrixMomentum.matrixBranch(HybridAuon.scaleByHybridAuon(mom, nest, ns, code, gamma, rForm.equals("sqrt")), wd, lr);
                    return new TransformOptimizer("hybrid_auon", params, grads, MatrixHybrid.hybrid("hybrid_auon", m, MatrixHybrid.auxAdamW(h)), "hybrid_auon.lr.lr");
                }));
        registry.add(new OptimizerInfo("reg",
                "REG: Muon with the matrix sign replaced by row-and-column scaling (RACS), AdamW for the rest",
                "Z. Liu et al., REG: A Regularization Optimizer for Robust Training Dynamics, arXiv 2510.03691",
                "none (inferred from the abstract; RACS = Sinkhorn-style row/column RMS balancing)", "n/a", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 3e-4);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    boolean nest = h.getBool("nesterov", true);
                    String mode = h.getString("racs", "sinkhorn").toLowerCase(Locale.ROOT);
                    if (!mode.equals("sinkhorn") && !mode.equals("factored")) {
                        throw new IllegalArgumentException("racs must be sinkhorn or factored, got '" + mode + "'");
                    }
                    int iters = h.getInt("racs_iters", 5);
                    double eps = h.getDouble("racs_eps", 1e-8);
                    GradientTransformation m = MatrixMomentum.matrixBranch(Reg.scaleByReg(mom, nest, mode.equals("factored"), iters, eps), wd, lr);
                    return new TransformOptimizer("reg", params, grads, MatrixHybrid.hybrid("reg", m, MatrixHybrid.auxAdamW(h)), "reg.lr.lr");
                }));
        registry.add(new OptimizerInfo("sign_descent",
                "steepest descent under the l-infinity norm: theta <- theta - lr*sign(m), optional momentum",
                "J. Bernstein, L. Newhouse, Old Optimizer, New Norm: An Anthology, arXiv 2409.20325",
                "none (signSGD / signum update rule; sign(0) = 0)", "n/a", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 1e-3);
                    double mom = h.getDouble("momentum", 0.0);
                    boolean nest = h.getBool("nesterov", false);
                    double wd = h.getDouble("weight_decay", 0.0);
                    return new TransformOptimizer("sign_descent", params, grads, MatrixMomentum.matrixBranch(SteepestDescent.scaleBySign(mom, nest), wd, lr), "lr.lr");
                }));
        registry.add(new OptimizerInfo("spectral_descent",
                "steepest descent under the spectral norm: theta <- theta - lr*||G||_nuclear*U V^T (scale=nuclear|none)",
                "J. Bernstein, L. Newhouse, Old Optimizer, New Norm: An Anthology, arXiv 2409.20325",
                "none (exact polar factor by float64 SVD)", "n/a", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 0.01);
                    double mom = h.getDouble("momentum", 0.0);
                    boolean nest = h.getBool("nesterov", false);
                    double wd = h.getDouble("weight_decay", 0.0);
                    String scale = h.getString("scale", "nuclear").toLowerCase(Locale.ROOT);
                    if (!scale.equals("nuclear") && !scale.equals("none")) {
                        throw new IllegalArgumentException("scale must be nuclear or none, got '" + scale + "'");
                    }
                    return new TransformOptimizer("spectral_descent", params, grads,
                            MatrixMomentum.matrixBranch(SteepestDescent.scaleBySpectral(mom, nest, scale.equals("nuclear")), wd, lr), "lr.lr");
                }));
    }

    private static boolean variant(HyperParams h) {
        String v = h.getString("variant", "paper").toLowerCase(Locale.ROOT);
        if (v.equals("paper")) return false;
        if (v.equals("code")) return true;
        throw new IllegalArgumentException("variant must be paper or code, got '" + v + "'");
    }
}
