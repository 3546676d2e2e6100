package dev.descent.nn;

import dev.descent.autograd.ActivationArena;
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
 *
 * <p>Roles: {@code wte} and {@code wpe} are {@link ParameterRole#EMBEDDING}s (wte is also the tied
 * head's weight), the Linear weights {@link ParameterRole#HIDDEN_MATRIX}, LayerNorm gains
 * {@link ParameterRole#NORM_GAIN}, biases {@link ParameterRole#BIAS}.
 *
 * <p>The constructor builds and initialises the module tree; it does not flatten it. Modules may be
 * replaced and parameters frozen until {@link #flatten()} (or the first {@link #parameters()}, which
 * flattens), as {@link Module} describes.
 */
public final class Gpt extends Module {
    /** State-dict entries that alias another parameter (the tied LM head), as PyTorch's state_dict lists them. */
    public static final Map<String, String> TIED = Map.of("lm_head.weight", "transformer.wte.weight");

    private final GptConfig config;
    private final Transformer transformer;
    private final DropoutStreams dropoutStreams;

    /** nanoGPT's {@code transformer} ModuleDict: {@code wte}, {@code wpe}, {@code drop}, {@code h}, {@code ln_f}. */
    public static final class Transformer extends Module {
        Transformer(GptConfig c, DropoutStreams streams) {
            module("wte", new Embedding(c.vocabSize(), c.nEmbd()));
            module("wpe", new Embedding(c.blockSize(), c.nEmbd()));
            module("drop", new Dropout(c.dropout(), streams));
            ModuleList<Block> h = module("h", new ModuleList<>());
            for (int i = 0; i < c.nLayer(); i++) h.add(new Block(c, streams));
            module("ln_f", new LayerNorm(c.nEmbd(), c.bias()));
        }

        /** The token embedding (whose weight the LM head shares). */
        public Embedding wte() { return child("wte", Embedding.class); }

        /** The position embedding. */
        public Embedding wpe() { return child("wpe", Embedding.class); }

        /** The blocks, in order. */
        public ModuleList<?> h() { return child("h", ModuleList.class); }
    }

    /** Builds and initialises the module tree (not flattened; see the class comment). */
    public Gpt(GptConfig config, long seed) {
        this.config = config;
        this.dropoutStreams = new DropoutStreams(seed);
        this.transformer = module("transformer", new Transformer(config, dropoutStreams));
        initialize(seed);
    }

    private void initialize(long seed) {
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * config.nLayer()));
        for (var e : namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            Tensor v = p.value();
            if (p.role() == ParameterRole.BIAS) {
                v.fill(0f);
            } else if (p.role() == ParameterRole.NORM_GAIN) {
                v.fill(1f);
            } else {
                float std = name.endsWith("c_proj.weight") ? residualStd : 0.02f;
                Philox.stream(seed, "init/" + name).fillGaussian(v.data(), v.offset(), v.size(), 0);
                dev.descent.tensor.Elementwise.scale(std, v.data(), v.offset(), v.size());
            }
        }
    }

    public GptConfig config() { return config; }

    /** The flat parameters, flattening the model on the first call (see {@link Module#flatten()}). */
    public FlatParameters parameters() { return flatten(); }

    public Transformer transformer() { return transformer; }

    /** Starts training step {@code step}: selects that step's dropout masks. */
    public void beginStep(long step) { dropoutStreams.beginStep(step); }

    /**
     * The dropout streams this model's dropouts draw from, advanced per training step by
     * {@link #beginStep}: a module added to the tree later (an adapter's dropout) shares them, so its
     * masks too depend only on the seed and the step.
     */
    public DropoutStreams dropoutStreams() { return dropoutStreams; }

    /** Logits {@code [B·T, V]} for token ids {@code idx} laid out as {@code [B, T]}. */
    public Variable forward(int[] idx, int batch, int t) {
        return forward(idx, batch, t, null);
    }

    /**
     * Logits {@code [B·T, V]} for token ids {@code idx} laid out as {@code [B, T]}, every activation,
     * gradient and saved buffer of the graph taken from {@code arena} (null: new arrays); the
     * caller resets the arena before the next forward pass (see {@link ActivationArena}).
     */
    public Variable forward(int[] idx, int batch, int t, ActivationArena arena) {
        Variable x = hiddenStates(idx, batch, t, arena);
        return F.linear(x, transformer.wte().weight, null);
    }

    /**
     * The final hidden states {@code [B·T, C]} (after {@code ln_f}, before the LM head) for token ids
     * {@code idx} laid out as {@code [B, T]}: what a value head reads (PPO's critic).
     */
    public Variable hiddenStates(int[] idx, int batch, int t, ActivationArena arena) {
        if (t > config.blockSize()) {
            throw new IllegalArgumentException("sequence of length " + t + " exceeds block_size " + config.blockSize());
        }
        if (idx.length != batch * t) throw new IllegalArgumentException("expected " + batch * t + " token ids, got " + idx.length);
        int c = config.nEmbd();
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        Embedding wte = transformer.wte();
        Variable tok = F.reshape(wte.forward(idx, arena), batch, t, c);
        Variable x = F.add(tok, transformer.wpe().forward(pos, arena));
        x = transformer.layer("drop").forward(x);
        for (Module b : transformer.h().modules()) x = ((Layer) b).forward(x);
        x = transformer.layer("ln_f").forward(x);
        return F.reshape(x, batch * t, c);
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
        return loss(idx, targets, batch, t, null);
    }

    /** Mean cross-entropy of next-token prediction, the graph's storage taken from {@code arena} (null: new arrays). */
    public Variable loss(int[] idx, int[] targets, int batch, int t, ActivationArena arena) {
        return F.crossEntropy(forward(idx, batch, t, arena), targets);
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
