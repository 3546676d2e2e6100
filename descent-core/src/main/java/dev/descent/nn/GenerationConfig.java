package dev.descent.nn;

/**
 * How {@link Generator} extends prompts.
 *
 * @param maxNewTokens most tokens added to each sequence (≥ 1)
 * @param temperature  logits are divided by it; 0 means greedy (argmax)
 * @param topK         keep only the k most likely tokens (≤ 0: all), as nanoGPT's {@code top_k}
 * @param topP         nucleus mass in (0, 1] (1: off), as Hugging Face's {@code top_p}
 * @param stopToken    a sequence ends after it samples this token (the token is kept); −1: none
 * @param seed         sequence b draws uniform i (for its i-th new token) from the Philox stream
 *                     (seed, "generate") derived by b
 * @param blockLimit   what happens when a sequence's context would exceed block_size
 */
public record GenerationConfig(int maxNewTokens, float temperature, int topK, float topP, int stopToken, long seed,
                               BlockLimit blockLimit) {
    /** What a sequence does when its context would exceed block_size. */
    public enum BlockLimit {
        /**
         * nanoGPT's behaviour: condition on the last block_size tokens. Once a sequence is full its
         * cache is rebuilt from that window for every new token (positions 0 … block_size − 1 shift by
         * one at each step, so cached keys cannot be reused): from then on a token costs a
         * block_size-row forward, as in nanoGPT. A prompt longer than block_size is cropped likewise.
         */
        CROP,
        /**
         * The sequence ends when its context is full: it holds at most block_size + 1 tokens (the
         * last one predicted from a full block). A prompt longer than block_size is an error.
         */
        STOP
    }

    public GenerationConfig {
        if (maxNewTokens < 1) throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (stopToken < -1) throw new IllegalArgumentException("stop_token must be a token id or -1 (none), got " + stopToken);
        if (blockLimit == null) throw new IllegalArgumentException("block_limit must be CROP or STOP, got null");
    }

    /** Plain sampling: temperature 1, no top-k, no top-p, no stop token, seed 0, cropping as nanoGPT. */
    public static GenerationConfig sampling(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 1f, 0, 1f, -1, 0, BlockLimit.CROP);
    }

    /** Greedy decoding (temperature 0). */
    public static GenerationConfig greedy(int maxNewTokens) {
        return sampling(maxNewTokens).withTemperature(0f);
    }

    public GenerationConfig withTemperature(float t) { return new GenerationConfig(maxNewTokens, t, topK, topP, stopToken, seed, blockLimit); }

    public GenerationConfig withTopK(int k) { return new GenerationConfig(maxNewTokens, temperature, k, topP, stopToken, seed, blockLimit); }

    public GenerationConfig withTopP(float p) { return new GenerationConfig(maxNewTokens, temperature, topK, p, stopToken, seed, blockLimit); }

    public GenerationConfig withStopToken(int s) { return new GenerationConfig(maxNewTokens, temperature, topK, topP, s, seed, blockLimit); }

    public GenerationConfig withSeed(long s) { return new GenerationConfig(maxNewTokens, temperature, topK, topP, stopToken, s, blockLimit); }

    public GenerationConfig withBlockLimit(BlockLimit l) { return new GenerationConfig(maxNewTokens, temperature, topK, topP, stopToken, seed, l); }
}
