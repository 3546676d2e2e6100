package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.Safetensors;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.nn.Parameter;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.peft.AdapterFiles;
import dev.descent.peft.Lora;
import dev.descent.peft.LoraConfig;
import dev.descent.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zeroth-order optimizers on LoRA adapters (MeZO-LoRA, the standard baseline, and AR1-ZO): built as the
 * trainer builds them, they perturb and update only the adapter factors; the frozen base is untouched.
 */
class ZerothOrderLoraTest {
    @TempDir
    Path tmp;

    @Test
    void mezoOnLoraMovesOnlyTheAdapters() {
        Gpt m = new Gpt(new GptConfig(11, 8, 2, 2, 8, 0f, true), 3);
        Lora.apply(m, LoraConfig.of(LoraConfig.Targets.names(List.of("c_attn", "c_fc"))).withRank(2, 4), "default", 1, m.dropoutStreams());
        int[] tokens = new int[200];
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 7 + i / 3) % 11;
        GptObjective objective = new GptObjective(m, tokens, 2, 8, 5, 0);
        // as Trainer.buildOptimizer: the registry over ParamSet.of(model.parameters())
        Optimizer opt = OptimizerRegistry.defaults().create("mezo", ParamSet.of(m.parameters()), m.parameters().grads(),
                new HyperParams(Map.of("lr", "1e-2", "mu", "1e-2")));
        float[] frozen = m.parameters().frozenValues().clone();
        Map<String, float[]> before = new HashMap<>();
        for (Parameter p : m.parameters().list()) before.put(p.name(), p.value().toArray());
        for (int t = 0; t < 3; t++) {
            objective.prepare(t);
            opt.step(objective);
        }
        assertArrayEquals(frozen, m.parameters().frozenValues(), "the frozen base is bit for bit unchanged");
        assertEquals(8, m.parameters().list().size(), "lora_A and lora_B of c_attn and c_fc, two blocks");
        for (Parameter p : m.parameters().list()) {
            assertTrue(p.name().contains(".lora_A.") || p.name().contains(".lora_B."), p.name());
            boolean moved = false;
            float[] now = p.value().toArray();
            for (int i = 0; i < now.length; i++) moved |= now[i] != before.get(p.name())[i];
            assertTrue(moved, p.name() + " moved: MeZO perturbs A and B together (B = 0 at the start, A random)");
        }
    }

    @Test
    void trainingWithMezoOrAr1ZoOnAPeftSectionTrainsTheAdapter() throws Exception {
        Path pre = tmp.resolve("pre");
        new Trainer(TinyConfigs.tiny(pre, 2, "threads=1", "dropout=0", "sample_tokens=0", "train_end=0.9"), TrainListener.NONE).run(null);
        for (String name : List.of("mezo", "ar1_zo")) {
            Path ft = tmp.resolve(name);
            List<String> o = new ArrayList<>(List.of("threads=1", "dropout=0", "sample_tokens=0", "init_from=" + pre, "train_start=0.9",
                    "peft.r=2", "peft.lora_alpha=4", "peft.target_modules=c_attn", "optimizer=" + name, "optimizer_args.mu=1e-2",
                    "learning_rate=1e-2", "decay_lr=false"));
            new Trainer(TinyConfigs.tiny(ft, 4, o.toArray(String[]::new)), TrainListener.NONE).run(null);
            Map<String, Tensor> adapter = Safetensors.read(Checkpoint.locate(ft).resolve(AdapterFiles.WEIGHTS)).tensors();
            assertEquals(2, adapter.size(), name);
            boolean moved = false;
            for (float v : adapter.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").toArray()) moved |= v != 0;
            assertTrue(moved, name + ": B left zero");
        }
    }
}
