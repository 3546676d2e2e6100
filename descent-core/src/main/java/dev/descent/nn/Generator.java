package dev.descent.nn;

import dev.descent.tensor.Philox;
import java.util.Arrays;

/**
 * Batched sampling from a {@link Gpt} with a {@link KvCache}: the prompts are run once (one ragged
 * batch, no padding), then every step feeds each unfinished sequence's last token as one row per
 * layer and samples the next token from its logits ({@link Sampling#sample(float[], float, int, float, float)}:
 * temperature, top-k, top-p, or greedy at temperature 0).
 *
 * <p><b>Randomness.</b> Sequence b draws the uniform for its i-th new token at index i of the Philox
 * stream ({@code seed}, "generate") derived by its sequence id (b unless given). A sequence's tokens therefore depend only on the
 * model, its prompt, the configuration, the seed and its index b, never on the other sequences in
 * the batch, their lengths or when they finish: rows are independent in every layer (attention is
 * per sequence; the other layers act row by row). The one caveat is floating-point: the GEMM kernel
 * may round a row differently when the batch changes its shape (a product over more than 256 inputs
 * is summed in blocks on the packed path but in one pass on the small-problem path), which can move
 * a draw that falls within rounding of a token boundary. The tests check that sequences sampled
 * alone and in a batch are identical for the shapes they use.
 *
 * <p><b>Block size.</b> See {@link GenerationConfig.BlockLimit}: {@code CROP} reproduces nanoGPT's
 * {@code generate} (condition on the last block_size tokens; from then on the window is recomputed
 * for every token, since positions shift), {@code STOP} ends the sequence.
 *
 * <p>The model's training flag is left untouched: the cached forward has evaluation semantics (no
 * dropout) and records no autograd tape.
 */
public final class Generator {
    private final Gpt model;

    public Generator(Gpt model) {
        this.model = model;
    }

    /** {@code n} copies of {@code prompt}, e.g. a group of samples for one question. */
    public static int[][] repeat(int[] prompt, int n) {
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) out[i] = prompt.clone();
        return out;
    }

    /**
     * Extends each prompt as {@code config} says; sequence b draws from the stream (seed, "generate")
     * derived by b.
     */
    public Generation generate(int[][] prompts, GenerationConfig config) {
        long[] ids = new long[prompts.length];
        for (int b = 0; b < ids.length; b++) ids[b] = b;
        return generate(prompts, ids, config);
    }

    /**
     * As {@link #generate(int[][], GenerationConfig)}, sequence b drawing from the stream derived by
     * {@code sequenceIds[b]}: a sequence keeps its draws whatever batch it is generated in.
     */
    public Generation generate(int[][] prompts, long[] sequenceIds, GenerationConfig config) {
        if (sequenceIds.length != prompts.length) {
            throw new IllegalArgumentException("expected " + prompts.length + " sequence ids (one per prompt), got " + sequenceIds.length);
        }
        Philox root = Philox.stream(config.seed(), "generate");
        Philox[] streams = new Philox[prompts.length];
        for (int b = 0; b < prompts.length; b++) streams[b] = root.derive(sequenceIds[b]);
        return generate(prompts, config, streams);
    }

    /** As {@link #generate(int[][], GenerationConfig)} with sequence b drawing uniform i from {@code streams[b]}. */
    Generation generate(int[][] prompts, GenerationConfig config, Philox[] streams) {
        GptConfig cfg = model.config();
        int batch = prompts.length;
        if (batch == 0) throw new IllegalArgumentException("need at least one prompt");
        int block = cfg.blockSize();
        boolean crop = config.blockLimit() == GenerationConfig.BlockLimit.CROP;
        int maxNew = config.maxNewTokens();
        int[][] seq = new int[batch][];
        int[] length = new int[batch];
        int[] promptLength = new int[batch];
        int[][] chunks = new int[batch][];
        int capacity = 1;
        for (int b = 0; b < batch; b++) {
            int[] p = prompts[b];
            if (p == null || p.length == 0) throw new IllegalArgumentException("prompt " + b + " is empty; a prompt needs at least one token");
            if (!crop && p.length > block) {
                throw new IllegalArgumentException("prompt " + b + " has " + p.length + " tokens, more than block_size " + block
                        + " (block_limit STOP; use CROP to keep the last block_size tokens)");
            }
            for (int tok : p) {
                if (tok < 0 || tok >= cfg.vocabSize()) throw new IllegalArgumentException("prompt " + b + " has token " + tok + " outside [0, " + cfg.vocabSize() + ")");
            }
            promptLength[b] = p.length;
            length[b] = p.length;
            seq[b] = Arrays.copyOf(p, p.length + maxNew);
            chunks[b] = Arrays.copyOfRange(p, Math.max(0, p.length - block), p.length);
            capacity = Math.max(capacity, (int) Math.min(block, (long) chunks[b].length + maxNew - 1));
        }
        if (config.stopToken() >= cfg.vocabSize()) {
            throw new IllegalArgumentException("stop_token " + config.stopToken() + " outside [0, " + cfg.vocabSize() + ")");
        }
        KvCache cache = new KvCache(cfg, batch, capacity);
        float[][] logProbs = new float[batch][maxNew];
        Generation.Finish[] finish = new Generation.Finish[batch];
        int vocab = cfg.vocabSize();
        float[] row = new float[vocab];
        int active = batch;
        while (active > 0) {
            float[] logits = CachedForward.extend(model, cache, chunks, false);
            int r = 0;
            for (int b = 0; b < batch; b++) {
                if (chunks[b] == null) continue;
                System.arraycopy(logits, r++ * vocab, row, 0, vocab);
                int i = length[b] - promptLength[b];
                int tok = Sampling.sample(row, config.temperature(), config.topK(), config.topP(), streams[b].uniform(i));
                logProbs[b][i] = (float) Sampling.logProb(row, tok);
                seq[b][length[b]++] = tok;
                if (tok == config.stopToken()) {
                    finish[b] = Generation.Finish.STOP_TOKEN;
                } else if (i + 1 == maxNew) {
                    finish[b] = Generation.Finish.LENGTH;
                } else if (cache.length(b) < cache.capacity()) {
                    chunks[b] = new int[] {tok};
                } else if (crop) {
                    cache.reset(b);
                    chunks[b] = Arrays.copyOfRange(seq[b], length[b] - block, length[b]);
                } else {
                    finish[b] = Generation.Finish.BLOCK_SIZE;
                }
                if (finish[b] != null) {
                    chunks[b] = null;
                    active--;
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            seq[b] = Arrays.copyOf(seq[b], length[b]);
            logProbs[b] = Arrays.copyOf(logProbs[b], length[b] - promptLength[b]);
        }
        return new Generation(seq, promptLength, logProbs, finish);
    }
}
