package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The KV-cached generator against full recomputation: cached logits equal a full forward within
 * float rounding, greedy tokens equal those of a loop that re-runs the whole (cropped) context for
 * every token (today's {@link Gpt#generate} scheme), draws do not depend on the batch, and the
 * block-size limits behave as documented.
 */
class GeneratorTest {
    static final int V = 37;
    static final int BLOCK = 24;

    static Gpt model(boolean bias, long seed) {
        Gpt g = new Gpt(new GptConfig(V, BLOCK, 2, 4, 32, 0.1f, bias), seed);
        GptTest.randomise(g, seed + 100);
        return g;
    }

    static int[] tokens(long seed, int n) {
        Philox p = Philox.stream(seed, "generator-test");
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = p.nextInt(i, V);
        return t;
    }

    /** Logits of the last position of {@code ctx} by the taped forward in evaluation mode. */
    static float[] fullLogits(Gpt g, int[] ctx) {
        boolean was = g.isTraining();
        g.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            Tensor logits = g.forward(ctx, 1, ctx.length).value();
            return Arrays.copyOfRange(logits.data(), logits.offset() + (ctx.length - 1) * V, logits.offset() + ctx.length * V);
        } finally {
            g.train(was);
        }
    }

    @Test
    void cachedLogitsEqualFullForwardForARaggedBatch() {
        for (boolean bias : new boolean[] {true, false}) {
            Gpt g = model(bias, 3);
            int[][] seqs = {tokens(1, 3), tokens(2, 9), tokens(3, 1)};
            KvCache cache = new KvCache(g.config(), 3, BLOCK);
            int[][] chunks = {seqs[0], seqs[1], seqs[2]};
            double worst = 0;
            for (int step = 0; step < 8; step++) {
                float[] logits = CachedForward.extend(g, cache, chunks, false);
                assertEquals(3 * V, logits.length);
                for (int b = 0; b < 3; b++) {
                    assertEquals(seqs[b].length, cache.length(b));
                    float[] ref = fullLogits(g, seqs[b]);
                    for (int j = 0; j < V; j++) {
                        double diff = Math.abs(logits[b * V + j] - ref[j]);
                        worst = Math.max(worst, diff / (1e-3 + Math.abs(ref[j])));
                        assertEquals(ref[j], logits[b * V + j], 1e-5f * (1 + Math.abs(ref[j])), "bias " + bias + " step " + step + " seq " + b);
                    }
                }
                // next step: one new token for sequences 0 and 2, a chunk of two for sequence 1
                for (int b = 0; b < 3; b++) {
                    int[] add = b == 1 ? tokens(10 + step, 2) : tokens(20 + 3 * step + b, 1);
                    int[] s = Arrays.copyOf(seqs[b], seqs[b].length + add.length);
                    System.arraycopy(add, 0, s, seqs[b].length, add.length);
                    seqs[b] = s;
                    chunks[b] = add;
                }
                if (seqs[1].length > BLOCK) chunks[1] = null;
                if (chunks[1] == null) seqs[1] = Arrays.copyOf(seqs[1], cache.length(1));
            }
            assertTrue(worst < 1e-5, "largest relative difference " + worst);
        }
    }

    @Test
    void allRowsEqualTheFullForwardAtEveryPosition() {
        Gpt g = model(true, 4);
        int[] seq = tokens(5, 11);
        float[] cached = CachedForward.extend(g, new KvCache(g.config(), 1, 11), new int[][] {seq}, true);
        for (int t = 1; t <= seq.length; t++) {
            float[] ref = fullLogits(g, Arrays.copyOf(seq, t));
            for (int j = 0; j < V; j++) assertEquals(ref[j], cached[(t - 1) * V + j], 1e-5f * (1 + Math.abs(ref[j])));
        }
    }

    /** Today's scheme: re-run the last block_size tokens for every new token, then pick the argmax. */
    static int[] greedyByRecomputation(Gpt g, int[] prompt, int count) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + count);
        for (int n = prompt.length; n < seq.length; n++) {
            int[] ctx = Arrays.copyOfRange(seq, Math.max(0, n - BLOCK), n);
            seq[n] = Sampling.argmax(fullLogits(g, ctx));
        }
        return seq;
    }

    @Test
    void greedyTokensEqualFullRecomputationAcrossTheBlockLimit() {
        Gpt g = model(true, 6);
        int[][] prompts = {tokens(7, 2), tokens(8, 13), tokens(9, 30)}; // the last is longer than block_size
        int count = 20; // sequences 1 and 2 pass block_size: the window is cropped as nanoGPT does
        Generation out = new Generator(g).generate(prompts, GenerationConfig.greedy(count));
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(greedyByRecomputation(g, prompts[b], count), out.sequences()[b], "sequence " + b);
            assertEquals(Generation.Finish.LENGTH, out.finish()[b]);
            assertEquals(count, out.completion(b).length);
        }
        assertTrue(g.isTraining(), "the training flag is left alone");
    }

    /** The scheme of Gpt.generate before the cache: re-run the cropped context, sample with uniform i of rng. */
    static int[] sampleByRecomputation(Gpt g, int[] prompt, int count, float temperature, int topK, Philox rng) {
        int block = g.config().blockSize();
        int v = g.config().vocabSize();
        int[] seq = Arrays.copyOf(prompt, prompt.length + count);
        g.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            for (int n = prompt.length; n < seq.length; n++) {
                int[] ctx = Arrays.copyOfRange(seq, Math.max(0, n - block), n);
                Tensor logits = g.forward(ctx, 1, ctx.length).value();
                float[] last = Arrays.copyOfRange(logits.data(), logits.offset() + (ctx.length - 1) * v, logits.offset() + ctx.length * v);
                seq[n] = Sampling.sample(last, temperature, topK, rng.uniform(n - prompt.length));
            }
        } finally {
            g.train(true);
        }
        return seq;
    }

    @Test
    void sampledTokensEqualFullRecomputationWithTheSameStream() {
        // Gpt.generate (which now runs on the generator) against the loop it used before: equal
        // logits and the same uniforms give the same tokens. Also on the recipe's shape (4 layers,
        // 4 heads, n_embd 128, block 64, 65 tokens), past the block limit.
        Gpt small = model(true, 11);
        Gpt recipe = new Gpt(new GptConfig(65, 64, 4, 4, 128, 0.2f, false), 5);
        GptTest.randomise(recipe, 6);
        for (Gpt g : new Gpt[] {small, recipe}) {
            int[] prompt = {1, 2, 3, 4, 5};
            for (int topK : new int[] {0, 5}) {
                int[] reference = sampleByRecomputation(g, prompt, 90, 0.8f, topK, Philox.stream(1, "sample"));
                assertArrayEquals(reference, g.generate(prompt, 90, 0.8f, topK, Philox.stream(1, "sample")), "top_k " + topK);
            }
        }
    }

    @Test
    void aSequenceDrawsTheSameTokensAloneOrInABatch() {
        Gpt g = model(false, 13);
        int[][] prompts = {tokens(14, 4), tokens(15, 1), tokens(16, 7)};
        GenerationConfig cfg = GenerationConfig.sampling(15).withTemperature(0.9f).withTopK(20).withTopP(0.9f).withSeed(5);
        Generator gen = new Generator(g);
        Generation batch = gen.generate(prompts, cfg);
        for (int b = 0; b < 3; b++) {
            Generation alone = gen.generate(new int[][] {prompts[b]}, new long[] {b}, cfg);
            assertArrayEquals(batch.sequences()[b], alone.sequences()[0], "sequence " + b);
            assertArrayEquals(batch.logProbs()[b], alone.logProbs()[0]);
        }
        // reproducible, and different seeds or ids give different samples
        assertArrayEquals(batch.sequences()[0], gen.generate(prompts, cfg).sequences()[0]);
        Generation repeated = gen.generate(Generator.repeat(prompts[0], 2), cfg);
        assertNotEquals(Arrays.toString(repeated.sequences()[0]), Arrays.toString(repeated.sequences()[1]));
        assertNotEquals(Arrays.toString(batch.sequences()[0]),
                Arrays.toString(gen.generate(prompts, cfg.withSeed(6)).sequences()[0]));
    }

    @Test
    void stopTokenAndBlockStopEndSequences() {
        Gpt g = model(true, 17);
        int[][] prompts = {tokens(18, 3), tokens(19, 20)};
        Generator gen = new Generator(g);
        Generation free = gen.generate(prompts, GenerationConfig.sampling(12).withSeed(3));
        int stop = free.completion(0)[4]; // a token sequence 0 draws at step 4 (maybe earlier too)
        Generation stopped = gen.generate(prompts, GenerationConfig.sampling(12).withSeed(3).withStopToken(stop));
        int[] c0 = stopped.completion(0);
        assertEquals(Generation.Finish.STOP_TOKEN, stopped.finish()[0]);
        assertEquals(stop, c0[c0.length - 1]);
        for (int i = 0; i < c0.length - 1; i++) assertNotEquals(stop, c0[i]);
        assertArrayEquals(Arrays.copyOf(free.completion(0), c0.length), c0, "the same draws up to the stop token");
        assertEquals(c0.length, stopped.logProbs()[0].length);

        Generation blockStop = gen.generate(prompts,
                GenerationConfig.greedy(12).withBlockLimit(GenerationConfig.BlockLimit.STOP));
        assertEquals(Generation.Finish.LENGTH, blockStop.finish()[0]);
        assertEquals(Generation.Finish.BLOCK_SIZE, blockStop.finish()[1]);
        assertEquals(BLOCK + 1, blockStop.sequences()[1].length, "the last token is predicted from a full block");
        assertArrayEquals(Arrays.copyOf(greedyByRecomputation(g, prompts[1], 12), BLOCK + 1), blockStop.sequences()[1]);
        assertThrows(IllegalArgumentException.class, () -> gen.generate(new int[][] {tokens(1, BLOCK + 1)},
                GenerationConfig.greedy(2).withBlockLimit(GenerationConfig.BlockLimit.STOP)));
        assertThrows(IllegalArgumentException.class, () -> gen.generate(new int[][] {{}}, GenerationConfig.greedy(2)));
        assertThrows(IllegalArgumentException.class, () -> gen.generate(new int[][] {{V}}, GenerationConfig.greedy(2)));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(0));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(1).withTopP(0f));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(1).withTemperature(-1f));
    }

    @Test
    void generationLogProbsEqualSequenceLogProbs() {
        Gpt g = model(true, 21);
        int[][] prompts = {tokens(22, 3), tokens(23, 6)};
        Generation out = new Generator(g).generate(prompts, GenerationConfig.sampling(8).withTemperature(1.3f).withTopK(10).withSeed(9));
        int t = 14;
        int[] flat = new int[2 * t];
        float[] mask = new float[2 * t];
        for (int b = 0; b < 2; b++) {
            int[] s = out.sequences()[b];
            System.arraycopy(s, 0, flat, b * t, s.length);
            for (int i = prompts[b].length; i < s.length; i++) mask[b * t + i] = 1f;
        }
        g.train(false);
        float[] scored = SequenceLogProbs.of(g, flat, mask, 2, t).value().toArray();
        for (int b = 0; b < 2; b++) {
            float[] lp = out.logProbs()[b];
            for (int i = 0; i < lp.length; i++) {
                assertTrue(lp[i] <= 0);
                assertEquals(scored[b * t + prompts[b].length + i], lp[i], 1e-5f, "sequence " + b + " token " + i);
            }
        }
    }
}
