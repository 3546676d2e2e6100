package dev.descent.rl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BOLT's prompt-normalised Boltzmann weights over responses sampled once from a reference policy
 * (the specification derived from the abstract, {@code specs/12d_bolt.md}). The target is the
 * KL-regularised optimum π*(y|x) = π_ref(y|x) exp(r(x, y)/β) / Z(x); for the N stored responses of
 * one prompt with rewards r_i,
 * <pre>
 *   w_i   = exp(r_i/β) / Ẑ(x),   Ẑ(x) = (1/N) Σ_j exp(r_j/β)     (so (1/N) Σ_i w_i = 1; computed with the max subtracted)
 *   ESS   = (Σ_i w_i)² / Σ_i w_i²  ∈ [1, N]
 *   price = β · log(1 / π*(S_N|x)),   π*(S_N|x) = Σ_{distinct y ∈ S_N} π_ref(y|x) exp(r(x, y)/β) / Ẑ(x)
 *   L(θ)  = −mean_x (1/N) Σ_i w_i · log π_θ(y_i|x)
 * </pre>
 * The stored-support price plugs in Ẑ for Z, a biased estimate (Jensen: E[log Ẑ] ≤ log Z): it is the
 * part of the target's mass the stored responses cannot represent, in reward units. Whether
 * log π_θ(y|x) is the token sum (the spec's default) or the token mean is the caller's choice; the
 * weights do not depend on it.
 */
public final class BoltzmannWeights {
    private BoltzmannWeights() {}

    /** w_i for one prompt's rewards at temperature β > 0. */
    public static double[] weights(double[] rewards, double beta) {
        requireBeta(beta);
        if (rewards.length == 0) throw new IllegalArgumentException("a prompt needs at least one response");
        double max = Double.NEGATIVE_INFINITY;
        for (double r : rewards) {
            if (!Double.isFinite(r)) throw new IllegalArgumentException("rewards must be finite, got " + r);
            max = Math.max(max, r / beta);
        }
        double[] e = new double[rewards.length];
        double sum = 0;
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.exp(rewards[i] / beta - max);
            sum += e[i];
        }
        double zHat = sum / e.length;
        for (int i = 0; i < e.length; i++) e[i] /= zHat;
        return e;
    }

    /** The effective sample size (Σ w)² / Σ w² of one prompt's weights. */
    public static double effectiveSampleSize(double[] w) {
        double s = 0, s2 = 0;
        for (double v : w) {
            s += v;
            s2 += v * v;
        }
        return s * s / s2;
    }

    /**
     * β · log(1/π*(S_N|x)) for one prompt: {@code responses} identify the samples (equal strings are
     * one response, counted once), {@code refLogProbs} are log π_ref(y_i|x) (sequence totals).
     */
    public static double storedSupportPrice(List<String> responses, double[] refLogProbs, double[] rewards, double beta) {
        requireBeta(beta);
        int n = rewards.length;
        if (responses.size() != n || refLogProbs.length != n) {
            throw new IllegalArgumentException("responses, ref log-probabilities and rewards differ in length: " + responses.size() + ", " + refLogProbs.length + ", " + n);
        }
        // log Ẑ = logsumexp(r/β) − log N
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = rewards[i] / beta;
        double logZHat = logSumExp(s) - Math.log(n);
        Map<String, Double> distinct = new HashMap<>();
        for (int i = 0; i < n; i++) distinct.putIfAbsent(responses.get(i), refLogProbs[i] + rewards[i] / beta);
        double[] terms = distinct.values().stream().mapToDouble(Double::doubleValue).toArray();
        double logMass = logSumExp(terms) - logZHat;
        return -beta * logMass;
    }

    /** L = −(1/N) Σ_i w_i log π_θ(y_i|x) for one prompt (average this over prompts). */
    public static double loss(double[] weights, double[] logLikelihoods) {
        if (weights.length != logLikelihoods.length) throw new IllegalArgumentException("weights and log-likelihoods differ in length");
        double s = 0;
        for (int i = 0; i < weights.length; i++) s += weights[i] * logLikelihoods[i];
        return -s / weights.length;
    }

    static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) max = Math.max(max, v);
        double s = 0;
        for (double v : x) s += Math.exp(v - max);
        return max + Math.log(s);
    }

    static void requireBeta(double beta) {
        if (!(beta > 0) || !Double.isFinite(beta)) throw new IllegalArgumentException("beta must be a finite number > 0, got " + beta);
    }
}
