package dev.descent.bench.peft;

import dev.descent.io.Safetensors;
import dev.descent.train.Checkpoint;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA variants against LoRA at (about) equal trainable parameters and equal steps, on the unseen-plays
 * adaptation of {@code bench/lora-finetune.sh} (docs/peft.md):
 * <ol>
 *   <li>pre-train the GPT of {@code examples/shakespeare-char-pretrain.yaml} (4 layers × 128, block 64,
 *       batch 12) with AdamW on {@code [0, 0.9)} of the training split, {@code preIters} steps (once,
 *       kept in {@code out/pretrain});</li>
 *   <li>fine-tune on the unseen {@code [0.9, 1)} with AdamW (β = 0.9, 0.99, weight decay 0.1, clip 1) at a
 *       constant learning rate {@code lr}, {@code ftIters} steps, adapters on {@code c_attn}, {@code c_proj},
 *       {@code c_fc}: LoRA r = 8, α = 16; LoRA-Pro, the same adapters with adjusted gradients; LoRA-SB,
 *       with the rank of each layer chosen so that its r² trainable elements match LoRA's r·(in + out)
 *       ({@code ⌊√(8·(in + out))⌋}: 64, 45, 71, 71 at width 128; 64,812 elements against 65,536);</li>
 *       IncreLoRA, r = 1 at the start and an average final rank of 8 (budget 128 over the 16 layers, so
 *       its final adapter has LoRA r = 8's total rank), α = 16, the authors' top_h 9 and 4 ranks per
 *       addition, with warm-up and interval scaled from their 100/100 (of ~4,000 steps) to 10/10 (of 200):
 *       allocations at steps 20, 30, 40, 50 reach the budget; at most 32 components per layer;
 *       TeRA at Tucker rank r = 8 (4·8 = 32 scaling-vector elements per layer, 512 in all: a vector-based
 *       method, it cannot reach LoRA's count, whose 65,536 would need r = 2,048 and a core of r⁴ elements);
 *       HUT at r = 8, α = 16 (LoRA's r·(in + out) = 65,536 elements exactly);</li>
 *   <li>report, per method over the fine-tuning seeds 1…{@code seeds}, the validation and slice loss on
 *       20 fixed batches (mean ± sample sd) and the trainable elements counted in the checkpoint; a run
 *       already finished in {@code out} is read back, not repeated (an interrupted comparison continues).</li>
 * </ol>
 * Every run uses one kernel thread. LoRA-SB also spends {@code lora_sb_init_samples} = 50 sequences
 * (five forward/backward passes of ≤ 12 sequences) on its initial gradient, outside the step count.
 */
public final class LoraVariantsBench {
    private LoraVariantsBench() {}

    /** The methods compared, in table order. */
    public static final List<String> METHODS = List.of("lora", "lora_pro", "lora_sb", "increlora", "tera", "hut");

    private static final List<String> PRETRAIN = List.of("dataset=shakespeare_char", "train_start=0.0", "train_end=0.9", "n_layer=4",
            "n_head=4", "n_embd=128", "block_size=64", "batch_size=12", "bias=false", "dropout=0.0", "optimizer=adamw",
            "learning_rate=1.0e-3", "min_lr=1.0e-4", "warmup_iters=100", "beta1=0.9", "beta2=0.99", "weight_decay=0.1", "grad_clip=1.0",
            "eval_iters=20", "log_interval=50", "seed=1337", "threads=1", "sample_tokens=0");

    /** Runs the comparison of every method into {@code out} and prints (and returns) the Markdown table. */
    public static String run(Path out, int preIters, int ftIters, int seeds, double lr, PrintStream p) {
        return run(out, preIters, ftIters, seeds, lr, METHODS, p);
    }

    /** Runs the comparison of {@code methods} (a subset of {@link #METHODS}, in table order) into {@code out}. */
    public static String run(Path out, int preIters, int ftIters, int seeds, double lr, List<String> methods, PrintStream p) {
        for (String m : methods) {
            if (!METHODS.contains(m)) throw new IllegalArgumentException("method '" + m + "' is not one of " + METHODS);
        }
        try {
            Path pre = PretrainedBase.ensure(out.resolve("pretrain"), PRETRAIN, preIters, p);
            Losses before = finetune(out, pre, "before", 0, 1, lr, List.of());
            Map<String, List<Losses>> results = new LinkedHashMap<>();
            Map<String, Long> trainable = new LinkedHashMap<>();
            for (int seed = 1; seed <= seeds; seed++) {
                for (String m : methods) {
                    Losses r = finetune(out, pre, m + "-" + seed, ftIters, seed, lr, adapter(m));
                    results.computeIfAbsent(m, k -> new ArrayList<>()).add(r);
                    trainable.put(m, m.equals("increlora") ? adapterElements(r.runDir()) : trainableElements(r.runDir()));
                    p.printf("%s seed %d: val %.4f, slice %.4f%n", m, seed, r.val(), r.slice());
                }
            }
            StringBuilder md = new StringBuilder();
            md.append(String.format("pre-trained (%d steps): val loss %.4f, slice loss %.4f; fine-tuning %d steps at lr %s, %d seeds%n%n",
                    preIters, before.val(), before.slice(), ftIters, lr, seeds));
            md.append("| method | trainable elements | val loss (mean ± sd) | slice loss (mean ± sd) |\n");
            md.append("|---|---|---|---|\n");
            for (var e : results.entrySet()) {
                List<Losses> rs = e.getValue();
                md.append(String.format("| %s | %,d | %s | %s |%n", e.getKey(), trainable.get(e.getKey()),
                        meanSd(rs.stream().mapToDouble(Losses::val).toArray()), meanSd(rs.stream().mapToDouble(Losses::slice).toArray())));
            }
            p.print(md);
            return md.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code peft.*} overrides of a method (width 128, the recipe's). */
    static List<String> adapter(String method) {
        List<String> o = new ArrayList<>(List.of("peft.target_modules=c_attn,c_proj,c_fc", "peft.variant=" + method));
        if (method.equals("lora_sb")) {
            int e = 128;
            o.add("peft.r=" + equalRank(e, 3 * e));
            o.add("peft.rank_pattern.attn.c_attn=" + equalRank(e, 3 * e));
            o.add("peft.rank_pattern.attn.c_proj=" + equalRank(e, e));
            o.add("peft.rank_pattern.mlp.c_fc=" + equalRank(e, 4 * e));
            o.add("peft.rank_pattern.mlp.c_proj=" + equalRank(4 * e, e));
        } else if (method.equals("tera")) {
            o.add("peft.r=8");
        } else if (method.equals("increlora")) {
            o.addAll(List.of("peft.r=1", "peft.lora_alpha=16", "peft.increlora_target_rank=8", "peft.increlora_init_warmup=10",
                    "peft.increlora_interval=10", "peft.increlora_max_rank=32"));
        } else {
            o.addAll(List.of("peft.r=8", "peft.lora_alpha=16"));
        }
        return o;
    }

    /** The LoRA-SB rank whose r² elements match LoRA r = 8 on a layer in → out: ⌊√(8·(in + out))⌋, at most min(in, out). */
    static int equalRank(int in, int out) {
        return (int) Math.min(Math.floor(Math.sqrt(8.0 * (in + out))), Math.min(in, out));
    }

    /** The final losses of one fine-tuning run: slice (train) and validation. */
    record Losses(Path runDir, double slice, double val) {}

    /**
     * Fine-tunes run {@code name}, or reads the final losses of a run already finished there (its
     * metrics end with the evaluation at step {@code steps}), so that an interrupted comparison
     * continues where it stopped.
     */
    private static Losses finetune(Path out, Path pre, String name, int steps, int seed, double lr, List<String> more) throws IOException {
        Path dir = out.resolve(name);
        Losses done = finished(dir, steps);
        if (done != null) return done;
        List<String> o = new ArrayList<>(PRETRAIN);
        o.addAll(List.of("init_from=" + pre, "train_start=0.9", "train_end=1.0", "decay_lr=false", "learning_rate=" + lr, "min_lr=0",
                "max_iters=" + steps, "eval_interval=" + Math.max(steps, 1), "final_eval_iters=20", "seed=" + seed,
                "out_dir=" + out.resolve(name)));
        o.addAll(more);
        Trainer.Result r = new Trainer(TrainConfig.defaults().with(o).validate(), TrainListener.NONE).run(null, true);
        return new Losses(r.runDir(), r.finalTrainLoss(), r.finalValLoss());
    }

    /** The final evaluation of a run in {@code dir} that reached {@code steps}, or null. */
    private static Losses finished(Path dir, int steps) throws IOException {
        Path metrics = dir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(metrics) || !Files.isRegularFile(dir.resolve("checkpoint").resolve("checkpoint.json"))) return null;
        List<String> lines = Files.readAllLines(metrics);
        if (lines.isEmpty()) return null;
        var last = JSON.readTree(lines.get(lines.size() - 1));
        if (!last.has("val_loss") || last.get("step").asLong() != steps) return null;
        return new Losses(dir, last.get("train_loss").asDouble(), last.get("val_loss").asDouble());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The elements of the run's trainable-only checkpoint (a LoRA run's {@code model.safetensors}). */
    private static long trainableElements(Path run) throws IOException {
        long n = 0;
        for (Tensor t : Safetensors.read(Checkpoint.locate(run).resolve("model.safetensors")).tensors().values()) n += t.size();
        return n;
    }

    /**
     * The elements of the run's PEFT adapter file: for IncreLoRA, whose checkpoint holds every preallocated
     * component, the allocated ones at the end (λ folded into lora_B; once the budget is reached no reserve is left).
     */
    private static long adapterElements(Path run) throws IOException {
        long n = 0;
        for (Tensor t : Safetensors.read(Checkpoint.locate(run).resolve(dev.descent.peft.AdapterFiles.WEIGHTS)).tensors().values()) n += t.size();
        return n;
    }

    private static String meanSd(double[] xs) {
        return dev.descent.bench.report.Stats.meanSd(xs, 4);
    }
}
