package dev.descent.nn;

/**
 * The shape of a {@link Gpt}: nanoGPT's {@code GPTConfig}.
 *
 * @param vocabSize  number of tokens
 * @param blockSize  maximum context length
 * @param nLayer     transformer blocks
 * @param nHead      attention heads (must divide nEmbd)
 * @param nEmbd      embedding width
 * @param dropout    dropout probability in [0, 1)
 * @param bias       whether Linear and LayerNorm layers have biases
 */
public record GptConfig(int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd, float dropout, boolean bias) {
    public GptConfig {
        positive("vocab_size", vocabSize);
        positive("block_size", blockSize);
        positive("n_layer", nLayer);
        positive("n_head", nHead);
        positive("n_embd", nEmbd);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd (" + nEmbd + ") must be divisible by n_head (" + nHead + ")");
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    /** Non-embedding parameter count (nanoGPT's {@code get_num_params}, which excludes position embeddings). */
    public long nonEmbeddingParams() {
        // per block: 12C² weights, 2C LayerNorm gains, and with bias 9C Linear + 2C LayerNorm biases
        long perBlock = 12L * nEmbd * nEmbd + (bias ? 11L * nEmbd : 0) + (2L * nEmbd);
        // wte counts: it is the (tied) LM head's weight, as in nanoGPT's get_num_params(non_embedding=True)
        return (long) vocabSize * nEmbd + nLayer * perBlock + (bias ? 2L : 1L) * nEmbd;
    }
}
