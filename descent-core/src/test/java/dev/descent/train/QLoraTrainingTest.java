package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.ActivationArena;
import dev.descent.data.TextDataset;
import dev.descent.io.Safetensors;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.nn.Module;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.peft.AdapterFiles;
import dev.descent.peft.Lora;
import dev.descent.peft.LoraConfig;
import dev.descent.quant.NormalFloat4;
import dev.descent.quant.QuantizeConfig;
import dev.descent.quant.QuantizedLinear;
import dev.descent.quant.WeightFormat;
import dev.descent.tensor.Philox;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with {@code quantize:} and {@code peft:} sections (QLoRA): binding, a frozen packed base, resume, sampling, model-state bytes. */
class QLoraTrainingTest {
    @TempDir
    Path tmp;

    private static final String[] QLORA = {"peft.r=2", "peft.lora_alpha=4", "peft.target_modules=c_attn,c_fc", "peft.lora_dropout=0.1",
        "quantize.format=nf4"};

    /** The trainer tests' tiny GPT, 64 wide so that every linear layer's input is a whole number of NF4 blocks. */
    private TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("n_embd=64", "sample_tokens=10", "threads=1", "dropout=0", "learning_rate=1e-2",
                "eval_interval=3"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    private static String[] with(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    private static TrainConfig bind(String... overrides) {
        return TrainConfig.defaults().with(List.of(overrides)).validate();
    }

    @Test
    void quantizeSectionBindsAndBadInputIsOneLine() {
        TrainConfig c = bind("init_from=base.safetensors", "peft.r=2", "peft.target_modules=c_attn", "quantize.format=int8",
                "quantize.double_quant=false", "quantize.skip=c_proj");
        assertEquals(new QuantizeConfig(WeightFormat.INT8, false, null, List.of("c_proj")), c.quantization());
        assertEquals(new QuantizeConfig(WeightFormat.NF4, true, List.of("c_attn", "c_fc"), List.of()),
                bind("init_from=b.safetensors", "peft.target_modules=c_attn", "quantize.target_modules=c_attn,c_fc").quantization());
        assertNull(bind().quantization());

        ConfigException format = assertThrows(ConfigException.class,
                () -> bind("init_from=b.safetensors", "peft.target_modules=c_attn", "quantize.format=fp4"));
        assertTrue(format.getMessage().contains("'quantize.format' = fp4") && format.getMessage().contains("valid: nf4, int8"), format.getMessage());
        ConfigException key = assertThrows(ConfigException.class,
                () -> bind("init_from=b.safetensors", "peft.target_modules=c_attn", "quantize.bits=4"));
        assertTrue(key.getMessage().contains("'quantize.bits' is not a known key; valid keys there: format, double_quant, target_modules, skip"),
                key.getMessage());
        ConfigException dq = assertThrows(ConfigException.class,
                () -> bind("init_from=b.safetensors", "peft.target_modules=c_attn", "quantize.double_quant=yes"));
        assertTrue(dq.getMessage().contains("true or false"), dq.getMessage());
        ConfigException noPeft = assertThrows(ConfigException.class, () -> bind("init_from=b.safetensors", "quantize.format=nf4"));
        assertTrue(noPeft.getMessage().contains("needs a 'peft' section"), noPeft.getMessage());
        ConfigException scratch = assertThrows(ConfigException.class, () -> bind("peft.target_modules=c_attn", "quantize.format=nf4"));
        assertTrue(scratch.getMessage().contains("needs init_from"), scratch.getMessage());
        for (Exception e : List.of(format, key, dq, noPeft, scratch)) assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void quantizeRefusesTargetsItCannotPack() {
        Gpt narrow = new Gpt(new GptConfig(65, 16, 1, 2, 16, 0f, false), 1);
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> new QuantizeConfig(WeightFormat.NF4, true, null, List.of()).apply(narrow));
        assertTrue(width.getMessage().contains("transformer.h.0.attn.c_attn has 16 input features") && width.getMessage().contains("quantize.skip"),
                width.getMessage());
        Gpt g = new Gpt(new GptConfig(65, 16, 1, 2, 64, 0f, false), 1);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new QuantizeConfig(WeightFormat.NF4, true, List.of("wte"), List.of()).apply(g));
        assertTrue(none.getMessage().contains("'wte' matches no linear layer"), none.getMessage());
        // The default: every linear layer of the blocks; the tied head (the token embedding) stays float32.
        QuantizeConfig.Applied a = new QuantizeConfig(WeightFormat.NF4, true, null, List.of("mlp.c_proj")).apply(g);
        assertEquals(List.of("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_fc"), a.layers());
        assertTrue(g.namedParameters().containsKey("transformer.wte.weight"));
        assertTrue(g.namedParameters().containsKey("transformer.h.0.mlp.c_proj.weight"));
    }

    /** The quantized layers of {@code root} (below an adapter or not) by dotted name of the layer they replaced. */
    private static Map<String, QuantizedLinear> quantized(Module root) {
        Map<String, QuantizedLinear> out = new LinkedHashMap<>();
        for (var e : Lora.modules(root).entrySet()) {
            if (e.getValue() instanceof QuantizedLinear q) out.put(e.getKey().replace(".base_layer", ""), q);
        }
        return out;
    }

    @Test
    void qloraStepsTrainTheAdaptersAndNeverTouchThePackedBase() {
        GptConfig gc = new GptConfig(65, 16, 1, 2, 64, 0.1f, false);
        Gpt model = new Gpt(gc, 7);
        Map<String, float[]> original = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet()) original.put(e.getKey(), e.getValue().value().toArray());
        new QuantizeConfig(WeightFormat.NF4, true, null, List.of()).apply(model);
        Lora.apply(model, LoraConfig.fromSection(Map.of("r", "4", "target_modules", "c_attn,c_proj,c_fc", "lora_dropout", "0.1"), "peft"),
                "default", 7, model.dropoutStreams());
        Map<String, QuantizedLinear> q = quantized(model);
        assertEquals(4, q.size());
        Map<String, StoredTensor> packed = new LinkedHashMap<>();
        Map<String, float[]> decoded = new LinkedHashMap<>();
        for (var e : q.entrySet()) {
            packed.put(e.getKey(), e.getValue().weight());
            decoded.put(e.getKey(), e.getValue().weight().toFloat32().toArray());
            // The packed weight is NF4 (with double quantization) of the loaded float32 weight.
            float[] w = original.get(e.getKey() + ".weight");
            int in = e.getValue().inFeatures();
            float[] expected = NormalFloat4.quantize(Tensor.of(w, w.length / in, in), true).tensor().toFloat32().toArray();
            assertArrayEquals(expected, decoded.get(e.getKey()), e.getKey());
        }
        FlatParameters params = model.parameters();
        float[] frozen = params.frozenValues().clone();
        for (var p : params.list()) assertTrue(p.name().contains(".lora_A.default.") || p.name().contains(".lora_B.default."), p.name());
        Optimizer opt = AdamW.nanoGpt(params, 1e-2, 0.9, 0.99, 0.1);
        int[] tokens = new int[4096];
        Philox data = Philox.stream(3, "tokens");
        for (int i = 0; i < tokens.length; i++) tokens[i] = data.nextInt(i, 64);
        for (int step = 0; step < 3; step++) {
            model.beginStep(step);
            TextDataset.Batch b = TextDataset.batch(tokens, 4, 16, Philox.stream(3, "batch"), step);
            model.loss(b.x(), b.y(), 4, 16).backward();
            opt.step();
            opt.zeroGrad();
        }
        assertArrayEquals(frozen, params.frozenValues(), "the float32 frozen parameters (embeddings, norms)");
        for (var e : quantized(model).entrySet()) {
            assertSame(packed.get(e.getKey()), e.getValue().weight());
            assertArrayEquals(decoded.get(e.getKey()), e.getValue().weight().toFloat32().toArray(), e.getKey());
        }
        boolean moved = false;
        for (float v : Lora.layers(model).get("transformer.h.0.attn.c_attn").adapters().get("default").loraB().value().toArray()) moved |= v != 0;
        assertTrue(moved, "B left zero: the adapter did not train");
    }

