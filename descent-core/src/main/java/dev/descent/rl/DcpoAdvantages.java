package dev.descent.rl;

import java.util.HashMap;
import java.util.Map;

/**
 * DCPO's smooth advantage standardization (Yang et al. 2025, arXiv 2509.02333; code lime-RL/DCPO @
 * 01787b0f61580961162faeb492defeb39f1eba53, {@code verl/trainer/ppo/core_algos.py},
 * {@code compute_dcpo_outcome_advantage} and {@code get_mean_std}, with the trainer's per-prompt
 * history in {@code recipe/dcpo/src/dcpo_ray_trainer.py}). Each prompt keeps the number k of earlier
 * rounds it was sampled in and the mean μ̄ and standard deviation σ̄ of all its rewards so far. For
 * a new group of G rewards of that prompt with (unbiased) mean μ and standard deviation σ:
 * <pre>
 *   μ̄' = (k μ̄ + μ) / (k + 1)
 *   σ̄'² = (k σ̄² + σ² + k/(k+1) (μ − μ̄)²) / (k + 1)               (k = 0: μ̄' = μ, σ̄' = σ)
 *   z_i = (r_i − μ) / σ     (0 when σ = 0);      z̄_i = (r_i − μ̄') / σ̄'     (0 when σ̄' = 0)
 *   a_i = z̄_i/(k+1) + k z_i/(k+1),    b_i = z_i/(k+1) + k z̄_i/(k+1)
 *   A_i = a_i if |a_i| &lt; |b_i| else b_i
 * </pre>
 * and (μ̄', σ̄', k + 1) become the prompt's history. A group whose rewards all agree today still gets
 * non-zero advantages from the cumulative statistics when the prompt's earlier rewards differed, the
 * paper's "response-level utilisation". With {@code scale_rewards: none} the divisions by σ and σ̄'
 * are left out (the reference's {@code norm_adv_by_std_in_grpo False}). Unlike {@link GroupAdvantages}
 * there is no 1e-4 in the denominator, as in the reference. Prompts are keyed by their text (the
 * reference keys by dataset index); the history lives in the objective and an RL checkpoint
 * carries it ({@link #history()}, {@link #restore}), so a resumed run standardises as the uninterrupted one. On a task whose prompts rarely repeat, k is almost always 0 and this is GRPO's
 * standardisation.
 */
public final class DcpoAdvantages {
    private record Stats(long times, double mean, double std) {}

    private final Map<String, Stats> history = new HashMap<>();
    private final boolean scale;

    /** @param scale divide by the standard deviations (scale_rewards group) or not (none) */
    public DcpoAdvantages(boolean scale) {
        this.scale = scale;
    }

    /** The advantages of consecutive groups of {@code groupSize} rewards; {@code prompts[q]} is group q's prompt. */
    public float[] advantages(double[] rewards, int groupSize, String[] prompts) {
        if (groupSize < 2 || rewards.length != prompts.length * groupSize) {
            throw new IllegalArgumentException(rewards.length + " rewards are not " + prompts.length + " groups of " + groupSize + " (>= 2)");
        }
        float[] out = new float[rewards.length];
        for (int q = 0; q < prompts.length; q++) {
            int from = q * groupSize;
            double mean = GroupAdvantages.mean(rewards, from, groupSize);
            double std = GroupAdvantages.unbiasedStd(rewards, from, groupSize, mean);
            Stats old = history.get(prompts[q]);
            long k = old == null ? 0 : old.times();
            double cumMean = mean, cumStd = std;
            if (k > 0) {
                cumMean = (old.mean() * k + mean) / (k + 1);
                double var = (k * old.std() * old.std() + std * std + (double) k / (k + 1) * (mean - old.mean()) * (mean - old.mean())) / (k + 1);
                cumStd = Math.sqrt(var);
            }
            for (int i = from; i < from + groupSize; i++) {
                double zNew = scale ? (std > 0 ? (rewards[i] - mean) / std : 0) : rewards[i] - mean;
                double zCum = scale ? (cumStd > 0 ? (rewards[i] - cumMean) / cumStd : 0) : rewards[i] - cumMean;
                double a = zCum / (k + 1) + (1 - 1.0 / (k + 1)) * zNew;
                double b = zNew / (k + 1) + (1 - 1.0 / (k + 1)) * zCum;
                out[i] = (float) (Math.abs(a) < Math.abs(b) ? a : b);
            }
            history.put(prompts[q], new Stats(k + 1, cumMean, cumStd));
        }
        return out;
    }

    /** The per-prompt history as prompt → {times, mean, std}, in insertion-independent (sorted) order, for a checkpoint. */
    public java.util.SortedMap<String, double[]> history() {
        java.util.SortedMap<String, double[]> out = new java.util.TreeMap<>();
        history.forEach((prompt, st) -> out.put(prompt, new double[]{st.times(), st.mean(), st.std()}));
        return out;
    }

    /** Replaces the history with a checkpoint's ({@link #history()}'s form). */
    public void restore(Map<String, double[]> saved) {
        history.clear();
        saved.forEach((prompt, v) -> {
            if (v.length != 3 || v[0] < 1 || v[0] != Math.rint(v[0])) throw new IllegalArgumentException("smooth-advantage history of '" + prompt + "' is not {times >= 1, mean, std}");
            history.put(prompt, new Stats((long) v[0], v[1], v[2]));
        });
    }
}
