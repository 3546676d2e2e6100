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
        if (c.get("peft") instanceof Map<?, ?> peft && !peft.isEmpty()) {
            loadAdapterRun(runDir, c, model);
        } else {
            Checkpoint.loadWeights(runDir, model.parameters());
        }
        model.train(false);
        float[] w = model.parameters().values();
        if (!dev.descent.tensor.Reductions.allFinite(w, 0, w.length)) {
            throw new IllegalArgumentException("the weights in " + Checkpoint.locate(runDir).resolve("model.safetensors")
                    + " are not finite (NaN or infinite); this checkpoint cannot generate text");
        }
        return new Sampler(model, tok);
    }

    /**
     * A LoRA run: the base weights from the run's {@code init_from} (as the adapter's
     * {@code base_model_name_or_path} records it, absolute), or the seed's initial weights for a base
     * trained from scratch, quantized as the run's {@code quantize:} section says (QLoRA), then the adapter
     * of the checkpoint (PEFT's files, or a TeRA or HUT adapter's) on top.
     */
    private static void loadAdapterRun(Path runDir, Map<String, Object> c, Gpt model) throws IOException {
        Path ckpt = Checkpoint.locate(runDir);
        dev.descent.peft.LoraConfig lora = dev.descent.peft.AdapterFiles.readAnyConfig(ckpt);
        String base = lora.baseModelNameOrPath();
        if (base != null) {
            BaseWeights.copyInto(base, BaseWeights.read(Path.of(base)), model.namedParameters());
        } else {
            // A LoRA run on a model initialised from scratch: the same seed gives the same base.
            Gpt seeded = new Gpt(model.config(), num(c, "seed"));
            for (var e : seeded.namedParameters().entrySet()) model.namedParameters().get(e.getKey()).value().copyFrom(e.getValue().value());
        }
        // A QLoRA run: the base quantized as in training (the same weights give the same packed bits), then the adapter.
        if (c.get("quantize") instanceof Map<?, ?> q && !q.isEmpty()) {
            Map<String, String> section = new java.util.LinkedHashMap<>();
            for (var e : q.entrySet()) section.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            dev.descent.quant.QuantizeConfig.fromSection(section, "quantize").apply(model);
        }
        dev.descent.peft.AdapterFiles.loadAny(ckpt, model, Trainer.ADAPTER, num(c, "seed"), model.dropoutStreams());
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
