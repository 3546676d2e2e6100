package dev.descent.bench.zo;

import dev.descent.autograd.NoGrad;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.train.Checkpoint;
import dev.descent.train.GptObjective;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;
import dev.descent.train.TrainingLoop;
import dev.descent.tensor.Philox;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Mezo;
import dev.descent.zo.Quzo;
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
 * QuZO against MeZO on the recipe GPT (BENCHMARKS.md §10.4): zeroth-order fine-tuning of the
 * pre-trained character GPT on the unseen {@code [0.9, 1)} slice of the training split, the adaptation
 * of {@code bench/lora-finetune.sh} and the {@code lora-variants} experiment. The base is pre-trained once
 * into {@code pretrain} with the options of {@code examples/shakespeare-char-pretrain.yaml} (AdamW on
 * {@code [0, 0.9)}, seed 1337, one thread) at the given sizes — by default 2 layers × 64 for 300 steps,
 * {@code MODEL="--set n_layer=2 --set n_head=2 --set n_embd=64" PRE_ITERS=300 bench/lora-finetune.sh}'s
 * base (§10's first table), small enough for QuZO's per-element rounding draws to fit 21 runs in about ten
 * minutes on two shared cores; any pre-trained run folder can be given instead. Methods, at fp32 or B-bit
 * forward weights:
 * <ul>
 *   <li>{@code mezo}: {@link Mezo} in float32;</li>
 *   <li>{@code rtn-B}: {@link Quzo} with {@link Quzo.Rounding#NEAREST} at B bits: MeZO run naively on
 *       a round-to-nearest B-bit model (perturbation and update rounded to nearest);</li>
 *   <li>{@code quzo-B}: QuZO at B bits, the paper's update on the integer codes;</li>
 *   <li>{@code quzo-master-B}: QuZO at B bits with a float32 master copy (stochastically rounded
 *       base point per query, stored model rounded to nearest between steps).</li>
 * </ul>
 * B ∈ {@code bits} (8 and 4 by default): a symmetric per-tensor absmax grid, {@link Quzo}'s
 * documented choice. What is trained: every weight of the GPT (MeZO's full-parameter setting).
 * QuZO's per-tensor grid is fixed from the starting weights, so it cannot run on LoRA adapters whose
 * B starts at zero (no grid); and quantizing only the adapters over a float32 base would not test a
 * low-precision forward. The token and position embeddings and the hidden matrices are quantized;
 * the LayerNorm gains stay float32 and take MeZO's update ({@link Quzo}'s rule).
 *
 * <p>Equal forward-pass budget: every method takes {@code steps} steps of q = 1 direction, two
 * forward passes each, on the same batches (data stream keyed by the seed) and, for a given seed, the
 * same Gaussian directions. Every run evaluates its final stored model (for the quantized methods the
 * B-bit model) on 20 fixed batches of the validation split and of the slice, the batches of the
 * {@code before} run of {@code bench/lora-finetune.sh} (stream (1337, "eval/val") and
 * (1337, "eval/train")), so the pre-trained row matches §10's. One kernel thread per run; runs are
 * interleaved seed by seed. Reported: mean ± sample sd over the seeds 1…{@code seeds}.
 */
public final class QuzoGptBench {
    private QuzoGptBench() {}

    /** The pre-training options of {@code examples/shakespeare-char-pretrain.yaml} (the lora-variants experiment's) but the model sizes. */
    private static final List<String> PRETRAIN = List.of("dataset=shakespeare_char", "train_start=0.0", "train_end=0.9", "block_size=64", "batch_size=12", "bias=false", "dropout=0.0", "optimizer=adamw",
            "learning_rate=1.0e-3", "min_lr=1.0e-4", "warmup_iters=100", "beta1=0.9", "beta2=0.99", "weight_decay=0.1", "grad_clip=1.0",
            "eval_iters=20", "log_interval=50", "seed=1337", "threads=1", "sample_tokens=0");
    private static final long EVAL_SEED = 1337;
    private static final int EVAL_BATCHES = 20;

    /** The options of one comparison. */
    public record Options(Path pretrain, int preIters, int nLayer, int nHead, int nEmbd, int steps, int seeds, double lr, double mu, double muQuantized, int[] bits,
                          List<String> methods) {}

    /** The final losses of one run. */
    record Losses(double val, double slice) {}

    /** The methods of {@code bits} in table order: mezo, then per width rtn-B, quzo-B, quzo-master-B. */
    public static List<String> methods(int[] bits) {
        List<String> m = new ArrayList<>(List.of("mezo"));
        for (int b : bits) m.addAll(List.of("rtn-" + b, "quzo-" + b, "quzo-master-" + b));
        return m;
    }

    /** Runs the comparison and prints (and returns) the Markdown table. */
    public static String run(Options o, PrintStream p) {
        try {
            List<String> recipe = new ArrayList<>(PRETRAIN);
            recipe.addAll(List.of("n_layer=" + o.nLayer(), "n_head=" + o.nHead(), "n_embd=" + o.nEmbd()));
            Path pre = dev.descent.bench.peft.PretrainedBase.ensure(o.pretrain(), recipe, o.preIters(), p);
            TrainConfig config = Trainer.configOf(pre);
            TextDataset data = TextDataset.shakespeare();
            int block = config.getInt("block_size");
            int batch = config.getInt("batch_size");
            GptConfig gc = new GptConfig(data.tokenizer().vocabSize(), block, config.getInt("n_layer"), config.getInt("n_head"),
                    config.getInt("n_embd"), 0f, config.getBool("bias"));
            int[] train = data.train();
            int[] slice = Arrays.copyOfRange(train, (int) (0.9 * train.length), train.length);
            Gpt model = new Gpt(gc, 0);
            Checkpoint.loadWeights(pre, model.parameters());
            float[] pretrained = model.parameters().values().clone();

            StringBuilder md = new StringBuilder();
            Losses before = evaluate(model, slice, data.val(), block, batch);
            md.append(String.format("pre-trained %s (%,d parameters): val %.4f, slice %.4f; %d steps (%d forward passes) per run, "
                            + "lr %s, μ %s (fp32) / %s (quantized), seeds 1..%d%n%n", pre, model.parameterCount(), before.val(), before.slice(),
                    o.steps(), 2 * o.steps(), o.lr(), o.mu(), o.muQuantized(), o.seeds()));
            for (int b : o.bits()) {
                // The starting point of the quantized methods: the round-to-nearest B-bit model (zero steps).
                reset(model, pretrained);
                build("rtn-" + b, model, 1, o);
                Losses start = evaluate(model, slice, data.val(), block, batch);
                md.append(String.format("round-to-nearest %d-bit start: val %.4f, slice %.4f%n", b, start.val(), start.slice()));
            }
            p.print(md);
            Map<String, List<Losses>> results = new LinkedHashMap<>();
            for (int seed = 1; seed <= o.seeds(); seed++) {
                for (String m : o.methods()) {
                    reset(model, pretrained);
                    long t0 = System.nanoTime();
                    Losses r = finetune(m, model, slice, data.val(), batch, block, seed, o);
                    results.computeIfAbsent(m, k -> new ArrayList<>()).add(r);
                    p.printf("%s seed %d: val %.4f, slice %.4f (%.0f s)%n", m, seed, r.val(), r.slice(), (System.nanoTime() - t0) * 1e-9);
                }
            }
            StringBuilder table = new StringBuilder("\n| method | forward weights | val loss (mean ± sd) | slice loss (mean ± sd) |\n|---|---|---|---|\n");
            for (var e : results.entrySet()) {
                table.append(String.format("| %s | %s | %s | %s |%n", e.getKey(), precision(e.getKey()),
                        meanSd(e.getValue().stream().mapToDouble(Losses::val).toArray()),
                        meanSd(e.getValue().stream().mapToDouble(Losses::slice).toArray())));
            }
            p.print(table);
            return md.append(table).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String precision(String method) {
        if (method.equals("mezo")) return "fp32";
        return "int" + method.substring(method.lastIndexOf('-') + 1);
    }

    private static void reset(Gpt model, float[] pretrained) {
        System.arraycopy(pretrained, 0, model.parameters().values(), 0, pretrained.length);
    }

    /** The optimizer of {@code method} over every weight of {@code model}; building a quantized one rounds the weights to its grid. */
    private static Optimizer build(String method, Gpt model, long seed, Options o) {
        ParamSet params = ParamSet.of(model.parameters());
        if (method.equals("mezo")) return new Mezo(params, null, o.lr(), o.mu(), 0, 1, seed, DirectionKind.GAUSSIAN);
        int bits = Integer.parseInt(method.substring(method.lastIndexOf('-') + 1));
        Quzo.Rounding rounding = method.startsWith("rtn-") ? Quzo.Rounding.NEAREST : Quzo.Rounding.STOCHASTIC;
        boolean master = method.startsWith("quzo-master-");
        return new Quzo(params, null, o.lr(), o.muQuantized(), 0, 1, seed, DirectionKind.GAUSSIAN, bits, rounding, master);
    }

    /** {@code steps} steps of {@code method} from the pre-trained weights on the slice's batches of {@code seed}; the final losses. */
    private static Losses finetune(String method, Gpt model, int[] slice, int[] val, int batch, int block, long seed, Options o) throws IOException {
        Optimizer opt = build(method, model, seed, o);
        GptObjective objective = new GptObjective(model, slice, batch, block, seed, 0);
        TrainingLoop.Outcome out = new TrainingLoop(opt, objective, model.parameters().grads()).run(0, o.steps());
        if (out.diverged()) return new Losses(Double.NaN, Double.NaN);
        return evaluate(model, slice, val, block, batch);
    }

    /** Mean loss over the 20 fixed evaluation batches of each split (the trainer's evaluation with seed 1337). */
    private static Losses evaluate(Gpt model, int[] slice, int[] val, int block, int batch) {
        double[] out = new double[2];
        int[][] splits = {val, slice};
        String[] names = {"val", "train"};
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            for (int s = 0; s < 2; s++) {
                Philox rng = Philox.stream(EVAL_SEED, "eval/" + names[s]);
                double sum = 0;
                for (int i = 0; i < EVAL_BATCHES; i++) {
                    TextDataset.Batch b = TextDataset.batch(splits[s], batch, block, rng, i);
                    sum += model.loss(b.x(), b.y(), batch, block).item();
                }
                out[s] = sum / EVAL_BATCHES;
            }
        } finally {
            model.train(true);
        }
        return new Losses(out[0], out[1]);
    }

    private static String meanSd(double[] xs) {
        return dev.descent.bench.report.Stats.meanSd(xs, 4);
    }
}
