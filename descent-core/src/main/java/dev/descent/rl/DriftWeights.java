package dev.descent.rl;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * DRIFT's return-based importance weights for weighted SFT on trajectories sampled once from a
 * reference policy, as its reference code computes them (2020-qqtcg/DRIFT @
 * d8e1630de413fc47641ef8a641ae595270547adc, {@code src/weight_sft.py}; {@code specs/02_drift.md}).
 * For trajectory i with turn rewards r_{i,t} (keys t1, t2, …), answers a_i and format penalty F_i:
 * <pre>
 *   D_i = Σ_{t≥1} γ^{t−1} r_{i,t}
 *   P_i = max(0, λ_rep (1 − U_i / M_i))       M_i = len(a_i), U_i = distinct non-empty answers, λ_rep = 0.5; 0 if a_i is empty
 *   R_i = D_i + F_i − P_i
 *   w_i = e_i / ((1/G) Σ_j e_j + 1e-12),   e_i = exp(R_i/β − max_j R_j/β)     (within one prompt's group of G)
 *   L   = (1/B) Σ_i w_i ℓ_i                 (default; ℓ_i the mean token NLL of trajectory i's last turn)
 *   L   = Σ_i w_i ℓ_i / max(Σ_i w_i, 1e-8)  (BATCH_WEIGHT_NORMAL)
 * </pre>
 */
public final class DriftWeights {
    private DriftWeights() {}

    /** The reference code's {@code TRAJECTORY_PENALTY_LAMBDA}. */
    public static final double REPETITION_LAMBDA = 0.5;

    /** D: turn rewards keyed "t1", "t2", … (other keys are ignored), discounted by γ^(t−1). */
    public static double discountedReturn(Map<String, Double> turnRewards, double gamma) {
        TreeMap<Integer, Double> byTurn = new TreeMap<>();
        for (var e : turnRewards.entrySet()) {
            String k = e.getKey();
            if (k.length() < 2 || k.charAt(0) != 't' || !k.substring(1).chars().allMatch(Character::isDigit)) continue;
            byTurn.put(Integer.parseInt(k.substring(1)), e.getValue() == null ? 0.0 : e.getValue());
        }
        double d = 0;
        for (var e : byTurn.entrySet()) d += Math.pow(gamma, e.getKey() - 1) * e.getValue();
        return d;
    }

    /** P: the repetition penalty of a trajectory's normalised answers (empty strings count in M, not in U). */
    public static double repetitionPenalty(List<String> answers) {
        if (answers == null || answers.isEmpty()) return 0;
        Set<String> distinct = new HashSet<>();
        for (String a : answers) if (a != null && !a.isEmpty()) distinct.add(a);
        return Math.max(0, REPETITION_LAMBDA * (1 - (double) distinct.size() / answers.size()));
    }

    /** R = D + F − P. */
    public static double trajectoryReturn(Map<String, Double> turnRewards, List<String> answers, double formatPenalty, double gamma) {
        return discountedReturn(turnRewards, gamma) + formatPenalty - repetitionPenalty(answers);
    }

    /** w for one prompt's group of returns at temperature β > 0. */
    public static double[] weights(double[] returns, double beta) {
        if (!(beta > 0)) throw new IllegalArgumentException("beta must be > 0, got " + beta);
        if (returns.length == 0) throw new IllegalArgumentException("a group needs at least one trajectory");
        double max = Double.NEGATIVE_INFINITY;
        for (double r : returns) max = Math.max(max, r / beta);
        double[] e = new double[returns.length];
        double sum = 0;
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.exp(returns[i] / beta - max);
            sum += e[i];
        }
        double denom = sum / e.length + 1e-12;
        for (int i = 0; i < e.length; i++) e[i] /= denom;
        return e;
    }

    /** The batch loss from per-sample mean NLLs, by the default rule or the normalised one. */
    public static double loss(double[] weights, double[] perSampleNll, boolean normalise) {
        if (weights.length != perSampleNll.length || weights.length == 0) throw new IllegalArgumentException("weights and losses must have the same positive length");
        double s = 0, ws = 0;
        for (int i = 0; i < weights.length; i++) {
            s += weights[i] * perSampleNll[i];
            ws += weights[i];
        }
        return normalise ? s / Math.max(ws, 1e-8) : s / weights.length;
    }
}
