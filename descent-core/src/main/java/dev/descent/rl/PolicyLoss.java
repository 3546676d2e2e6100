package dev.descent.rl;

import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;

/**
 * The clipped policy-gradient loss of GRPO and its variants with an optional k3 KL penalty, following
 * TRL's {@code GRPOTrainer._compute_loss} (huggingface/trl @ f2cd57710ae345ea6428ae95363267fcf38a3dc8,
 * token-level importance sampling, one process, no gradient accumulation). With the current policy's
 * log-probabilities {@code lp}, the sampler's {@code old}, the reference's {@code ref}, advantage
 * {@code A_b} of completion b (or A_bt of each token: PPO's GAE advantages, as verl's
 * {@code compute_policy_loss} takes them), mask {@code m} and policy mask {@code e} (all ones unless the
 * high-entropy selection is on):
 * <pre>
 *   r_bt  = exp(lp_bt − old_bt)
 *   ℓ_bt  = −min(r_bt A_b, clip(r_bt, 1 − ε_low, 1 + ε_high) A_b) · e_bt + β k3_bt
 *   k3_bt = exp(ref_bt − lp_bt) − (ref_bt − lp_bt) − 1        (Schulman's k3 estimate of KL(π‖π_ref))
 *   L     = the reduction of ℓ over the mask given by {@link PolicyLossType}
 * </pre>
 * Gradient with respect to {@code lp} (c_bt is the reduction's coefficient of token bt):
 * <pre>
 *   ∂L/∂lp_bt = c_bt [ −A_b r_bt e_bt · [not clipped] + β (1 − exp(ref_bt − lp_bt)) ]
 * </pre>
 * where a token is clipped when r &lt; 1 − ε_low and A &lt; 0, or r &gt; 1 + ε_high and A &gt; 0: the
 * min then picks the constant clipped term (PyTorch's min gives each side half the gradient on a
 * tie, which happens only when both terms are the same function of r, so the sum is the same).
 * Masked tokens contribute nothing. Values are computed in double precision. With
 * {@link PolicyLossConfig#dynamicClip} the bounds are DCPO's per-token ones with its dual clip
 * ({@link DcpoClip}); loss types PACS and GTPO are their own losses ({@link PacsLoss}, {@link GtpoLoss}).
 */
public final class PolicyLoss {
    private PolicyLoss() {}

    /**
     * The loss, its gradient with respect to the log-probabilities and the logged statistics.
     *
     * @param loss     L
     * @param grad     ∂L/∂lp, {@code [B, T]} row-major
     * @param clip     the clip fractions TRL logs
     * @param kl       the masked mean of k3 over the unmasked tokens (TRL's {@code kl}); NaN when β = 0
     *                 and no reference was given
     */
    public record Result(double loss, double[] grad, ClipFractions clip, double kl) {}

