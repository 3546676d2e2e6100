package dev.descent.bench.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * SNR against the LoRA rank) and the LoRA variants against LoRA ({@code bench.peft}).
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
        add(new Simple("lora-variants", "LoRA-Pro, LoRA-SB and IncreLoRA against LoRA at equal trainable elements and steps on the unseen-plays "
                + "adaptation of bench/lora-finetune.sh (recipe GPT pre-trained on [0, 0.9), AdamW fine-tuning on [0.9, 1)); val and slice loss "
                + "mean ± sd over the seeds",
                new Schema().add(text("out", "runs/lora-variants", "output folder (the pre-trained base is kept in out/pretrain)"))
                        .add(count("pre_iters", 600, "pre-training steps"))
                        .add(count("ft_iters", 200, "fine-tuning steps of every method"))
                        .add(count("seeds", 3, "fine-tuning seeds 1..seeds"))
                        .add(positive("lr", 2e-3, "constant AdamW learning rate of every method")),
                (o, out) -> {
                    requirePositive(o, "lr");
                    return markdown(p -> dev.descent.bench.peft.LoraVariantsBench.run(Path.of((String) o.get("out")), (Integer) o.get("pre_iters"),
                            (Integer) o.get("ft_iters"), (Integer) o.get("seeds"), (Double) o.get("lr"), p), out);
                }));
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
