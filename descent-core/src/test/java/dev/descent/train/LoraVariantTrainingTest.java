package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.Safetensors;
import dev.descent.nn.Gpt;
import dev.descent.peft.AdapterFiles;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with {@code peft.variant}: LoRA-Pro and LoRA-SB runs, their files and resume. */
class LoraVariantTrainingTest {
    @TempDir
    Path tmp;

    private TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("sample_tokens=0", "threads=1", "dropout=0", "learning_rate=1e-2", "eval_interval=3"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    private Path pretrained() throws Exception {
        Path pre = tmp.resolve("pre");
        new Trainer(tiny(pre, 3, "train_end=0.9"), TrainListener.NONE).run(null);
        return pre;
    }

    private String[] variant(Path pre, String name, String... more) {
        List<String> l = new ArrayList<>(List.of("init_from=" + pre, "train_start=0.9", "peft.r=2", "peft.lora_alpha=4",
                "peft.target_modules=c_attn,c_fc", "peft.variant=" + name));
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }

    /** 3 steps, then 3 more from the checkpoint, equal the 6-step run bit for bit; the adapter files load as a LoRA adapter. */
    private Map<String, Tensor> resumesExactly(Path pre, String name, String... more) throws Exception {
        Path ft = tmp.resolve(name);
        new Trainer(tiny(ft, 6, variant(pre, name, more)), TrainListener.NONE).run(null);
        Map<String, Tensor> adapter = Safetensors.read(Checkpoint.locate(ft).resolve(AdapterFiles.WEIGHTS)).tensors();
        Path split = tmp.resolve(name + "-split");
        new Trainer(tiny(split, 3, variant(pre, name, more)), TrainListener.NONE).run(null);
        new Trainer(Trainer.configOf(split).with(List.of("max_iters=6")), TrainListener.NONE).run(split);
        Map<String, Tensor> resumed = Safetensors.read(Checkpoint.locate(split).resolve(AdapterFiles.WEIGHTS)).tensors();
        assertEquals(adapter.keySet(), resumed.keySet());
        for (var e : adapter.entrySet()) assertArrayEquals(e.getValue().toArray(), resumed.get(e.getKey()).toArray(), e.getKey());
        Gpt sampled = Sampler.load(ft).model();
        for (float v : sampled.forward(new int[] {1, 2, 3, 4}, 1, 4).value().toArray()) assertTrue(Float.isFinite(v));
        return Safetensors.read(Checkpoint.locate(ft).resolve("model.safetensors")).tensors();
    }

    @Test
    void loraProAndLoraSbTrainResumeAndSaveAsLoraAdapters() throws Exception {
        Path pre = pretrained();
        Map<String, Tensor> pro = resumesExactly(pre, "lora_pro");
        assertEquals(4, pro.size(), "LoRA-Pro trains lora_A and lora_B");
        Map<String, Tensor> sb = resumesExactly(pre, "lora_sb", "peft.lora_sb_init_samples=7");
        assertEquals(2, sb.size(), "LoRA-SB trains one r×r matrix per layer: " + sb.keySet());
        Tensor r = sb.get("transformer.h.0.attn.c_attn.lora_latent.default.weight");
        assertArrayEquals(new int[] {2, 2}, r.shape());
        assertTrue(Files.isRegularFile(Checkpoint.locate(tmp.resolve("lora_sb")).resolve(AdapterFiles.CONFIG)));
        assertEquals(2.0, AdapterFiles.readConfig(Checkpoint.locate(tmp.resolve("lora_sb"))).loraAlpha(), 0, "lora_alpha = r: s = 1");
    }

    /**
     * TeRA and HUT runs resume bit for bit and write their own adapter files (peft_type TERA / HUT), which
     * the sampler loads onto the base; TeRA trains 4 scaling vectors per layer, HUT LoRA's two factors.
     */
    @Test
    void teraAndHutTrainResumeAndSaveTheirAdapterFiles() throws Exception {
        Path pre = pretrained();
        Map<String, Tensor> tera = resumesExactly(pre, "tera");
        assertEquals(8, tera.size(), "TeRA trains λ₁…λ₄ of each of the 2 layers: " + tera.keySet());
        assertArrayEquals(new int[] {2}, tera.get("transformer.h.0.attn.c_attn.tera_lambda_4").shape());
        Map<String, Tensor> hut = resumesExactly(pre, "hut");
        assertEquals(4, hut.size(), "HUT trains hut_A and hut_B: " + hut.keySet());
        assertTrue(Files.readString(Checkpoint.locate(tmp.resolve("tera")).resolve(AdapterFiles.CONFIG)).contains("\"TERA\""));
        assertTrue(Files.readString(Checkpoint.locate(tmp.resolve("hut")).resolve(AdapterFiles.CONFIG)).contains("\"HUT\""));
        // peft merge writes a plain model (the base's names only) that gives the adapted model's logits
        for (String variant : new String[] {"tera", "hut"}) {
            Gpt adapted = Sampler.load(tmp.resolve(variant)).model();
            Path merged = tmp.resolve(variant + "-merged");
            AdapterMerge.merge(tmp.resolve(variant), merged);
            Gpt full = Sampler.load(merged).model();
            assertEquals(Sampler.load(pre).model().namedParameters().keySet(), full.namedParameters().keySet(), variant);
            int[] idx = {1, 2, 3, 4, 5, 6, 7, 8};
            float[] a = adapted.forward(idx, 1, 8).value().toArray();
            float[] c = full.forward(idx, 1, 8).value().toArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], c[i], 1e-4, variant + " logit " + i);
        }
    }

    /**
     * IncreLoRA with r = 1, average target rank 2, an allocation every 2 steps after step 1 (top_h 1, 1 rank
     * each): the run resumes bit for bit from step 3, across the allocation at step 2 and into the one at
     * step 4; the checkpoint's optimizer metadata holds the ranks; the total stays within the budget.
     */
    @Test
    void increloraResumesAcrossAnAllocationAndStaysWithinBudget() throws Exception {
        Path pre = pretrained();
        String[] opts = {"peft.r=1", "peft.increlora_target_rank=2", "peft.increlora_init_warmup=1", "peft.increlora_interval=2",
                "peft.increlora_top_h=1", "peft.increlora_rank_per_add=1"};
        Map<String, Tensor> m = resumesExactly(pre, "increlora", opts);
        assertEquals(6, m.size(), "IncreLoRA trains lora_A, lora_B and lora_E: " + m.keySet());
        dev.descent.peft.LoraConfig saved = AdapterFiles.readConfig(Checkpoint.locate(tmp.resolve("increlora")));
        int layers = saved.rankPattern().size();
        int used = 0;
        for (int r : saved.rankPattern().values()) used += r;
        // Two allocations of one rank (steps 2 and 4) on top of r = 1 per module, plus one reserve per module while growing.
        assertTrue(used <= 2 * layers + layers, "ranks " + saved.rankPattern());
        assertTrue(used >= layers + 2, "two ranks were added: " + saved.rankPattern());
    }

    @Test
    void badIncreloraSettingsAreOneLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> tiny(tmp.resolve("x"), 1, "peft.target_modules=c_attn", "peft.r=4",
                "peft.variant=increlora", "peft.increlora_target_rank=2").validate());
        assertEquals("config key 'peft.increlora_target_rank' = 2 gives a rank budget below the initial rank r = 4; allowed: an integer ≥ 4", e.getMessage());
        e = assertThrows(ConfigException.class, () -> tiny(tmp.resolve("y"), 1, "peft.target_modules=c_attn", "peft.variant=increlora",
                "peft.increlora_topk=2").validate());
        assertTrue(e.getMessage().contains("increlora_topk") && !e.getMessage().contains("\n"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> tiny(tmp.resolve("z"), 1, "peft.target_modules=c_attn", "peft.increlora_top_h=2").validate());
        assertTrue(e.getMessage().contains("apply to variant increlora only"), e.getMessage());
    }

    @Test
    void unknownVariantsAndQuantizedLoraSbAreRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> tiny(tmp.resolve("x"), 1, "peft.target_modules=c_attn", "peft.variant=dora").validate());
        assertTrue(e.getMessage().contains("allowed: one of [lora, lora_pro, lora_sb, increlora, tera, hut]"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> tiny(tmp.resolve("y"), 1, "init_from=somewhere", "peft.target_modules=c_attn",
                "peft.variant=lora_sb", "quantize.format=nf4").validate());
        assertTrue(e.getMessage().contains("quantize"), e.getMessage());
    }
}
