package dev.descent.optim;

import dev.descent.optim.problems.Problem;
import dev.descent.tensor.Philox;

/**
 * The Gauss–Newton–Bartlett (GNB) estimator of the diagonal of the Gauss–Newton matrix (the
 * curvature estimate of SophiaG; Liu et al., "Sophia", ICLR 2024): ĥ = B · ĝ ⊙ ĝ, where ĝ is the
 * gradient of the loss at labels ŷ sampled from the model's own predictive distribution and B is
 * the number of independent sampled terms the loss averages.
 *
 * <p>Why it is unbiased: for a per-example negative log-likelihood ℓ(θ; y) = −log p(y | f(θ)) with
 * ŷ ~ p(· | f(θ)), the score has mean zero and the Bartlett identity gives
 * E[∇ℓ ∇ℓᵀ] = Jᵀ ∇²_f ℓ J, the Gauss–Newton matrix. For a mean over B independent terms the
 * cross terms vanish, so E[B ĝ ĝᵀ] is the Gauss–Newton matrix of the mean loss. For a least-squares
 * loss f = ½ Σ r_j² (a Gaussian likelihood with unit variance) ĝ = Jᵀ ε with ε ~ N(0, I) and
 * E[(Jᵀε)(Jᵀε)ᵀ] = JᵀJ, with B = 1 since the loss sums its residuals ({@link #forLeastSquares}).
 *
 * <p>The SophiaG reference code keeps the EMA of ĝ ⊙ ĝ and applies B as the {@code bs} of its
 * step; here B is part of the estimate and {@link Sophia#scaleBySophiaG} takes {@code bs = 1}
 * (see there).
 */
public final class GaussNewtonBartlettEstimator implements CurvatureEstimator {
    private final int size;
    private final SampledLabelGradient gradient;

    /**
     * @param size     length of the model's flat parameter buffer
     * @param gradient the sampled-label gradient (see {@link SampledLabelGradient}); for a language
     *                 model, {@code dev.descent.train.SophiaSupport.gaussNewtonBartlett} builds it
     */
    public GaussNewtonBartlettEstimator(int size, SampledLabelGradient gradient) {
        Hyper.positiveCount("size", size);
        this.size = size;
        this.gradient = java.util.Objects.requireNonNull(gradient, "gradient");
    }

    /**
     * The GNB estimator of a least-squares problem f = ½ Σ r_j²: ĝ = Jᵀε with ε ~ N(0, I) drawn from
     * {@code stream(seed, "gnb").derive(step)}, B = 1; E[ĥ] = diag(JᵀJ).
     */
    public static GaussNewtonBartlettEstimator forLeastSquares(Problem problem, long seed) {
        float[] eps = new float[problem.residuals()];
        Philox stream = Philox.stream(seed, "gnb");
        return new GaussNewtonBartlettEstimator(problem.start().length, (params, out, step) -> {
            stream.derive(step).fillGaussian(eps, 0, eps.length, 0);
            problem.jacobianTransposeTimes(params, eps, out);
            return 1;
        });
    }

    @Override
    public void estimate(float[] params, float[] out, long step) {
        if (params.length != size || out.length != size) {
            throw new IllegalArgumentException("estimator built for " + size + " parameters, got params " + params.length + ", out " + out.length);
        }
        int b = gradient.gradient(params, out, step);
        if (b <= 0) throw new IllegalStateException("the sampled-label gradient reported batch size " + b + "; it must be positive");
        float scale = b;
        for (int i = 0; i < size; i++) out[i] = scale * out[i] * out[i];
    }
}
