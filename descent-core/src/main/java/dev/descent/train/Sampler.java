package dev.descent.train;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.tensor.Philox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Loads a trained GPT from a run folder and samples text from it. */
public final class Sampler {
    private final Gpt model;
    private final CharTokenizer tokenizer;

    private Sampler(Gpt model, CharTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public static Sampler load(Path runDir) throws IOException {
        Checkpoint.Info info = Checkpoint.info(runDir);
        Map<String, Object> c = info.config();
        CharTokenizer tok = new CharTokenizer(info.vocabulary().toCharArray());
        GptConfig gc = new GptConfig(tok.vocabSize(), num(c, "block_size"), num(c, "n_layer"), num(c, "n_head"),
                num(c, "n_embd"), 0f, Boolean.TRUE.equals(c.get("bias")));
        Gpt model = new Gpt(gc, 0);
        Checkpoint.loadWeights(runDir, model.parameters());
        float[] w = model.parameters().values();
        if (!dev.descent.tensor.Reductions.allFinite(w, 0, w.length)) {
            throw new IllegalArgumentException("the weights in " + Checkpoint.locate(runDir).resolve("model.safetensors")
                    + " are not finite (NaN or infinite); this checkpoint cannot generate text");
        }
        return new Sampler(model, tok);
    }

    private static int num(Map<String, Object> c, String key) {
        Object v = c.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("checkpoint config lacks '" + key + "'");
        return n.intValue();
    }

    public String sample(String prompt, int tokens, float temperature, int topK, long seed) {
        int[] ids = model.generate(tokenizer.encode(prompt), tokens, temperature, topK, Philox.stream(seed, "sample"));
        return tokenizer.decode(ids);
    }

    public Gpt model() { return model; }
}
