package dev.descent.bench.zo;

import dev.descent.data.CharTokenizer;
import dev.descent.data.SpeakerIdentification;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import dev.descent.peft.Lora;
import dev.descent.peft.LoraConfig;
import dev.descent.quant.QuantizeConfig;
import dev.descent.quant.QuantizedLinear;
import dev.descent.tasks.LabelWordClassifier;
import dev.descent.tasks.SftObjective;
import dev.descent.tensor.Int4BlockTensor;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Tensor;
import dev.descent.train.BaseWeights;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.Trainer;
import dev.descent.zo.Ar1Zo;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.LoraAtoms;
import dev.descent.zo.Mezo;
import dev.descent.zo.QuantizedWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fine-tuning a pre-trained character GPT on the speaker-identification task ({@link SpeakerIdentification},
 * scored by {@link LabelWordClassifier}), first- or zeroth-order, through LoRA adapters or on NF4 base weights.
 * The set-up the speaker experiments share:
 * <ol>
 *   <li><b>Base.</b> The GPT (2 layers × 64, 2 heads, block 64, no biases) pre-trained with nanoGPT's AdamW
 *       recipe on [0, 0.9) of Tiny Shakespeare's training split ({@link #PRETRAIN}), once, in
 *       {@code out/pretrain} (reused when present).</li>
 *   <li><b>Task.</b> k speakers of the held-out plays (4 by default; k = 2: DUKE VINCENTIO and PETRUCHIO), a third of each speaker's speeches for test (task seed 0,
 *       the same for every run), scored {@link LabelWordClassifier.Scoring direct or channel}. Direct: prompt =
 *       speech + "\nSpoken by:", label " NAME", speeches cut to 64 − 11 − (longest label, 15) = 38 characters so that
 *       every prompt-and-label sequence fits the context of 64. Channel: header "NAME:\n" then the speech, cut to
 *       64 − (longest header, 16) = 48 characters.</li>
 *   <li><b>Objective.</b> {@link SftObjective} on the classifier's lines (direct: "prompt + true label", the label
 *       tokens scored; channel: "true header + speech", the speech tokens scored): the mean cross-entropy of the
 *       scored tokens of a batch of {@code batch} training examples drawn with replacement, stream (seed, data/train).</li>
 *   <li><b>Adapters.</b> LoRA on {@code c_attn}, {@code c_proj}, {@code c_fc} with rank r and α (PEFT's init:
 *       A Kaiming-uniform from the seed, B = 0; the base frozen).</li>
 * </ol>
 * Every run uses one kernel thread ({@link #prepare} sets the pool to one thread).
 */
public final class SpeakerFineTuning {
    /** Speakers (classes) by default. */
    public static final int SPEAKERS = 4;
    /** Context length of the base. */
    public static final int BLOCK = 64;
    /** LoRA target modules. */
    public static final List<String> TARGETS = List.of("c_attn", "c_proj", "c_fc");

    /** The base's pre-training configuration (without max_iters and out_dir). */
    static final List<String> PRETRAIN = List.of("dataset=shakespeare_char", "train_start=0.0", "train_end=0.9", "n_layer=2", "n_head=2",
            "n_embd=64", "block_size=" + BLOCK, "batch_size=12", "bias=false", "dropout=0.0", "optimizer=adamw", "learning_rate=1.0e-3",
            "min_lr=1.0e-4", "warmup_iters=100", "beta1=0.9", "beta2=0.99", "weight_decay=0.1", "grad_clip=1.0", "eval_iters=20",
            "log_interval=100", "seed=1337", "threads=1", "sample_tokens=0");

    private final SpeakerIdentification task;
    private final LabelWordClassifier classifier;
    private final LabelWordClassifier.Lines lines;
    private final List<String> testPrompts;
    private final int[] testTruth;
    private final Map<String, Tensor> base;
    private final GptConfig config;
    private final Path source;

    private SpeakerFineTuning(Path pretrained, int speakers, LabelWordClassifier.Scoring scoring) throws IOException {
        String corpus;
        try (InputStream in = TextDataset.class.getResourceAsStream("tinyshakespeare.txt")) {
            corpus = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        CharTokenizer tok = TextDataset.shakespeare().tokenizer();
        int from = SpeakerIdentification.heldOutStart(corpus.length());
        SpeakerIdentification probe = SpeakerIdentification.build(corpus, from, speakers, 1.0 / 3, 1, 0);
        boolean direct = scoring == LabelWordClassifier.Scoring.DIRECT;
        int speechChars = direct ? BLOCK - SpeakerIdentification.TEMPLATE_SUFFIX.length() - probe.longestLabel() : BLOCK - probe.longestHeader();
        this.task = SpeakerIdentification.build(corpus, from, speakers, 1.0 / 3, speechChars, 0);
        this.classifier = new LabelWordClassifier(tok, direct ? task.labels() : task.headers(), scoring);
        this.lines = classifier.lines(inputs(task.train(), direct), task.train().stream().mapToInt(SpeakerIdentification.Example::label).toArray());
        this.testPrompts = inputs(task.test(), direct);
        this.testTruth = task.test().stream().mapToInt(SpeakerIdentification.Example::label).toArray();
        this.source = pretrained;
        this.base = BaseWeights.read(pretrained);
        this.config = new GptConfig(tok.vocabSize(), BLOCK, 2, 2, 64, 0f, false);
    }

    private static List<String> inputs(List<SpeakerIdentification.Example> examples, boolean direct) {
        return examples.stream().map(e -> direct ? e.prompt() : e.speech()).toList();
    }

    /**
     * The set-up with {@code speakers} classes and {@code scoring} over the base pre-trained {@code preIters} steps in {@code out/pretrain} (trained
     * now if missing).
     */
    public static SpeakerFineTuning prepare(Path out, int preIters, int speakers, LabelWordClassifier.Scoring scoring, PrintStream p) {
        Parallel.setThreads(1);
        try {
            Path pre = dev.descent.bench.peft.PretrainedBase.ensure(out.resolve("pretrain"), PRETRAIN, preIters, p);
            return new SpeakerFineTuning(pre, speakers, scoring);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SpeakerIdentification task() { return task; }

    /** How the classes are scored. */
    public LabelWordClassifier.Scoring scoring() { return classifier.scoring(); }

    /** A fresh copy of the pre-trained base (no adapters). */
    public Gpt base(long seed) {
        Gpt model = new Gpt(config, seed);
        BaseWeights.copyInto(source.toString(), base, model.namedParameters());
        return model;
    }

    /** The base with LoRA adapters of rank {@code r} and {@code alpha} on {@link #TARGETS}, initialised from {@code seed}; the base frozen. */
    public Gpt withLora(int r, double alpha, long seed) {
        Gpt model = base(seed);
        Lora.apply(model, LoraConfig.of(LoraConfig.Targets.names(TARGETS)).withRank(r, alpha), "default", seed, model.dropoutStreams());
        return model;
    }

    /** The base with every hidden linear layer in NF4 (double-quantized scales), and those 4-bit weights as one vector. */
    public QuantizedWeights quantize(Gpt model) {
        QuantizeConfig.Applied applied = QuantizeConfig.fromSection(Map.of(), "quantize").apply(model);
        List<Int4BlockTensor> tensors = new ArrayList<>();
        for (String layer : applied.layers()) tensors.add((Int4BlockTensor) ((QuantizedLinear) model.get(layer)).weight());
        return new QuantizedWeights(tensors);
    }

    /** The cross-entropy objective (of the label, or of the speech given the true header) on the training examples, batches of {@code batch} from {@code seed}. */
    public SftObjective objective(Gpt model, int batch, long seed) {
        return new SftObjective(model, lines.lines(), lines.promptLengths(), batch, seed);
    }

    /** Test accuracy and NLL per token of the scored part (label, or speech given the true header). */
    public LabelWordClassifier.Evaluation evaluate(Gpt model) {
        return classifier.evaluate(LabelWordClassifier.of(model), testPrompts, testTruth);
    }

    /** How the adapters are trained. */
    public enum Method {
        /** First order: AdamW (β 0.9/0.999, no decay) on the adapter gradients; one forward and one backward per step. */
        ADAMW("AdamW (first order)"),
        /** (i) MeZO over all adapter coordinates, canonical s = α/r. */
        MEZO("(i) MeZO, all coordinates, α/r"),
        /** (ii) one rank-1 atom per query, canonical s = α/r. */
        ATOM("(ii) one atom, α/r"),
        /** (iii) AR1-ZO: one atom per query, topology-aware s = γ/r = α. */
        AR1_ZO("(iii) AR1-ZO, one atom, γ/r = α");

        public final String label;

        Method(String label) { this.label = label; }
    }

    /** The optimizer of {@code method} over the adapters of {@code model} (ZO: ε = {@code eps}, directions keyed by {@code seed}). */
    public static Optimizer optimizer(Method method, Gpt model, SftObjective objective, double lr, double eps, long seed) {
        ParamSet params = ParamSet.of(model.parameters());
        return switch (method) {
            case ADAMW -> AdamW.optimizer(params, model.parameters().grads(), lr, 0.9, 0.999, 1e-8, 0, s -> false);
            case MEZO -> new Mezo(params, objective, lr, eps, 0, 1, seed, DirectionKind.GAUSSIAN);
            case ATOM, AR1_ZO -> new Ar1Zo(LoraAtoms.of(params, Lora.adapterPairs(model, "default")), params.values(), objective, lr, eps, seed,
                    Ar1Zo.AtomOrder.CYCLIC, method == Method.AR1_ZO ? Ar1Zo.Scaling.TOPOLOGY : Ar1Zo.Scaling.CANONICAL);
        };
    }

    /** Runs {@code steps} steps of {@code optimizer} on {@code objective} (batch k of step k); returns the loss of the last step. */
    public static double train(Optimizer optimizer, SftObjective objective, int steps) {
        double loss = Double.NaN;
        for (int k = 0; k < steps; k++) {
            objective.prepare(k);
            if (optimizer.needsGradients()) {
                optimizer.zeroGrad();
                loss = objective.lossAndGradient();
                optimizer.step();
            } else {
                loss = optimizer.step(objective).loss();
            }
        }
        return loss;
    }

    /** "mean ± sample sd" of {@code v} (4 significant digits). */
    public static String meanSd(double[] v) {
        return dev.descent.bench.report.Stats.meanSd(v, 4);
    }
}
