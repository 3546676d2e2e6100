package dev.descent.optim;

/**
 * The matrix-aware optimizers in the registry: {@code muon} ({@link Muon}), {@code auon} ({@link Auon}),
 * {@code hybrid_auon} ({@link HybridAuon}), {@code reg} ({@link Reg}) — each on hidden matrices with AdamW
 * for the rest ({@link MatrixHybrid}) — and {@code sign_descent}, {@code spectral_descent}
 * ({@link SteepestDescent}) on every parameter. Matrix-branch hyperparameters: {@code lr},
 * {@code momentum}, {@code nesterov}, {@code weight_decay}, and each method's own; each optimizer takes
 * its record ({@link MuonHyper}, {@link AuonHyper}, {@link HybridAuonHyper}, {@link RegHyper},
 * {@link SignDescentHyper}, {@link SpectralDescentHyper}).
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
                OptimizerFactory.of(MuonHyper.SPEC, (params, grads, h) -> hybrid("muon", params, grads,
                        Muon.muon(h.lr(), h.momentum(), h.nesterov(), h.nsSteps(), h.weightDecay()), h.adamw()))));
        registry.add(new OptimizerInfo("auon",
                "AuON: momentum normalised and cosh-RMS scaled (linear time), AdamW for the rest; variant=paper|code",
                "D. Maity, AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates, arXiv 2509.24320",
                AUON_REF, "see repository", 1, true,
                OptimizerFactory.of(AuonHyper.SPEC, (params, grads, h) -> hybrid("auon", params, grads, MatrixMomentum.matrixBranch(
                        Auon.scaleByAuon(h.momentum(), h.nesterov(), h.variant() == AuonHyper.Variant.CODE, h.gamma()), h.weightDecay(), h.lr()),
                        h.adamw()))));
        registry.add(new OptimizerInfo("hybrid_auon",
                "Hybrid-AuON: Newton-Schulz (1 step, paper) then the cosh-RMS brake, AdamW for the rest; variant=paper|code",
                "D. Maity, AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates, arXiv 2509.24320, §3.2",
                AUON_REF, "see repository", 1, true,
                OptimizerFactory.of(HybridAuonHyper.SPEC, (params, grads, h) -> hybrid("hybrid_auon", params, grads, MatrixMomentum.matrixBranch(
                        HybridAuon.scaleByHybridAuon(h.momentum(), h.nesterov(), h.nsSteps(), h.variant() == AuonHyper.Variant.CODE, h.gamma(),
                                h.rForm() == HybridAuonHyper.RForm.SQRT), h.weightDecay(), h.lr()), h.adamw()))));
        registry.add(new OptimizerInfo("reg",
                "REG: Muon with the matrix sign replaced by row-and-column scaling (RACS), AdamW for the rest",
                "Z. Liu et al., REG: A Regularization Optimizer for Robust Training Dynamics, arXiv 2510.03691",
                "none (inferred from the abstract; RACS = Sinkhorn-style row/column RMS balancing)", "n/a", 1, true,
                OptimizerFactory.of(RegHyper.SPEC, (params, grads, h) -> hybrid("reg", params, grads, MatrixMomentum.matrixBranch(
                        Reg.scaleByReg(h.momentum(), h.nesterov(), h.racs() == RegHyper.Racs.FACTORED, h.racsIters(), h.racsEps()),
                        h.weightDecay(), h.lr()), h.adamw()))));
        registry.add(new OptimizerInfo("sign_descent",
                "steepest descent under the l-infinity norm: theta <- theta - lr*sign(m), optional momentum",
                "J. Bernstein, L. Newhouse, Old Optimizer, New Norm: An Anthology, arXiv 2409.20325",
                "none (signSGD / signum update rule; sign(0) = 0)", "n/a", 1, true,
                OptimizerFactory.of(SignDescentHyper.SPEC, (params, grads, h) -> new TransformOptimizer("sign_descent", params, grads,
                        MatrixMomentum.matrixBranch(SteepestDescent.scaleBySign(h.momentum(), h.nesterov()), h.weightDecay(), h.lr())))));
        registry.add(new OptimizerInfo("spectral_descent",
                "steepest descent under the spectral norm: theta <- theta - lr*||G||_nuclear*U V^T (scale=nuclear|none)",
                "J. Bernstein, L. Newhouse, Old Optimizer, New Norm: An Anthology, arXiv 2409.20325",
                "none (exact polar factor by float64 SVD)", "n/a", 1, true,
                OptimizerFactory.of(SpectralDescentHyper.SPEC, (params, grads, h) -> new TransformOptimizer("spectral_descent", params, grads,
                        MatrixMomentum.matrixBranch(SteepestDescent.scaleBySpectral(h.momentum(), h.nesterov(),
                                h.scale() == SpectralDescentHyper.Scale.NUCLEAR), h.weightDecay(), h.lr())))));
    }

    /** Hidden matrices → {@code matrixBranch} under {@code label}, the rest → the aux AdamW; η shown is the matrix branch's. */
    private static Optimizer hybrid(String label, ParamSet params, float[] grads, GradientTransformation matrixBranch, AuxAdamWHyper adamw) {
        return new TransformOptimizer(label, params, grads, MatrixHybrid.hybrid(label, matrixBranch, MatrixHybrid.auxAdamW(adamw)));
    }
}
