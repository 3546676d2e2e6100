package dev.descent.bench.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.bench.continual.ContinualBench;
import dev.descent.bench.rl.BoltBench;
import dev.descent.bench.zo.DeepZeroBench;
import dev.descent.bench.zo.RiseContinualBench;
import dev.descent.bench.zo.ZovhConvergenceBenchmark;
import dev.descent.bench.zo.ZovhHessianBenchmark;
import dev.descent.config.Field;
import dev.descent.config.Schema;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The experiments by name: the zeroth-order claim studies of {@code bench.zo} (ZoVH's Hessian
 * estimation errors and convergence, DeepZero on digits, RISE on continual split digits, AR1-ZO's
 * SNR and speaker-task loss against the LoRA rank, CAQ-ZO against off-grid ZO on an NF4 base, QuZO against
 * MeZO on the GPT), the LoRA variants ({@code bench.peft}), the RL studies ({@code bench.rl}), the
 * continual-learning study ({@code bench.continual}), the merging claims ({@code bench.merge}: ACE against the
 * task-vector methods on trained experts, GradFix's transport to another base) and the federated and private
 * training studies ({@code bench.federated}).
 */
public final class Experiments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Experiment> ALL = new LinkedHashMap<>();

    static {
        add(new Simple("zovh-hessian", "ZoVH: Hessian, inverse and product errors of the zeroth-order Hessian estimators at equal query budgets "
                + "(quadratic, Rosenbrock, logistic regression); writes zovh-hessian.json/.md and SVG plots into out",
                new Schema().add(text("out", "bench/results/zovh", "output folder"))
                        .add(count("seeds", 10, "seeds (directions keyed by seed 0..K-1)"))
                        .add(positive("mu", 0.1, "smoothing radius"))
                        .add(positive("lambda", 0.1, "ridge of the inverse")),
                (o, out) -> {
                    requirePositive(o, "mu");
                    requirePositive(o, "lambda");
                    String md = ZovhHessianBenchmark.run(Path.of((String) o.get("out")), (Integer) o.get("seeds"), (Double) o.get("mu"), (Double) o.get("lambda"), 100);
                    out.print(md);
                    return files(md, Path.of((String) o.get("out")).resolve("zovh-hessian.json"), Path.of((String) o.get("out")).resolve("zovh-hessian.md"));
                }));
        add(new Simple("zovh-convergence", "ZoVH: loss against queries versus ZO-SGD, ZO-AdaMM and MeZO, tuned per method, on two quadratics and "
                + "Rosenbrock; writes zovh-convergence.json/.md and SVG plots into out",
                new Schema().add(text("out", "bench/results/zovh", "output folder"))
                        .add(count("seeds", 10, "seeds"))
                        .add(new Field("budget", Integer.class, 30000, 1000, Double.POSITIVE_INFINITY, null, "query budget per run")),
                (o, out) -> {
                    String md = ZovhConvergenceBenchmark.run(Path.of((String) o.get("out")), (Integer) o.get("seeds"), (Integer) o.get("budget"));
                    out.print(md);
                    return files(md, Path.of((String) o.get("out")).resolve("zovh-convergence.json"), Path.of((String) o.get("out")).resolve("zovh-convergence.md"));
                }));
        add(new Simple("deepzero-digits", "DeepZero (CGE with ZO-GraSP sparsity) against first-order SGD and Adam on an MLP 64-32-10 on optdigits; "
                + "prints test accuracy, forward passes and wall time",
                new Schema().add(count("steps", 600, "steps of batch 64")).add(count("seeds", 3, "seeds")),
                (o, out) -> markdown(p -> DeepZeroBench.run((Integer) o.get("steps"), (Integer) o.get("seeds"), p), out)));
        add(new Simple("rise-continual", "RISE on continual split digits: final accuracy, forgetting and plasticity of FO SGD, norm-matched "
                + "finite-difference ZO and RISE shaping, with the curvature diagnostic at task switches",
                new Schema().add(count("steps", 300, "steps per task (batch 32)")).add(count("seeds", 3, "seeds"))
                        .add(count("q", 4, "directions per step")).add(positive("lr", 0.05, "SGD learning rate"))
                        .add(new Field("eval", String.class, "task", 0, 0, List.of("task", "class"), "task-aware or class-incremental evaluation")),
                (o, out) -> {
                    requirePositive(o, "lr");
                    return markdown(p -> RiseContinualBench.run((Integer) o.get("steps"), (Integer) o.get("seeds"), (Integer) o.get("q"),
                            (Double) o.get("lr"), o.get("eval").equals("task"), p), out);
                }));
        add(new Simple("bolt", "BOLT on one-digit addition with the exact target π* ∝ π_ref·exp(r/β) by enumeration: KL(π*‖π_θ) and reward of "
                + "Boltzmann weights vs rejection sampling vs group advantages, extra epochs vs refreshed sampling, the β × N frontier",
                new Schema().add(count("seeds", 3, "seeds (reference, prompts, samples)"))
                        .add(count("ref_steps", 250, "SFT steps of the reference policy"))
                        .add(new Field("corruption", Double.class, 0.3, 0, 1, null, "fraction of wrong demonstrations for the reference"))
                        .add(count("prompts", 32, "distinct prompts"))
                        .add(positive("beta", 0.5, "β of the weighting comparison and of epochs vs refresh"))
                        .add(text("betas", "0.25,0.5,1", "β grid"))
                        .add(text("samples_grid", "2,8,64", "N grid (samples per prompt) of the frontier"))
                        .add(count("samples", 8, "N of the weighting comparison and of epochs vs refresh"))
                        .add(count("epochs", 10, "epochs per fit"))
                        .add(count("batch", 32, "samples per step"))
                        .add(positive("lr", 1e-3, "AdamW learning rate")),
                (o, out) -> {
                    requirePositive(o, "beta");
                    requirePositive(o, "lr");
                    return markdown(p -> BoltBench.run(new BoltBench.Options((Integer) o.get("seeds"), (Integer) o.get("ref_steps"),
                            (Double) o.get("corruption"), (Integer) o.get("prompts"), (Double) o.get("beta"), (String) o.get("betas"),
                            (String) o.get("samples_grid"), (Integer) o.get("samples"), (Integer) o.get("epochs"), (Integer) o.get("batch"),
                            (Double) o.get("lr")), p), out);
                }));
        add(new Simple("grpo-variants", "GRPO's variants (ReDit, QAE, CPPO, 80/20 high-entropy tokens, DAPO dynamic sampling, LENS, DCPO, GTPO, PACS) and PPO against GRPO "
                + "on the same budget from one rl sft-warmup reference on two-digit addition: success against step and wall-clock, held-out success",
                new Schema().add(text("init_from", "none", "reference run folder from rl sft-warmup (none: warm up addition into out/reference)"))
                        .add(text("out", "runs/grpo-variants", "folder of the runs"))
                        .add(text("variants", String.join(",", dev.descent.bench.rl.GrpoVariantsBench.VARIANTS.keySet()), "variants to run (grpo first: the baseline)"))
                        .add(count("seeds", 3, "seeds of the RL runs (problems and sampling)"))
                        .add(count("steps", 60, "optimizer steps per run"))
                        .add(count("prompts", 8, "prompts per step"))
                        .add(new Field("generations", Integer.class, 8, 2, 1 << 16, null, "completions per prompt (>= 2)"))
                        .add(positive("lr", 3e-4, "AdamW learning rate"))
                        .add(count("eval_problems", 200, "held-out problems"))
                        .add(count("ref_steps", 375, "SFT steps of the reference when init_from is none")),
                (o, out) -> {
                    requirePositive(o, "lr");
                    return markdown(p -> dev.descent.bench.rl.GrpoVariantsBench.run(new dev.descent.bench.rl.GrpoVariantsBench.Options(
                            (String) o.get("init_from"), (String) o.get("out"), (String) o.get("variants"), (Integer) o.get("seeds"),
                            (Integer) o.get("steps"), (Integer) o.get("prompts"), (Integer) o.get("generations"), (Double) o.get("lr"),
                            (Integer) o.get("eval_problems"), (Integer) o.get("ref_steps")), p), out);
                }));
        add(new Simple("drift", "DRIFT vs multi-turn online GRPO on two-digit addition with too high/too low feedback: held-out success "
                + "(pass@1, pass@k) and cost (wall clock, rollout and training forward tokens) from the same reference policy, per seed",
                new Schema().add(count("seeds", 3, "seeds (reference, rollouts, evaluation)"))
                        .add(count("turns", 3, "answers per interaction"))
                        .add(count("ref_steps", 300, "warm-up steps of the reference policy"))
                        .add(new Field("corruption", Double.class, 0.5, 0, 1, null, "fraction of wrong demonstrated answers per turn"))
                        .add(count("drift_prompts", 128, "prompts DRIFT rolls out once"))
                        .add(count("samples", 8, "interactions per prompt (DRIFT's group, GRPO's G)"))
                        .add(count("epochs", 2, "DRIFT's weighted-SFT epochs"))
                        .add(count("batch", 32, "DRIFT's interactions per step"))
                        .add(positive("lr", 1e-3, "DRIFT's AdamW learning rate"))
                        .add(positive("beta", 0.1, "DRIFT's weight temperature β"))
                        .add(new Field("gamma", Double.class, 0.9, 0, 1, null, "discount over turns (both methods)"))
                        .add(count("grpo_steps", 64, "GRPO steps (evaluated halfway and at the end)"))
                        .add(count("grpo_prompts", 4, "GRPO prompts per step"))
                        .add(positive("grpo_lr", 1e-3, "GRPO's AdamW learning rate"))
                        .add(count("eval_problems", 64, "held-out problems"))
                        .add(count("eval_samples", 16, "interactions per held-out problem (pass@k up to this k)"))
                        .add(text("ref_dir", "", "folder to keep the reference in and reuse it from (empty: train it every run)"))
                        .add(new Field("grpo_penalties", Boolean.class, true, 0, 0, null, "GRPO's reward: DRIFT's return with format and repetition penalties (true) or the discounted turn rewards alone")),
                (o, out) -> {
                    for (String k : List.of("lr", "beta", "grpo_lr")) requirePositive(o, k);
                    return markdown(p -> dev.descent.bench.rl.DriftBench.run(new dev.descent.bench.rl.DriftBench.Options((Integer) o.get("seeds"),
                            (Integer) o.get("turns"), (Integer) o.get("ref_steps"), (Double) o.get("corruption"), (Integer) o.get("drift_prompts"),
                            (Integer) o.get("samples"), (Integer) o.get("epochs"), (Integer) o.get("batch"), (Double) o.get("lr"), (Double) o.get("beta"),
                            (Double) o.get("gamma"), (Integer) o.get("grpo_steps"), (Integer) o.get("grpo_prompts"), (Double) o.get("grpo_lr"),
                            (Integer) o.get("eval_problems"), (Integer) o.get("eval_samples"), (String) o.get("ref_dir"),
                            (Boolean) o.get("grpo_penalties")), p), out);
                }));
        add(new Simple("lora-rank-snr", "AR1-ZO claim 1: finite-difference SNR per zeroth-order query vs LoRA rank r (1..64) for all-coordinate MeZO, "
                + "one atom with α/r, and AR1-ZO's one atom with γ/r = α, on a char GPT with LoRA",
                new Schema().add(count("seeds", 3, "seeds (model init and directions)")).add(count("queries", 64, "queries per rank and method"))
                        .add(positive("alpha", 16, "LoRA alpha")).add(positive("eps", 1e-2, "perturbation radius ε")),
                (o, out) -> {
                    requirePositive(o, "alpha");
                    requirePositive(o, "eps");
                    return markdown(p -> dev.descent.bench.zo.LoraRankSnrBench.run((Integer) o.get("seeds"), (Integer) o.get("queries"),
                            (Double) o.get("alpha"), (Double) o.get("eps"), p), out);
                }));
        add(new Simple("ar1zo-speaker-rank", "AR1-ZO claim 1b: speaker-identification test accuracy (label-word likelihood, 4 speakers of the "
                + "held-out plays) against the LoRA rank at an equal forward-pass budget, for all-coordinate MeZO, one atom with α/r and AR1-ZO "
                + "(γ/r = α), optionally first-order AdamW (methods=...,adamw); base: a 2×64 char GPT pre-trained on [0, 0.9), kept in out/pretrain",
                new Schema().add(text("out", "runs/speaker", "output folder (the pre-trained base is kept in out/pretrain)"))
                        .add(count("pre_iters", 600, "pre-training steps of the base"))
                        .add(text("ranks", "1,4,16,64", "LoRA ranks, comma-separated (the full sweep: 1,2,4,8,16,32,64)"))
                        .add(text("methods", "mezo,atom,ar1_zo", "comma-separated: mezo (all coordinates, α/r), atom (one atom, α/r), ar1_zo (one atom, γ/r = α), adamw"))
                        .add(count("steps", 100, "optimizer steps per run (a zeroth-order step is 2 forward passes)"))
                        .add(count("batch", 16, "training examples per step"))
                        .add(count("seeds", 3, "seeds 1..K (adapter init, batch order, directions)"))
                        .add(count("speakers", 4, "speakers (classes): the most frequent of the held-out plays, at least 2"))
                        .add(positive("alpha", 16, "LoRA alpha"))
                        .add(positive("eps", 1e-2, "zeroth-order perturbation radius ε"))
                        .add(positive("lr_mezo", 3e-3, "learning rate of (i) MeZO (best of 3e-4, 3e-3, 1e-2 at r = 8)"))
                        .add(positive("lr_atom", 1e-2, "learning rate of (ii) one atom, α/r (best of 3e-4, 3e-3, 1e-2 at r = 8)"))
                        .add(positive("lr_ar1", 3e-4, "learning rate of (iii) AR1-ZO (best of 3e-4, 3e-3, 1e-2 at r = 8)"))
                        .add(text("scoring", "channel", "channel (log p(speech | \"NAME:\\n\"), 48 speech chars; Min et al. 2022) or direct (log p(\" NAME\" | speech + \"\\nSpoken by:\"), 38 speech chars)"))
                        .add(positive("lr_adamw", 3e-3, "learning rate of first-order AdamW")),
                (o, out) -> {
                    for (String k : List.of("alpha", "eps", "lr_mezo", "lr_atom", "lr_ar1", "lr_adamw")) requirePositive(o, k);
                    if ((Integer) o.get("speakers") < 2) throw new IllegalArgumentException("speakers: " + o.get("speakers") + " must be at least 2");
                    var scoring = dev.descent.tasks.LabelWordClassifier.Scoring.parse((String) o.get("scoring"));
                    double[] r = doubles((String) o.get("ranks"));
                    int[] ranks = new int[r.length];
                    for (int i = 0; i < r.length; i++) {
                        if (r[i] < 1 || r[i] != Math.rint(r[i])) throw new IllegalArgumentException("ranks: '" + r[i] + "' is not a positive integer");
                        ranks[i] = (int) r[i];
                    }
                    var lrs = new java.util.EnumMap<dev.descent.bench.zo.SpeakerFineTuning.Method, Double>(dev.descent.bench.zo.SpeakerFineTuning.Method.class);
                    List<dev.descent.bench.zo.SpeakerFineTuning.Method> methods = new ArrayList<>();
                    for (String m : ((String) o.get("methods")).split(",")) {
                        var method = switch (m.trim()) {
                            case "mezo" -> dev.descent.bench.zo.SpeakerFineTuning.Method.MEZO;
                            case "atom" -> dev.descent.bench.zo.SpeakerFineTuning.Method.ATOM;
                            case "ar1_zo" -> dev.descent.bench.zo.SpeakerFineTuning.Method.AR1_ZO;
                            case "adamw" -> dev.descent.bench.zo.SpeakerFineTuning.Method.ADAMW;
                            default -> throw new IllegalArgumentException("methods: unknown method '" + m.trim() + "'; valid: mezo, atom, ar1_zo, adamw");
                        };
                        methods.add(method);
                        lrs.put(method, (Double) o.get(switch (method) {
                            case MEZO -> "lr_mezo";
                            case ATOM -> "lr_atom";
                            case AR1_ZO -> "lr_ar1";
                            case ADAMW -> "lr_adamw";
                        }));
                    }
                    return markdown(p -> dev.descent.bench.zo.SpeakerRankBench.run(Path.of((String) o.get("out")), (Integer) o.get("pre_iters"), ranks,
                            methods, lrs, (Integer) o.get("steps"), (Integer) o.get("batch"), (Integer) o.get("seeds"), (Double) o.get("alpha"),
                            (Double) o.get("eps"), (Integer) o.get("speakers"), scoring, p), out);
                }));
        add(new Simple("caqzo-nf4-speaker", "CAQ-ZO claim: on NF4 base weights, compander-aligned one-grid-step queries against off-grid queries "
                + "of weight-space radius μ at equal steps, on the speaker-identification task: measured endpoint-rounding residual per query, "
                + "collapsed queries, test accuracy and label NLL; base as ar1zo-speaker-rank (out/pretrain)",
                new Schema().add(text("out", "runs/speaker", "output folder (the pre-trained base is kept in out/pretrain)"))
                        .add(count("pre_iters", 600, "pre-training steps of the base"))
                        .add(count("steps", 100, "two-point steps per run"))
                        .add(count("batch", 16, "training examples per step"))
                        .add(count("seeds", 3, "seeds 1..K (directions, batch order)"))
                        .add(positive("caq_lr", 10, "CAQ-ZO learning rate η, in grid steps (best of 0.1, 1, 3, 10 in 40 steps)"))
                        .add(text("mus", "0.001,0.01,0.03", "off-grid radii μ in weight units, comma-separated"))
                        .add(text("scoring", "channel", "channel (log p(speech | \"NAME:\\n\"), 48 speech chars; Min et al. 2022) or direct (log p(\" NAME\" | speech + \"\\nSpoken by:\"), 38 speech chars)"))
                        .add(text("offgrid_lrs", "1e-4,1e-3,3e-3", "off-grid learning rates, one per μ (lr/μ = 0.1, the best at μ = 0.01 in 40 steps)")),
                (o, out) -> {
                    requirePositive(o, "caq_lr");
                    var scoring = dev.descent.tasks.LabelWordClassifier.Scoring.parse((String) o.get("scoring"));
                    double[] mus = doubles((String) o.get("mus"));
                    double[] lrs = doubles((String) o.get("offgrid_lrs"));
                    for (double v : mus) if (!(v > 0)) throw new IllegalArgumentException("mus: " + v + " must be > 0");
                    for (double v : lrs) if (!(v >= 0)) throw new IllegalArgumentException("offgrid_lrs: " + v + " must be >= 0");
                    if (mus.length != lrs.length) throw new IllegalArgumentException("mus has " + mus.length + " values, offgrid_lrs " + lrs.length + "; give one lr per μ");
                    return markdown(p -> dev.descent.bench.zo.CaqSpeakerBench.run(Path.of((String) o.get("out")), (Integer) o.get("pre_iters"),
                            (Integer) o.get("steps"), (Integer) o.get("batch"), (Integer) o.get("seeds"), (Double) o.get("caq_lr"), mus, lrs, scoring, p), out);
                }));
        add(new Simple("lora-variants", "LoRA-Pro, LoRA-SB, IncreLoRA, TeRA and HUT against LoRA at equal trainable elements (TeRA: its own, far smaller count) and steps on the unseen-plays "
                + "adaptation of bench/lora-finetune.sh (recipe GPT pre-trained on [0, 0.9), AdamW fine-tuning on [0.9, 1)); val and slice loss "
                + "mean ± sd over the seeds",
                new Schema().add(text("out", "runs/lora-variants", "output folder (the pre-trained base is kept in out/pretrain)"))
                        .add(count("pre_iters", 600, "pre-training steps"))
                        .add(count("ft_iters", 200, "fine-tuning steps of every method"))
                        .add(count("seeds", 3, "fine-tuning seeds 1..seeds"))
                        .add(positive("lr", 2e-3, "constant AdamW learning rate of every method"))
                        .add(text("methods", String.join(",", dev.descent.bench.peft.LoraVariantsBench.METHODS),
                                "comma-separated methods to run, in table order (a subset of the default)")),
                (o, out) -> {
                    requirePositive(o, "lr");
                    List<String> methods = List.of(((String) o.get("methods")).split(",")).stream().map(String::trim).toList();
                    for (String m : methods) {
                        if (!dev.descent.bench.peft.LoraVariantsBench.METHODS.contains(m)) {
                            throw new IllegalArgumentException("option 'methods' has '" + m + "'; allowed: a comma-separated subset of "
                                    + dev.descent.bench.peft.LoraVariantsBench.METHODS);
                        }
                    }
                    return markdown(p -> dev.descent.bench.peft.LoraVariantsBench.run(Path.of((String) o.get("out")), (Integer) o.get("pre_iters"),
                            (Integer) o.get("ft_iters"), (Integer) o.get("seeds"), (Double) o.get("lr"), methods, p), out);
                }));
        add(new Simple("quzo-gpt", "QuZO against MeZO on the recipe GPT: zeroth-order fine-tuning of every weight on the unseen-plays slice "
                + "of bench/lora-finetune.sh in fp32 (MeZO), and at int8 / int4 forward weights with round-to-nearest MeZO, QuZO on the codes and "
                + "QuZO with a float32 master copy, equal forward passes; val and slice loss mean ± sd over the seeds",
                new Schema().add(text("pretrain", "runs/quzo-gpt/pretrain", "pre-trained run folder (pre-trained there when it holds no checkpoint)"))
                        .add(count("pre_iters", 300, "pre-training steps when the folder is empty"))
                        .add(count("n_layer", 2, "layers of the GPT pre-trained when the folder is empty"))
                        .add(count("n_head", 2, "heads of the GPT pre-trained when the folder is empty"))
                        .add(count("n_embd", 64, "width of the GPT pre-trained when the folder is empty"))
                        .add(count("steps", 300, "steps of every method (two forward passes each)"))
                        .add(count("seeds", 3, "seeds 1..seeds (data order, directions, rounding)"))
                        .add(positive("lr", 1e-4, "learning rate of every method"))
                        .add(positive("mu", 1e-3, "perturbation scale of fp32 MeZO"))
                        .add(positive("mu_quantized", 1e-2, "perturbation scale of the quantized methods"))
                        .add(text("bits", "8,4", "forward weight bits of the quantized methods (2..8)"))
                        .add(text("methods", "all", "comma-separated subset of mezo, rtn-B, quzo-B, quzo-master-B (B in bits), or all")),
                (o, out) -> {
                    for (String k : List.of("lr", "mu", "mu_quantized")) requirePositive(o, k);
                    String[] b = ((String) o.get("bits")).split(",");
                    int[] bits = new int[b.length];
                    for (int i = 0; i < b.length; i++) {
                        bits[i] = b[i].trim().matches("[2-8]") ? Integer.parseInt(b[i].trim()) : -1;
                        if (bits[i] < 0) throw new IllegalArgumentException("bits: '" + b[i] + "' is not supported; allowed: integers 2..8, comma-separated");
                    }
                    List<String> all = dev.descent.bench.zo.QuzoGptBench.methods(bits);
                    List<String> methods = o.get("methods").equals("all") ? all : List.of(((String) o.get("methods")).split(","));
                    for (String m : methods) {
                        if (!all.contains(m)) throw new IllegalArgumentException("methods: '" + m + "' is not known; valid: " + String.join(", ", all) + ", all");
                    }
                    return markdown(p -> dev.descent.bench.zo.QuzoGptBench.run(new dev.descent.bench.zo.QuzoGptBench.Options(
                            Path.of((String) o.get("pretrain")), (Integer) o.get("pre_iters"), (Integer) o.get("n_layer"), (Integer) o.get("n_head"),
                            (Integer) o.get("n_embd"), (Integer) o.get("steps"), (Integer) o.get("seeds"), (Double) o.get("lr"), (Double) o.get("mu"),
                            (Double) o.get("mu_quantized"), bits, methods), p), out);
                }));
        add(new Simple("continual", "Continual learning claim study: average accuracy, forgetting and plasticity of every strategy (fine-tuning, joint, "
                + "EWC, online EWC, UPGD, CLASSP, KappaTune, FeTrIL, FSA, RISE) on every stream (split digits and split MNIST, class- and "
                + "task-incremental; permuted MNIST; label-permuted digits); writes continual.json into out",
                new Schema().add(text("out", "bench/results/continual", "output folder"))
                        .add(count("seeds", 3, "seeds 1..K"))
                        .add(count("steps", 200, "SGD steps per task (batch 32) on the split and permuted streams"))
                        .add(positive("lr", 0.05, "learning rate of every strategy"))
                        .add(count("per_class", 200, "MNIST training rows per class"))
                        .add(count("permuted_tasks", 5, "tasks of permuted MNIST"))
                        .add(count("label_tasks", 20, "tasks of the label-permuted stream"))
                        .add(count("label_steps", 150, "steps per task on the label-permuted stream")),
                (o, out) -> {
                    requirePositive(o, "lr");
                    Path dir = Path.of((String) o.get("out"));
                    String md = ContinualBench.run(new ContinualBench.Options((Integer) o.get("seeds"), (Integer) o.get("steps"), (Double) o.get("lr"),
                            (Integer) o.get("per_class"), (Integer) o.get("permuted_tasks"), (Integer) o.get("label_tasks"), (Integer) o.get("label_steps"), dir), out);
                    return files(md, dir.resolve("continual.json"), dir.resolve("continual.html"));
                }));
        add(new Simple("continual-gpt", "Continual learning of a char GPT over generated tasks (addition, sorting, multiplication, parity) by SFT: "
                + "average accuracy, forgetting and plasticity of fine-tuning, joint training, EWC and online EWC; writes continual-gpt.json and "
                + "continual-gpt.html (accuracy curves and heat tables) into out",
                new Schema().add(text("out", "bench/results/continual-gpt", "output folder"))
                        .add(count("seeds", 3, "seeds 1..K"))
                        .add(count("steps", 600, "AdamW steps per task (batch 32)"))
                        .add(positive("lr", 3e-3, "learning rate"))
                        .add(positive("lambda", 1000, "EWC's lambda"))
                        .add(count("fisher_samples", 200, "training lines per empirical Fisher"))
                        .add(count("train_examples", 2000, "training problems per task"))
                        .add(count("test_problems", 128, "held-out test problems per task"))
                        .add(text("strategies", "finetune,joint,ewc", "comma-separated: finetune, joint, ewc, ewc-online")),
                (o, out) -> {
                    requirePositive(o, "lr");
                    requirePositive(o, "lambda");
                    Path dir = Path.of((String) o.get("out"));
                    String md = dev.descent.bench.continual.GptContinualBench.run(new dev.descent.bench.continual.GptContinualBench.Options((Integer) o.get("seeds"),
                            (Integer) o.get("steps"), (Double) o.get("lr"), (Double) o.get("lambda"), (Integer) o.get("fisher_samples"),
                            (Integer) o.get("train_examples"), (Integer) o.get("test_problems"), List.of(((String) o.get("strategies")).split(",")), dir), out);
                    return files(md, dir.resolve("continual-gpt.json"), dir.resolve("continual-gpt.html"));
                }));
        add(new Simple("merge-experts", "ACE-Merging's claim: one base fine-tuned into experts (a char GPT on four generated tasks, an MLP on five "
                + "split-digits tasks), merged by task arithmetic, TIES, DARE, PCB, ACE and OPCM, each tuned on validation; average normalised "
                + "test accuracy; writes the base, the experts and each method's chosen merge YAML into out",
                new Schema().add(text("families", "gpt,mlp", "families: gpt, mlp or gpt,mlp"))
                        .add(count("seeds", 3, "seeds (base init, batches)"))
                        .add(count("gpt_base_steps", 600, "GPT base steps on the task mixture"))
                        .add(count("gpt_expert_steps", 400, "GPT expert steps on its task"))
                        .add(count("mlp_base_steps", 60, "MLP base steps on all digits"))
                        .add(count("mlp_expert_steps", 150, "MLP expert steps on its two classes"))
                        .add(count("train_examples", 2000, "GPT training problems per task"))
                        .add(text("out", "bench/results/merge-experts", "output folder")),
                (o, out) -> markdown(p -> {
                    try {
                        dev.descent.bench.merge.MergeExpertsBench.run(new dev.descent.bench.merge.MergeExpertsBench.Options((String) o.get("families"),
                                (Integer) o.get("seeds"), (Integer) o.get("gpt_base_steps"), (Integer) o.get("gpt_expert_steps"),
                                (Integer) o.get("mlp_base_steps"), (Integer) o.get("mlp_expert_steps"), (Integer) o.get("train_examples"),
                                Path.of((String) o.get("out"))), p);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, out)));
        add(new Simple("merge-gradfix", "GradFix's claim: a task vector learnt on base A moved to base B (trained from another seed) by "
                + "gradient-sign masking vs adding it unmasked, α tuned on validation for each; test accuracy on the GPT tasks and split digits; "
                + "writes the bases, experts, gradient files and chosen YAMLs into out",
                new Schema().add(text("families", "gpt,mlp", "families: gpt, mlp or gpt,mlp"))
                        .add(count("seeds", 3, "seeds (base A init; base B uses seed + 500)"))
                        .add(count("gpt_base_steps", 600, "GPT base steps on the task mixture"))
                        .add(count("gpt_expert_steps", 400, "GPT expert steps on its task"))
                        .add(count("mlp_base_steps", 60, "MLP base steps on all digits"))
                        .add(count("mlp_expert_steps", 150, "MLP expert steps on its two classes"))
                        .add(count("train_examples", 2000, "GPT training problems per task"))
                        .add(count("examples", 16, "labelled examples for the gradient signs at B"))
                        .add(new Field("vote", String.class, "max", 0, 0, List.of("max", "mean"), "how per-example gradients are combined"))
                        .add(text("out", "bench/results/merge-gradfix", "output folder")),
                (o, out) -> markdown(p -> {
                    try {
                        dev.descent.bench.merge.GradFixTransportBench.run(new dev.descent.bench.merge.GradFixTransportBench.Options(
                                (String) o.get("families"), (Integer) o.get("seeds"), (Integer) o.get("gpt_base_steps"), (Integer) o.get("gpt_expert_steps"),
                                (Integer) o.get("mlp_base_steps"), (Integer) o.get("mlp_expert_steps"), (Integer) o.get("train_examples"),
                                (Integer) o.get("examples"), (String) o.get("vote"), Path.of((String) o.get("out"))), p);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, out)));
        add(new Simple("fed-noniid", "Federated strategies (FedAvg, FedProx, FedAdam, FedYogi, Ferret, EControl, FSGLD, DSGLD, DADAO, FedLEx, OptEx) on "
                + "Dirichlet-split digits, 10 clients: the global model's test accuracy per strategy and alpha, mean ± sd over seeds, and the bytes "
                + "clients send per round (a strategy may carry settings after '+', e.g. dadao+hidden=0)",
                new Schema().add(text("strategies", "fedavg,fedprox,fedadam,fedyogi,ferret,econtrol,fsgld,dsgld", "comma-separated strategies"))
                        .add(text("dataset", "digits", "digits or mnist"))
                        .add(text("alphas", "0.1,1,100", "comma-separated Dirichlet alphas"))
                        .add(count("rounds", 10, "server rounds")).add(count("local_epochs", 1, "client epochs per round"))
                        .add(count("seeds", 3, "seeds")),
                (o, out) -> markdown(p -> dev.descent.bench.federated.FedNonIidBench.run(List.of(((String) o.get("strategies")).split(",")),
                        (String) o.get("dataset"), doubles((String) o.get("alphas")), (Integer) o.get("rounds"), (Integer) o.get("local_epochs"),
                        (Integer) o.get("seeds"), p), out)));
        add(new Simple("fed-mnist", "Claim 3 on MNIST: FedAvg, FedProx, FSGLD, Ferret (K = 1024) and EControl on Dirichlet-split MNIST "
                + "(the shipped t10k set, 8000 training / 2000 test rows), 10 clients, MLP 784-32-10",
                new Schema().add(text("strategies", "fedavg,fedprox,fsgld,ferret+ferret_k=1024,econtrol", "comma-separated strategies"))
                        .add(text("alphas", "0.1,1,100", "comma-separated Dirichlet alphas"))
                        .add(count("rounds", 10, "server rounds")).add(count("local_epochs", 1, "client epochs per round"))
                        .add(count("seeds", 3, "seeds")),
                (o, out) -> markdown(p -> dev.descent.bench.federated.FedNonIidBench.run(List.of(((String) o.get("strategies")).split(",")),
                        "mnist", doubles((String) o.get("alphas")), (Integer) o.get("rounds"), (Integer) o.get("local_epochs"),
                        (Integer) o.get("seeds"), p), out)));
        add(new Simple("dp-digits", "DP-SGD on digits: test accuracy against epsilon (1, 3, 8 at delta 1e-5), the noise multiplier from the RDP "
                + "accountant for each target, and clipping without noise",
                new Schema().add(text("epsilons", "1,3,8", "comma-separated target epsilons"))
                        .add(positive("delta", 1e-5, "delta")).add(count("batch", 64, "expected batch size (q = batch/N)"))
                        .add(count("epochs", 10, "epochs (steps = epochs/q)")).add(positive("lr", 2.0, "SGD learning rate"))
                        .add(positive("clip", 1.0, "per-example clipping norm C")).add(count("seeds", 3, "seeds")),
                (o, out) -> markdown(p -> dev.descent.bench.federated.DpDigitsBench.run(doubles((String) o.get("epsilons")), (Double) o.get("delta"),
                        (Integer) o.get("batch"), (Integer) o.get("epochs"), (Double) o.get("lr"), (Double) o.get("clip"), (Integer) o.get("seeds"), p), out)));
        add(new Simple("delay-braking", "Adaptive Braking's delay claim on the digits MLP: test accuracy of SGD-momentum, Adaptive Braking and Adam "
                + "trained on gradients delayed by D steps",
                new Schema().add(text("delays", "0,8,32", "comma-separated delays D"))
                        .add(count("steps", 600, "steps of batch 32")).add(positive("lr", 0.05, "learning rate of SGD-momentum and Adaptive Braking"))
                        .add(count("seeds", 3, "seeds")),
                (o, out) -> markdown(p -> {
                    double[] d = doubles((String) o.get("delays"));
                    int[] delays = new int[d.length];
                    for (int i = 0; i < d.length; i++) delays[i] = (int) d[i];
                    dev.descent.bench.federated.DelayBench.run(delays, (Integer) o.get("steps"), (Integer) o.get("seeds"), (Double) o.get("lr"), p);
                }, out)));
    }

    private static double[] doubles(String csv) {
        String[] parts = csv.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i] + "' in '" + csv + "' is not a number");
            }
        }
        return v;
    }

    private Experiments() {}

    private static void add(Experiment e) { ALL.put(e.name(), e); }

    /** Every experiment, in a fixed order. */
    public static List<Experiment> all() { return new ArrayList<>(ALL.values()); }

    public static Experiment byName(String name) {
        Experiment e = ALL.get(name);
        if (e == null) throw new IllegalArgumentException("unknown experiment '" + name + "'; valid: " + String.join(", ", ALL.keySet()));
        return e;
    }

    /** The options of {@code e}: its defaults with {@code key=value} overrides applied (typed, checked). */
    public static Map<String, Object> options(Experiment e, List<String> overrides) {
        Map<String, Object> o = e.options().defaults();
        e.options().override(overrides, o);
        return o;
    }

    private static Field text(String name, String def, String help) { return new Field(name, String.class, def, 0, 0, null, help); }

    private static Field count(String name, int def, String help) {
        return new Field(name, Integer.class, def, 1, Double.POSITIVE_INFINITY, null, help);
    }

    private static Field positive(String name, double def, String help) {
        return new Field(name, Double.class, def, 0, Double.POSITIVE_INFINITY, null, help + " (> 0)");
    }

    private static void requirePositive(Map<String, Object> o, String key) {
        double v = (Double) o.get(key);
        if (!(v > 0)) throw new IllegalArgumentException(key + " must be > 0, got " + v);
    }

    private static ObjectNode files(String md, Path... written) {
        ObjectNode r = JSON.createObjectNode();
        var f = r.putArray("files");
        for (Path p : written) f.add(p.toString());
        r.put("markdown", md);
        return r;
    }

    /** Runs {@code body} printing to {@code out} as it goes and to a buffer, and returns the report as the result's "markdown". */
    private static ObjectNode markdown(java.util.function.Consumer<PrintStream> body, PrintStream out) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buf.write(b, off, len);
                out.write(b, off, len);
            }

            @Override
            public void flush() { out.flush(); }
        }, true, StandardCharsets.UTF_8);
        body.accept(p);
        p.flush();
        String md = buf.toString(StandardCharsets.UTF_8);
        ObjectNode r = JSON.createObjectNode();
        r.put("markdown", md);
        return r;
    }

    @FunctionalInterface
    private interface Body {
        ObjectNode run(Map<String, Object> options, PrintStream out) throws Exception;
    }

    private record Simple(String name, String description, Schema options, Body body) implements Experiment {
        @Override
        public ObjectNode run(Map<String, Object> options, PrintStream out) throws Exception {
            ObjectNode r = body.run(options, out);
            ObjectNode result = JSON.createObjectNode();
            result.put("experiment", name);
            ObjectNode opts = result.putObject("options");
            for (var e : options.entrySet()) opts.putPOJO(e.getKey(), e.getValue());
            result.setAll(r);
            return result;
        }
    }
}
