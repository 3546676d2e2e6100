package dev.descent.rl;

import java.util.Locale;

/** TRL's {@code scale_rewards}: which standard deviation divides the group-centred rewards. */
public enum RewardScaling {
    /** The standard deviation of the prompt's group (GRPO). */
    GROUP,
    /** The standard deviation of the whole batch (Understanding R1-Zero-like training suggests it). */
    BATCH,
    /** No division: advantages are the centred rewards (Dr. GRPO). */
    NONE;

    public String key() { return name().toLowerCase(Locale.ROOT); }

    public static RewardScaling byName(String name) {
        for (RewardScaling s : values()) if (s.key().equals(name)) return s;
        throw new IllegalArgumentException("scale_rewards must be one of group, batch, none, got '" + name + "'");
    }
}
