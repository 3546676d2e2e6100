package dev.descent.train;

import dev.descent.nn.Gpt;
import dev.descent.peft.Hut;
import dev.descent.peft.Lora;
import dev.descent.peft.Tera;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code descent peft merge}: the full model of an adapter run, each adapted weight replaced by
 * {@code W + s·B A} (LoRA and its variants, PEFT's {@code merge_and_unload}), {@code W + ΔW} (TeRA) or
 * {@code W ⊙ (J + s·B A)} (HUT), written as a checkpoint under the model's own
 * names (nanoGPT's, with the tied {@code lm_head.weight}), so that {@code sample}, {@code init_from} and
 * PyTorch's {@code load_state_dict} read it as any other model. Its configuration is the run's without
 * {@code peft} and with {@code init_from: scratch}; it holds no optimizer state.
 */
public final class AdapterMerge {
    private AdapterMerge() {}

    /** Names of the adapters' own parameters (LoRA's, TeRA's scaling vectors, HUT's factors), left out of the merged model. */
    private static final String[] ADAPTER_PARAMETERS = {".lora_A.", ".lora_B.", ".tera_lambda_", ".hut_A.", ".hut_B."};

    /** Merges the adapter of the run in {@code run} into its base and writes the result to {@code out}; returns the checkpoint folder. */
    public static Path merge(Path run, Path out) throws IOException {
        Checkpoint.Info info = Checkpoint.info(run);
        if (!(info.config().get("peft") instanceof Map<?, ?> peft) || peft.isEmpty()) {
            throw new IllegalArgumentException(run + " is not a LoRA run (its configuration has no peft section); its checkpoint is a full model already");
        }
        if (RunFolder.holdsRun(out)) throw new IllegalArgumentException("--out " + out + " already holds a run; choose a fresh folder");
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
        Gpt model = Sampler.load(run).model();
        Lora.merge(model);
        Tera.merge(model);
        Hut.merge(model);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            for (String adapter : ADAPTER_PARAMETERS) if (name.contains(adapter)) return;
            weights.put(name.replace(".base_layer.", "."), p.value());
        });
        for (var e : Gpt.TIED.entrySet()) weights.put(e.getKey(), weights.get(e.getValue()));
        Map<String, Object> config = new LinkedHashMap<>(info.config());
        config.put("peft", Map.of());
        config.put("init_from", "scratch");
        Checkpoint.saveModel(out, weights, info.step(), info.vocabulary(), config);
        return Checkpoint.locate(out);
    }
}
