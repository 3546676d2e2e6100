package dev.descent.rl;

import dev.descent.autograd.Variable;

/**
 * REDI, reinforcement distillation from positive and negative teacher traces (Xu et al. 2025,
 * "Harnessing Negative Signals: Reinforcement Distillation from Teacher Data for LLM Reasoning",
 * arXiv 2505.24850), stage 2's reference-free asymmetric objective as its authors' code computes it
 * (Tim-Siu/reinforcement-distillation @ dda07d22b0d21b5dbd42e37bbb556d9c66999095,
 * {@code trl/trl/trainer/dpo2_trainer.py}, {@code dpo_loss} with {@code loss_type="reinforce"};
 * coefficients from {@code dpo2_config.py} and the recipe {@code experiments_trl/recipes/redi/redi_1_08_1e-6}).
 * For a pair of a correct (y_w) and an incorrect (y_l) trace of the same prompt, with log π(y|x) summed over the
 * completion's |y| tokens (lengths clamped to ≥ 1):
 * <pre>
 *   ℓ(x, y_w, y_l) = −c_w · log π(y_w|x)/|y_w|  +  c_l · log π(y_l|x)/|y_l|,    L = mean over the pairs
 * </pre>
 * c_w = 1 ({@code reinforce_chosen_coef}) and c_l = α = 0.8 in the published recipe
 * ({@code reinforce_rejected_coef}; the config's default is 1). The asymmetry α &lt; 1 damps the
 * unbounded push-down of the negatives, which the authors found necessary for stable training.
 *
 * <p>As weighted SFT: with ℓ_b the mean token cross-entropy of sequence b, ℓ = c_w ℓ_w − c_l ℓ_l, so
 * a batch of P pairs laid out as B = 2P sequences is {@link WeightedSft#loss} with
 * {@code SEQUENCE_MEAN} and weights 2·c_w on the positives and −2·c_l on the negatives (the 2 turns
 * WeightedSft's 1/B into REDI's 1/P). Not included: the code's optional negative re-weighting
 * exp(γ · log π(y_l|x)/|y_l|) ({@code use_neg_weighting}, off in the recipe).
 */
public final class Redi {
    private Redi() {}

    /** The published recipe's coefficient of the negatives. */
    public static final double ALPHA = 0.8;

    /** REDI on one pair from its summed log-probabilities and lengths. */
    public static double pairLoss(double logProbPositive, int lengthPositive, double logProbNegative, int lengthNegative, double chosenCoef,
                                  double rejectedCoef) {
        return -chosenCoef * logProbPositive / Math.max(1, lengthPositive) + rejectedCoef * logProbNegative / Math.max(1, lengthNegative);
    }

    /**
     * The sequence weights that make {@link WeightedSft#loss} ({@code SEQUENCE_MEAN}) REDI's loss on a
     * batch of pairs: {@code positive[b]} says whether sequence b is a correct trace; there must be as
     * many correct as incorrect ones.
     */
    public static double[] weights(boolean[] positive, double chosenCoef, double rejectedCoef) {
        int pos = 0;
        for (boolean p : positive) if (p) pos++;
        if (positive.length == 0 || 2 * pos != positive.length) {
            throw new IllegalArgumentException("REDI needs pairs: as many positive as negative traces, got " + pos + " positive of " + positive.length);
        }
        if (!(chosenCoef >= 0) || !(rejectedCoef >= 0)) {
            throw new IllegalArgumentException("REDI's coefficients must be >= 0, got chosen " + chosenCoef + " and rejected " + rejectedCoef);
        }
        double[] w = new double[positive.length];
        for (int b = 0; b < w.length; b++) w[b] = positive[b] ? 2 * chosenCoef : -2 * rejectedCoef;
        return w;
    }

    /** REDI's loss on logits {@code [B·T, V]}, targets and 0/1 completion mask {@code [B, T]}, as weighted SFT. */
    public static Variable loss(Variable logits, int[] targets, float[] mask, boolean[] positive, double chosenCoef, double rejectedCoef) {
        return WeightedSft.loss(logits, targets, mask, weights(positive, chosenCoef, rejectedCoef), positive.length, WeightedSft.Normalisation.SEQUENCE_MEAN);
    }
}
