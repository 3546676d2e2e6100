package dev.descent.peft;

import java.util.List;
import java.util.Map;

/**
 * The {@code increlora_*} keys of a {@code peft:} section (variant {@code increlora}); defaults are the
 * authors' GLUE scripts at average rank 8 ({@link IncreLoraAllocator} gives the commit). The initial rank
 * of every module is {@code peft.r} (the scripts' {@code lora_r 1}).
 *
 * @param targetRank  average final rank per module; the budget is {@code targetRank × modules} (default 8)
 * @param initWarmup  steps before the first allocation (default 100)
 * @param interval    steps between allocations (default 100)
 * @param topH        modules given ranks per allocation (default 9)
 * @param rankPerAdd  components per chosen module (default: the code's {@code {2:1, 4:2, 6:3, 8:4}}, i.e. targetRank/2, at least 1)
 * @param beta1       sensitivity average (default 0.85)
 * @param beta2       uncertainty average (default 0.85)
 * @param advanceLearn train reserve components ahead of their activation (default true)
 * @param maxRank     preallocated components per module; 0 (default) = as many as the budget could give one module
 *                    ({@code r + budget − r·modules + rankPerAdd}), within the layer's smaller side
 */
public record IncreLoraOptions(int targetRank, int initWarmup, int interval, int topH, int rankPerAdd, double beta1, double beta2,
                               boolean advanceLearn, int maxRank) {
    public static final List<String> KEYS = List.of("increlora_target_rank", "increlora_init_warmup", "increlora_interval", "increlora_top_h",
            "increlora_rank_per_add", "increlora_beta1", "increlora_beta2", "increlora_advance_learn", "increlora_max_rank");

    public static final IncreLoraOptions DEFAULTS = new IncreLoraOptions(8, 100, 100, 9, 4, 0.85, 0.85, true, 0);

    /** The allocator's settings for {@code modules} modules starting at rank {@code r}. */
    public IncreLoraAllocator.Settings settings(int r, int modules) {
        return new IncreLoraAllocator.Settings(r, targetRank * modules, initWarmup, interval, topH, rankPerAdd, beta1, beta2);
    }

    /** The options in a {@code peft:} section, or null when it has no {@code increlora_*} key. */
    static IncreLoraOptions fromSection(Map<String, String> m, String path) {
        boolean any = false;
        for (String k : KEYS) any |= m.containsKey(k);
        if (!any) return null;
        int target = integer(m, path, "increlora_target_rank", DEFAULTS.targetRank(), 1);
        int perAdd = integer(m, path, "increlora_rank_per_add", Math.max(1, target / 2), 1);
        String adv = m.getOrDefault("increlora_advance_learn", "true").trim();
        if (!adv.equals("true") && !adv.equals("false")) {
            throw new PeftException("'" + path + ".increlora_advance_learn' = " + adv + " is not allowed; allowed: true, false");
        }
        return new IncreLoraOptions(target, integer(m, path, "increlora_init_warmup", DEFAULTS.initWarmup(), 0),
                integer(m, path, "increlora_interval", DEFAULTS.interval(), 1), integer(m, path, "increlora_top_h", DEFAULTS.topH(), 1), perAdd,
                real(m, path, "increlora_beta1", DEFAULTS.beta1()), real(m, path, "increlora_beta2", DEFAULTS.beta2()), adv.equals("true"),
                integer(m, path, "increlora_max_rank", 0, 0));
    }

    private static int integer(Map<String, String> m, String path, String key, int dflt, int min) {
        String v = m.get(key);
        if (v == null) return dflt;
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new PeftException("'" + path + "." + key + "' = " + v + " has the wrong type; allowed: an integer");
        }
        if (x < min) throw new PeftException("'" + path + "." + key + "' = " + v + " must be ≥ " + min);
        return x;
    }

    private static double real(Map<String, String> m, String path, String key, double dflt) {
        String v = m.get(key);
        if (v == null) return dflt;
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new PeftException("'" + path + "." + key + "' = " + v + " has the wrong type; allowed: a number");
        }
        if (!(x > 0 && x < 1)) throw new PeftException("'" + path + "." + key + "' = " + v + " must be in (0, 1)");
        return x;
    }
}