    @Test
    void qloraRunResumesExactlyAndSamplingRebuildsTheTrainedModel() throws Exception {
        Path pre = tmp.resolve("pre");
        new Trainer(tiny(pre, 3, "train_end=0.9"), TrainListener.NONE).run(null);
        Path ft = tmp.resolve("ft");
        TrainConfig cfg = tiny(ft, 6, with(QLORA, "init_from=" + pre, "train_start=0.9"));
        Trainer.Result r = new Trainer(cfg, TrainListener.NONE).run(null);
        Path ck = Checkpoint.locate(ft);
        Map<String, Tensor> adapter = Safetensors.read(ck.resolve(AdapterFiles.WEIGHTS)).tensors();
        assertEquals(4, adapter.size());
        assertEquals(4, Safetensors.read(ck.resolve("model.safetensors")).tensors().size(),
                "the checkpoint holds the adapter only; the packed base is rebuilt from init_from");
        ModelStateBytes s = r.modelState();
        // Four 64-wide layers of one block: c_attn 192·64, attn.c_proj 64·64, c_fc 256·64, mlp.c_proj 64·256 weights, 5 bits each.
        long quantizedElements = 192 * 64 + 64 * 64 + 256 * 64 + 64 * 256;
        assertEquals(quantizedElements / 2 + 4 * (quantizedElements / 32), s.packed());
        long loraElements = 2 * (64 + 192) + 2 * (64 + 256);
        assertEquals(4 * loraElements, s.trainable());
        assertEquals(4 * loraElements, s.gradients());
        assertEquals(8 * loraElements, s.optimizerState(), "AdamW: two moments per adapter element");

        // Resume: 3 steps, then 3 more from the checkpoint, equal the 6-step run bit for bit.
        Path split = tmp.resolve("split");
        new Trainer(tiny(split, 3, with(QLORA, "init_from=" + pre, "train_start=0.9")), TrainListener.NONE).run(null);
        Trainer.Result resumed = new Trainer(Trainer.configOf(split).with(List.of("max_iters=6")), TrainListener.NONE).run(split);
        Map<String, Tensor> again = Safetensors.read(Checkpoint.locate(split).resolve(AdapterFiles.WEIGHTS)).tensors();
        for (var e : adapter.entrySet()) assertArrayEquals(e.getValue().toArray(), again.get(e.getKey()).toArray(), e.getKey());
        assertEquals(r.finalValLoss(), resumed.finalValLoss());

        // Sampling rebuilds base → NF4 → adapter: its losses on the final evaluation's batches equal, bit for bit,
        // those the training-time model reported (the same forward over the same logits).
        Gpt sampled = Sampler.load(ft).model();
        Map<String, QuantizedLinear> q = quantized(sampled);
        assertEquals(List.of("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_fc",
                "transformer.h.0.mlp.c_proj"), List.copyOf(q.keySet()));
        assertTrue(Lora.layers(sampled).get("transformer.h.0.attn.c_attn").base() instanceof QuantizedLinear);
        int[] train = Trainer.trainSlice(TextDataset.shakespeare().train(), 0.9, 1.0);
        // (in an arena of its own: the training run's evaluation used the training objective's)
        double[] losses = new Trainer(cfg, TrainListener.NONE).evaluate(sampled, new ActivationArena(), train,
                TextDataset.shakespeare().val(), 16, 4, cfg.getInt("seed"), cfg.getInt("eval_iters"));
        assertEquals(r.finalTrainLoss(), losses[0]);
        assertEquals(r.finalValLoss(), losses[1]);
        assertNotEquals(0, Sampler.load(ft).sample("\n", 5, 0.8f, 200, 1).length());
    }

