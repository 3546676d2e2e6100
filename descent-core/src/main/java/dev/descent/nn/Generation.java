package dev.descent.nn;

/**
 * The result of {@link Generator#generate}: for each sequence b, its prompt followed by the new
 * tokens, and per new token the model's log-probability (from the unfiltered logits at temperature 1,
 * the behaviour policy's {@code log π(token | prefix)} an RL objective needs; it does not depend on
 * the temperature or filters used to draw the token).
 *
 * @param sequences  prompt + completion of each sequence
 * @param promptLengths length of each prompt (the completion starts there)
 * @param logProbs   {@code logProbs[b][i]}: log p of new token i of sequence b under the model
 * @param finish     why each sequence ended
 */
public record Generation(int[][] sequences, int[] promptLengths, float[][] logProbs, Finish[] finish) {
    /** Why a sequence stopped growing. */
    public enum Finish {
        /** It sampled the stop token. */
        STOP_TOKEN,
        /** It reached max_new_tokens. */
        LENGTH,
        /** Its context reached block_size under {@link GenerationConfig.BlockLimit#STOP}. */
        BLOCK_SIZE
    }

    /** The new tokens of sequence b. */
    public int[] completion(int b) {
        return java.util.Arrays.copyOfRange(sequences[b], promptLengths[b], sequences[b].length);
    }

    public int batch() { return sequences.length; }
}
