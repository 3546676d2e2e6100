package dev.descent.train;

import dev.descent.io.Safetensors;
import dev.descent.nn.GptConfig;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights a fine-tuning run starts from ({@code init_from}): a run folder's checkpoint, or a bare
 * {@code .safetensors} file with nanoGPT's parameter names (a model trained in PyTorch and saved with
 * {@code safetensors.torch.save_file(model.state_dict(), …)}; the {@code _orig_mod.} prefix that
 * {@code torch.compile} adds is removed, and entries the model does not have, such as nanoGPT's
 * {@code attn.bias} causal-mask buffer and the tied {@code lm_head.weight}, are ignored).
 */
public final class BaseWeights {
    private static final String COMPILED = "_orig_mod.";

    private BaseWeights() {}

    /** True when {@code initFrom} names a safetensors file rather than a run folder. */
    public static boolean isFile(String initFrom) {
        return initFrom.endsWith(".safetensors");
    }

    /**
     * The tensors of {@code initFrom} by name. A run folder whose checkpoint holds only an adapter
     * (a LoRA run) is refused: its full weights are made with {@code descent peft merge}.
     */
    public static Map<String, Tensor> read(Path initFrom) throws IOException {
        if (isFile(initFrom.toString())) {
            if (!Files.isRegularFile(initFrom)) throw new IllegalArgumentException("init_from: file not found: " + initFrom);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var e : Safetensors.read(initFrom).tensors().entrySet()) {
                String k = e.getKey().startsWith(COMPILED) ? e.getKey().substring(COMPILED.length()) : e.getKey();
                out.put(k, e.getValue());
            }
            return out;
        }
        Checkpoint.Info info = Checkpoint.info(initFrom);
        if (info.config().get("peft") instanceof Map<?, ?> m && !m.isEmpty()) {
            throw new IllegalArgumentException("init_from: " + initFrom + " is a LoRA run (its checkpoint holds an adapter); "
                    + "write its merged weights with `descent peft merge --run " + initFrom + " --out DIR` and start from DIR");
        }
        return Safetensors.read(Checkpoint.locate(initFrom).resolve("model.safetensors")).tensors();
    }

    /**
     * The GPT sizes read from nanoGPT's tensor shapes: vocabulary and width from {@code transformer.wte.weight}
     * {@code [V, C]}, context from {@code transformer.wpe.weight} {@code [T, C]}, layers from the
     * {@code transformer.h.<i>.} entries, biases from {@code transformer.ln_f.bias}; the head count cannot
     * be read from shapes and is {@code nHead}.
     */
    public static GptConfig configFromShapes(String source, Map<String, Tensor> sd, int nHead, float dropout) {
        Tensor wte = need(source, sd, "transformer.wte.weight");
        Tensor wpe = need(source, sd, "transformer.wpe.weight");
        int layers = 0;
        while (sd.containsKey("transformer.h." + layers + ".ln_1.weight")) layers++;
        if (layers == 0) throw new IllegalArgumentException(source + " has no transformer.h.0.ln_1.weight: not a nanoGPT model");
        int c = wte.dim(1);
        if (c % nHead != 0) throw new IllegalArgumentException(source + ": n_embd " + c + " (from its shapes) is not divisible by n_head = " + nHead);
        return new GptConfig(wte.dim(0), wpe.dim(0), layers, nHead, c, dropout, sd.containsKey("transformer.ln_f.bias"));
    }

    private static Tensor need(String source, Map<String, Tensor> sd, String name) {
        Tensor t = sd.get(name);
        if (t == null || t.rank() != 2) throw new IllegalArgumentException(source + " has no 2-D '" + name + "': not a nanoGPT model");
        return t;
    }

    /** Copies the tensors of {@code sd} into {@code params} (every parameter must be there with its shape). */
    public static void copyInto(String source, Map<String, Tensor> sd, Map<String, Parameter> params) {
        for (var e : params.entrySet()) {
            Tensor t = sd.get(e.getKey());
            if (t == null) throw new IllegalArgumentException(source + " has no tensor '" + e.getKey() + "'");
            if (!t.sameShape(e.getValue().value())) {
                throw new IllegalArgumentException(source + ": '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", the model expects " + Arrays.toString(e.getValue().shape()));
            }
            e.getValue().value().copyFrom(t);
        }
    }
}
