package dev.descent.rl;

import java.util.Arrays;
import java.util.Comparator;

/**
 * CPPO's completion pruning (Lin et al. 2025, "CPPO: Accelerating the Training of Group Relative
 * Policy Optimization-Based Reasoning Models", arXiv 2503.22342; code lzhxmu/CPPO @
 * 52faeb37e2ef629da1da3ff1e7d0c9be578c4bdc, {@code src/open_r1/grpo_trainer_gsm.py}): after the
 * group advantages are formed, the k = ⌊B·P⌋ completions of the batch with the smallest |A| are
 * dropped (metric "smallest", the default), so the policy forward, backward and the reference's
 * forward run on B − k completions only. Ties in |A| drop the earlier completion first (the
 * reference's {@code torch.topk} leaves them unspecified). CPPO's dynamic completion allocation
 * (refilling the freed slots with other prompts' completions) is not included.
 */
public final class CompletionPruning {
    private CompletionPruning() {}

    /** Indices (ascending) of the completions kept at pruning rate P ∈ [0, 1). */
    public static int[] kept(float[] advantages, double rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("pruning_rate must be in [0, 1), got " + rate);
        int n = advantages.length;
        int k = (int) (n * rate);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> Math.abs(advantages[i])).thenComparingInt(i -> i));
        boolean[] drop = new boolean[n];
        for (int i = 0; i < k; i++) drop[order[i]] = true;
        int[] out = new int[n - k];
        int j = 0;
        for (int i = 0; i < n; i++) if (!drop[i]) out[j++] = i;
        return out;
    }
}