    /** Evaluates the loss at {@code logprobs} ({@code [B, T]}) for the batch's fixed inputs. */
    public static Result evaluate(PolicyLossConfig cfg, PolicyBatch in, float[] logprobs) {
        if (cfg.type() == PolicyLossType.PACS) return PacsLoss.evaluate(cfg, in, logprobs);
        if (cfg.type() == PolicyLossType.GTPO) return GtpoLoss.evaluate(cfg, in, logprobs);
        int bsz = in.batch();
        int t = in.length();
        int n = bsz * t;
        PolicyBatch.requireLength("logprobs", logprobs, n);
        PolicyBatch.requireFinite("logprobs", logprobs);
        if (cfg.beta() != 0 && in.refLogprobs() == null) throw new IllegalArgumentException("beta = " + cfg.beta() + " needs ref_logprobs");
        double[] coef = reductionCoefficients(cfg, in);
        double lo = 1 - cfg.epsilonLow();
        double hi = 1 + cfg.epsilonHigh();
        double loss = 0;
        double[] grad = new double[n];
        double maskSum = in.maskSum();
        double lowCount = 0, highCount = 0, klSum = 0;
        double lowMin = Double.NaN, highMax = Double.NaN;
        for (int b = 0; b < bsz; b++) {
            double seqTokens = 0, seqLow = 0, seqHigh = 0;
            for (int j = 0; j < t; j++) {
                int i = b * t + j;
                if (in.mask()[i] == 0f) continue;
                double a = in.advantage(b, j);
                double r = Math.exp((double) logprobs[i] - in.oldLogprobs()[i]);
                double e = in.policyMask() == null ? 1 : in.policyMask()[i];
                boolean low, high;
                double term, dTerm;
                if (cfg.dynamicClip()) {
                    double q = Math.exp((double) in.oldLogprobs()[i]);
                    double l = DcpoClip.low(q, cfg.epsilonLow()), h = DcpoClip.high(q, cfg.epsilonHigh(), cfg.dynamicClipC());
                    double clipped = Math.min(Math.max(r, l), h);
                    low = r < l && a < 0;
                    high = r > h && a > 0;
                    boolean dual = a < 0 && r > cfg.dynamicClipC();
                    term = Math.max(-a * r, -a * clipped);
                    if (a < 0) term = Math.min(-a * cfg.dynamicClipC(), term);
                    term *= e;
                    dTerm = low || high || dual ? 0 : -a * r * e;
                } else {
                    double clipped = Math.min(Math.max(r, lo), hi);
                    low = r < lo && a < 0;
                    high = r > hi && a > 0;
                    term = -Math.min(r * a, clipped * a) * e;
                    dTerm = low || high ? 0 : -a * r * e;
                }
                if (in.refLogprobs() != null) {
                    double d = (double) in.refLogprobs()[i] - logprobs[i];
                    double k3 = Math.exp(d) - d - 1;
                    klSum += k3;
                    if (cfg.beta() != 0) {
                        term += cfg.beta() * k3;
                        dTerm += cfg.beta() * (1 - Math.exp(d));
                    }
                }
                loss += coef[b] * term;
                grad[i] = coef[b] * dTerm;
                seqTokens++;
                if (low) seqLow++;
                if (high) seqHigh++;
            }
            lowCount += seqLow;
            highCount += seqHigh;
            if (seqTokens > 0) {
                lowMin = Double.isNaN(lowMin) ? seqLow / seqTokens : Math.min(lowMin, seqLow / seqTokens);
                highMax = Double.isNaN(highMax) ? seqHigh / seqTokens : Math.max(highMax, seqHigh / seqTokens);
            }
        }
        double denom = Math.max(1, maskSum);
        // low and high exclude each other (A cannot be both negative and positive), so region is their sum
        ClipFractions clip = new ClipFractions(lowCount / denom, highCount / denom, (lowCount + highCount) / denom, lowMin, highMax);
        double kl = in.refLogprobs() == null ? Double.NaN : klSum / denom;
        return new Result(loss, grad, clip, kl);
    }

    /**
     * The loss as an autograd operation on the log-probabilities {@code [B, T]} (e.g. from
     * {@code SequenceLogProbs.of}); its backward adds {@code g · ∂L/∂lp} to their gradient.
     */
    public static Variable apply(PolicyLossConfig cfg, PolicyBatch in, Variable logprobs) {
        Tensor v = logprobs.value();
        if (v.size() != in.batch() * in.length()) {
            throw new IllegalArgumentException("logprobs must have " + in.batch() * in.length() + " values ([B, T]), got " + v.size());
        }
        float[] lp = new float[v.size()];
        System.arraycopy(v.data(), v.offset(), lp, 0, lp.length);
        Result r = evaluate(cfg, in, lp);
        return Variable.result(Tensor.scalar((float) r.loss()), g -> {
            float gv = g.get(0);
            Tensor lg = logprobs.gradForUpdate();
            for (int i = 0; i < lp.length; i++) lg.data()[lg.offset() + i] += (float) (gv * r.grad()[i]);
        }, logprobs);
    }

    /** c_b: the weight of a token of sequence b in the reduction (the same for all tokens of b). */
    static double[] reductionCoefficients(PolicyLossConfig cfg, PolicyBatch in) {
        int bsz = in.batch();
        int t = in.length();
        double[] coef = new double[bsz];
        for (int b = 0; b < bsz; b++) {
            coef[b] = switch (cfg.type()) {
                case GRPO -> {
                    double len = 0;
                    for (int j = 0; j < t; j++) len += in.mask()[b * t + j];
                    yield 1.0 / (Math.max(1, len) * bsz);
                }
                case BNPO -> 1.0 / Math.max(1, in.maskSum());
                case DR_GRPO -> 1.0 / ((double) bsz * (cfg.maxCompletionLength() > 0 ? cfg.maxCompletionLength() : t));
                case DAPO -> 1.0 / Math.max(1, cfg.globalTokens() > 0 ? cfg.globalTokens() : in.maskSum());
                case PACS, GTPO -> throw new IllegalArgumentException("loss type " + cfg.type().key() + " has its own reduction");
            };
        }
        return coef;
    }
}
