package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Map;

/**
 * A GPT language model with nanoGPT's structure and parameter names: token and position
 * embeddings, {@code n_layer} pre-LayerNorm blocks, a final LayerNorm, and an LM head whose weight
 * is tied to the token embedding.
 *
 * <pre>
 *   transformer.wte.weight [V, C]      transformer.wpe.weight [T, C]
 *   transformer.h.{i}.ln_1.weight      transformer.h.{i}.attn.c_attn.weight [3C, C]
 *   transformer.h.{i}.attn.c_proj.weight [C, C]   transformer.h.{i}.ln_2.weight
 *   transformer.h.{i}.mlp.c_fc.weight [4C, C]     transformer.h.{i}.mlp.c_proj.weight [C, 4C]
 *   transformer.ln_f.weight            (… .bias for each of those when bias = true)
 * </pre>
 * Initialisation follows nanoGPT's {@code _init_weights}: weights N(0, 0.02²), biases 0, LayerNorm
 * gains 1, and the residual projections ({@code c_proj.weight}) N(0, (0.02/√(2·n_layer))²). The
 * values come from the counter-based stream keyed by (seed, "init/" + parameter name), so a
 * parameter's initial value does not depend on the order of construction.
 */
public final class Gpt extends Module {
    /** State-dict entries that alias another parameter (the tied LM head), as PyTorch's state_dict lists them. */
    public static final Map<String, String> TIED = Map.of("lm_head.weight", "transformer.wte.weight");

    private final GptConfig config;
    private final Transformer transformer;
    private final DropoutStreams dropoutStreams;
    private final FlatParameters parameters;

    /** nanoGPT's {@code transformer} ModuleDict. */
    public static final class Transformer extends Module {
        public final Embedding wte;
        public final Embedding wpe;
        public final Dropout drop;
        public final ModuleList<Block> h;
        public final LayerNorm lnF;

        Transformer(GptConfig c, DropoutStreams streams) {
            wte = module("wte", new Embedding(c.vocabSize(), c.nEmbd()));
            wpe = module("wpe", new Embedding(c.blockSize(), c.nEmbd()));
            drop = module("drop", new Dropout(c.dropout(), streams));
            h = module("h", new ModuleList<>());
            for (int i = 0; i < c.nLayer(); i++) h.add(new Block(c, streams));
            lnF = module("ln_f", new LayerNorm(c.nEmbd(), c.bias()));
        }
    }

    public Gpt(GptConfig config, long seed) {
        this.config = config;
        this.dropoutStreams = new DropoutStreams(seed);
        this.transformer = module("transformer", new Transformer(config, dropoutStreams));
        this.parameters = FlatParameters.of(this);
        initialize(seed);
    }

    private void initialize(long seed) {
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * config.nLayer()));
        for (Parameter p : parameters.list()) {
            String name = p.name();
            Tensor v = p.value();
            if (name.endsWith(".bias")) {
                v.fill(0f);
            } else if (name.contains(".ln_") && name.endsWith(".weight")) {
                v.fill(1f);
            } else {
                float std = name.endsWith("c_proj.weight") ? residualStd : 0.02f;
                Philox.stream(seed, "init/" + name).fillGaussian(v.data(), v.offset(), v.size(), 0);
                dev.descent.tensor.Elementwise.scale(std, v.data(), v.offset(), v.size());
            }
        }
    }

    public GptConfig config() { return config; }

    public FlatParameters parameters() { return parameters; }

    public Transformer transformer() { return transformer; }

    /** Starts training step {@code step}: selects that step's dropout masks. */
    public void beginStep(long step) { dropoutStreams.beginStep(step); }

    /** Logits {@code [B·T, V]} for token ids {@code idx} laid out as {@code [B, T]}. */
    public Variable forward(int[] idx, int batch, int t) {
        if (t > config.blockSize()) {
            throw new IllegalArgumentException("sequence of length " + t + " exceeds block_size " + config.blockSize());
        }
        if (idx.length != batch * t) throw new IllegalArgumentException("expected " + batch * t + " token ids, got " + idx.length);
        int c = config.nEmbd();
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        Variable tok = F.reshape(transformer.wte.forward(idx), batch, t, c);
        Variable x = F.add(tok, transformer.wpe.forward(pos));
        x = transformer.drop.forward(x);
        for (Block b : transformer.h.items()) x = b.forward(x);
        x = transformer.lnF.forward(x);
        return F.linear(F.reshape(x, batch * t, c), transformer.wte.weight, null);
    }

    /**
     * The inference forward over new tokens with a KV cache (no autograd tape, no dropout): appends
     * {@code newTokens[b]} (null or empty: none) to sequence b of {@code cache} and returns logits
     * {@code [rows, vocab]} row-major, one row per new token ({@code allRows}) or the last new token's
     * row of each sequence that got tokens. See {@link CachedForward}.
     */
    public float[] forwardCached(KvCache cache, int[][] newTokens, boolean allRows) {
        return CachedForward.extend(this, cache, newTokens, allRows);
    }

    /** Mean cross-entropy of next-token prediction. */
    public Variable loss(int[] idx, int[] targets, int batch, int t) {
        return F.crossEntropy(forward(idx, batch, t), targets);
    }

    /**
     * Extends {@code prompt} by {@code count} tokens sampled at {@code temperature} from the
     * {@code topK} most likely (topK ≤ 0: all), as nanoGPT's {@code generate}: the context is cropped
     * to the last block_size tokens. Draw i uses uniform i of {@code rng}. Runs on the KV-cached
     * {@link Generator} ({@link GenerationConfig.BlockLimit#CROP}), whose logits equal those of
     * re-running the whole context for every token (the scheme this method used before the cache).
     */
    public int[] generate(int[] prompt, int count, float temperature, int topK, Philox rng) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt must have at least one token");
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        if (count == 0) return prompt.clone();
        GenerationConfig config = new GenerationConfig(count, temperature, topK, 1f, -1, 0, GenerationConfig.BlockLimit.CROP);
        return new Generator(this).generate(new int[][] {prompt}, config, new Philox[] {rng}).sequences()[0];
    }
}
