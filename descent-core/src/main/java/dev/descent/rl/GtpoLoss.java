package dev.descent.rl;

/**
 * GTPO's policy loss (Simoni et al. 2025, "GTPO: Trajectory-Based Policy Optimization in Large
 * Language Models", arXiv 2508.03772; code winstonsmith1897/GTPO @
 * 5d33811e8ea1cf76c665db65b247cef9d1e436dd, {@code gtpo/gtpo_training.py}, {@code gtpo_compute_loss}
 * and {@code UnslothEfficientGTPO}): an unclipped policy gradient in which each token carries GTPO's
 * weight ω_bt = δ_bt / max(1, n_conflict_b) ({@link Gtpo#tokenWeights}) and each completion its
 * entropy-shaped advantage Â_b ({@link Gtpo#shapeAdvantages}); with n_b the completion's tokens and
 * r = exp(lp − old):
 * <pre>
 *   L = Σ_b (1/n_b) Σ_t m_bt ω_bt (−Â_b r_bt)          ∂L/∂lp_bt = −Â_b ω_bt r_bt m_bt / n_b
 * </pre>
 * The sum over completions (not a mean) is the reference's: it accumulates one loss per completion.
 * The reference's ratio is exp(lp − lp.detach()) (value 1, on-policy, μ = 1); here it is
 * exp(lp − old), the same when μ = 1 and the importance ratio when μ &gt; 1 (a choice: the
 * reference has no μ &gt; 1). No clip and no reference model: β ≠ 0 is refused, as GTPO drops the KL term.
 */
public final class GtpoLoss {
    private GtpoLoss() {}

    static PolicyLoss.Result evaluate(PolicyLossConfig cfg, PolicyBatch in, float[] logprobs) {
        int bsz = in.batch(), t = in.length();
        PolicyBatch.requireLength("logprobs", logprobs, bsz * t);
        PolicyBatch.requireFinite("logprobs", logprobs);
        if (cfg.beta() != 0) throw new IllegalArgumentException("loss type gtpo has no reference model; beta must be 0, got " + cfg.beta());
        double loss = 0;
        double[] grad = new double[bsz * t];
        for (int b = 0; b < bsz; b++) {
            double n = 0;
            for (int j = 0; j < t; j++) n += in.mask()[b * t + j];
            double coef = 1 / Math.max(1, n);
            for (int j = 0; j < t; j++) {
                int i = b * t + j;
                if (in.mask()[i] == 0f) continue;
                double w = in.tokenWeights() == null ? 1 : in.tokenWeights()[i];
                double e = in.policyMask() == null ? 1 : in.policyMask()[i];
                double a = in.advantage(b, j);
                double r = Math.exp((double) logprobs[i] - in.oldLogprobs()[i]);
                loss += coef * -a * w * r * e;
                grad[i] = coef * -a * w * r * e;
            }
        }
        return new PolicyLoss.Result(loss, grad, new ClipFractions(0, 0, 0, 0, 0), Double.NaN);
    }
}
