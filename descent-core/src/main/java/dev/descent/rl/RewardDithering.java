package dev.descent.rl;

import dev.descent.tensor.Philox;
import java.util.Locale;

/**
 * ReDit, reward dithering (Wei et al. 2025, "ReDit: Reward Dithering for Improved LLM Policy
 * Optimization", arXiv 2506.18631): zero-mean noise of a fixed scale is added to each completion's
 * discrete reward before the group advantages are formed, so groups whose verifier rewards all agree
 * still give a (random, unbiased) gradient and rare successes give smaller spikes:
 * <pre>
 *   r̃_i = r_i + ε_i,   ε_i ~ N(0, σ²)        GAUSSIAN (σ = scale)
 *                       ε_i ~ U(−a, a)        UNIFORM  (a = scale)
 * </pre>
 * The paper studies both distributions and several σ; no code of the authors was found, so the
 * default here (Gaussian, σ = 0.05, constant over training) is this library's choice. The noise of
 * completion i of generation round r is the Philox stream (seed, "rl/reward_dither") at index
 * r·B + i (B = prompts_per_step × num_generations), so a run is a function of its seed.
 */
public enum RewardDithering {
    NONE, GAUSSIAN, UNIFORM;

    public String key() { return name().toLowerCase(Locale.ROOT); }

    public static RewardDithering byName(String name) {
        for (RewardDithering d : values()) if (d.key().equals(name)) return d;
        throw new IllegalArgumentException("reward_dither must be one of none, gaussian, uniform, got '" + name + "'");
    }

    /** The dithered rewards, completion i drawing noise index {@code firstIndex + i}; NONE returns a copy. */
    public double[] apply(double[] rewards, double scale, long seed, long firstIndex) {
        if (!(scale >= 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("reward_dither_scale must be finite and >= 0, got " + scale);
        double[] out = rewards.clone();
        if (this == NONE || scale == 0) return out;
        Philox noise = Philox.stream(seed, "rl/reward_dither");
        for (int i = 0; i < out.length; i++) out[i] += scale * noise(noise, firstIndex + i);
        return out;
    }

    /** One unit-scale draw: a standard normal, or uniform on (−1, 1). */
    double noise(Philox stream, long index) {
        return this == GAUSSIAN ? stream.gaussian(index) : 2.0 * stream.uniform(index) - 1.0;
    }
}