    /** The model state of {@code model} after one AdamW step on a short batch (moments allocated). */
    private static ModelStateBytes state(Gpt model) {
        FlatParameters params = model.parameters();
        Optimizer opt = AdamW.nanoGpt(params, 1e-3, 0.9, 0.99, 0.1);
        int[] idx = new int[8];
        model.loss(idx, idx, 1, 8).backward();
        opt.step();
        return ModelStateBytes.of(model, params, opt);
    }

    /**
     * Model-state bytes (weights + gradients + optimizer state) of QLoRA (NF4 with double quantization,
     * LoRA r = 8 on c_attn, c_proj, c_fc, AdamW) against full AdamW fine-tuning of the same GPT, for the
     * recipe's 4 × 128 model and a 6 × 384 one (block 256), where the embeddings are ~1% of the weights:
     * the ratio is at most 0.2, and each part equals its count from the shapes.
     */
    @Test
    void qloraModelStateIsUnderAFifthOfFullAdamW() {
        for (int[] size : new int[][] {{4, 4, 128, 64}, {6, 6, 384, 256}}) {
            int layers = size[0];
            int c = size[2];
            int block = size[3];
            GptConfig gc = new GptConfig(65, block, layers, size[1], c, 0f, false);
            ModelStateBytes full = state(new Gpt(gc, 1));
            long p = (65L + block) * c + layers * (12L * c * c + 2L * c) + c;     // embeddings, blocks (weights, two norm gains), ln_f
            assertEquals(16 * p, full.total(), "full AdamW: weights, gradients, two moments");

            Gpt q = new Gpt(gc, 1);
            new QuantizeConfig(WeightFormat.NF4, true, null, List.of()).apply(q);
            Lora.apply(q, LoraConfig.fromSection(Map.of("r", "8", "lora_alpha", "16", "target_modules", "c_attn,c_proj,c_fc"), "peft"),
                    "default", 1, q.dropoutStreams());
            ModelStateBytes qs = state(q);
            long packedElements = layers * 12L * c * c;
            long lora = layers * 8L * ((c + 3L * c) + (c + c) + (c + 4L * c) + (4L * c + c));
            assertEquals(packedElements / 2 + 4 * (packedElements / 32), qs.packed(), "NF4 in memory: 4 bits + a float32 scale per 32");
            assertEquals(4 * (p - packedElements), qs.frozen(), "embeddings and norms stay float32");
            assertEquals(16 * lora, qs.trainable() + qs.gradients() + qs.optimizerState());
            double ratio = (double) qs.total() / full.total();
            System.out.printf("model state %d x %d: full AdamW %,d bytes, QLoRA %,d bytes, ratio %.4f%n", layers, c, full.total(), qs.total(), ratio);
            assertTrue(ratio <= 0.2, "ratio " + ratio);
        }
    }
}
