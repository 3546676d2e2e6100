package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.Safetensors;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.peft.AdapterFiles;
import dev.descent.peft.Lora;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with a {@code peft:} section: a LoRA fine-tune of a run's checkpoint, its files, resume, sampling and merging. */
class LoraTrainingTest {
    @TempDir
    Path tmp;

    private static final String[] LORA = {"peft.r=2", "peft.lora_alpha=4", "peft.target_modules=c_attn,c_fc", "peft.lora_dropout=0.1"};

    private TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("sample_tokens=10", "threads=1", "dropout=0", "learning_rate=1e-2", "eval_interval=3"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    private Path pretrained() throws Exception {
        Path pre = tmp.resolve("pre");
        new Trainer(tiny(pre, 3, "train_end=0.9"), TrainListener.NONE).run(null);
        return pre;
    }

    private static String[] with(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    @Test
    void loraRunWritesPeftFilesTrainsOnlyTheAdapterAndResumesExactly() throws Exception {
        Path pre = pretrained();
        Path ft = tmp.resolve("ft");
        new Trainer(tiny(ft, 6, with(LORA, "init_from=" + pre, "train_start=0.9")), TrainListener.NONE).run(null);
        Path ck = Checkpoint.locate(ft);
        assertTrue(Files.isRegularFile(ck.resolve(AdapterFiles.CONFIG)));
        Map<String, Tensor> adapter = Safetensors.read(ck.resolve(AdapterFiles.WEIGHTS)).tensors();
        assertEquals(4, adapter.size(), "lora_A and lora_B of c_attn and c_fc, one block");
        assertArrayEquals(new int[] {2, 16}, adapter.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").shape());
        assertArrayEquals(new int[] {64, 2}, adapter.get("base_model.model.transformer.h.0.mlp.c_fc.lora_B.weight").shape());
        Map<String, Tensor> model = Safetensors.read(ck.resolve("model.safetensors")).tensors();
        assertEquals(4, model.size(), "the checkpoint's model file holds the trainable parameters only");
        assertEquals(pre.toAbsolutePath().normalize().toString(), AdapterFiles.readConfig(ck).baseModelNameOrPath());
        float[] b = adapter.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").toArray();
        boolean moved = false;
        for (float v : b) moved |= v != 0;
        assertTrue(moved, "B left zero: the adapter did not train");

        // Resume: 3 steps, then 3 more from the checkpoint, equal the 6-step run bit for bit (dropout in the adapter included).
        Path split = tmp.resolve("split");
        new Trainer(tiny(split, 3, with(LORA, "init_from=" + pre, "train_start=0.9")), TrainListener.NONE).run(null);
        new Trainer(Trainer.configOf(split).with(List.of("max_iters=6")), TrainListener.NONE).run(split);
        Map<String, Tensor> resumed = Safetensors.read(Checkpoint.locate(split).resolve(AdapterFiles.WEIGHTS)).tensors();
        for (var e : adapter.entrySet()) assertArrayEquals(e.getValue().toArray(), resumed.get(e.getKey()).toArray(), e.getKey());

        // Sampling loads base + adapter; merging writes a full model that gives the same logits.
        Gpt lora = Sampler.load(ft).model();
        assertFalse(Lora.layers(lora).isEmpty());
        Path merged = tmp.resolve("merged");
        AdapterMerge.merge(ft, merged);
        Gpt full = Sampler.load(merged).model();
        assertTrue(Lora.layers(full).isEmpty());
        int[] idx = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] a = lora.forward(idx, 1, 8).value().toArray();
        float[] c = full.forward(idx, 1, 8).value().toArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], c[i], 1e-4, "logit " + i);
        assertThrows(IllegalArgumentException.class, () -> AdapterMerge.merge(pre, tmp.resolve("m2")), "not a LoRA run");
        assertFalse(Files.exists(tmp.resolve("m2")));
        IllegalArgumentException base = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(tiny(tmp.resolve("x"), 1, "init_from=" + ft), TrainListener.NONE).run(null));
        assertTrue(base.getMessage().contains("peft merge"), base.getMessage());
    }

    @Test
    void badPeftInputWritesNothing() {
        Path out = tmp.resolve("bad");
        dev.descent.peft.PeftException e = assertThrows(dev.descent.peft.PeftException.class,
                () -> new Trainer(tiny(out, 1, "peft.target_modules=q_proj"), TrainListener.NONE).run(null));
        assertTrue(e.getMessage().contains("transformer.h.0.attn.c_attn"), e.getMessage());
        assertThrows(dev.descent.peft.PeftException.class,
                () -> new Trainer(tiny(out, 1, "peft.target_modules=c_attn", "peft.r=17"), TrainListener.NONE).run(null));
        assertThrows(ConfigException.class, () -> tiny(out, 1, "peft.target_modules=c_attn", "peft.r=0").validate());
        assertThrows(ConfigException.class, () -> tiny(out, 1, "peft.target_modules=c_attn", "peft.alpha=3").validate());
        assertFalse(Files.exists(out));
    }

    @Test
    void nestedPatternsInYamlBecomeDottedNames() {
        TrainConfig c = TrainConfig.defaults().merge("peft:\n  r: 4\n  target_modules: [c_attn, c_proj]\n  rank_pattern:\n    mlp.c_proj: 2\n", "test");
        var lora = c.lora();
        assertEquals(List.of("c_attn", "c_proj"), lora.targetModules().names());
        assertEquals(2, lora.rankOf("transformer.h.0.mlp.c_proj"));
        assertEquals(4, lora.rankOf("transformer.h.0.attn.c_proj"));
    }

    /** A PyTorch-trained model given as a bare safetensors file with nanoGPT's names: sizes from the shapes, n_head from the config. */
    @Test
    void initFromABareSafetensorsFile() throws Exception {
        Path pre = pretrained();
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (var e : Safetensors.read(Checkpoint.locate(pre).resolve("model.safetensors")).tensors().entrySet()) {
            sd.put("_orig_mod." + e.getKey(), e.getValue());
        }
        sd.put("_orig_mod.transformer.h.0.attn.bias", Tensor.zeros(1, 1, 16, 16));
        Path file = tmp.resolve("nanogpt.safetensors");
        Safetensors.write(file, sd, Map.of("format", "pt"));
        GptConfig g = BaseWeights.configFromShapes("f", BaseWeights.read(file), 2, 0f);
        assertEquals(1, g.nLayer());
        assertEquals(16, g.nEmbd());
        assertEquals(16, g.blockSize());
        // The config's sizes differ from the file's; the file's win, and the run starts from its weights.
        Path ft = tmp.resolve("ft-file");
        new Trainer(tiny(ft, 0, "init_from=" + file, "n_embd=32", "n_layer=2"), TrainListener.NONE).run(null);
        RunOutputs.assertSameWeights(RunOutputs.weights(pre), RunOutputs.weights(ft), "init_from file");
        assertEquals(16, ((Number) Checkpoint.info(ft).config().get("n_embd")).intValue());
    }
}
