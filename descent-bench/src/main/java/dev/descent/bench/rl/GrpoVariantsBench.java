package dev.descent.bench.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.rl.GeneratedTask;
import dev.descent.rl.GrpoRun;
import dev.descent.rl.RlTrainConfig;
import dev.descent.tasks.Problem;
import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.Task;
import dev.descent.tasks.TaskEvaluation;
import dev.descent.train.Checkpoint;
import dev.descent.train.Sampler;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GRPO variants (and PPO with a critic, Open-Reasoner-Zero's recipe) against GRPO on the same budget: from one reference policy (an {@code rl
 * sft-warmup} run on two-digit addition), every variant trains for the same number of steps with the
 * same batch (prompts × generations), AdamW and seed per repetition; the table gives the training
 * success (sampled at temperature 1, the mean reward of the round's completions) against the step and
 * against wall-clock seconds, the held-out success of the final policy (greedy and sampled, on
 * problems the warm-up never saw) and the steps each variant needed to reach GRPO's final training
 * success (the claims: ReDit matches GRPO with ~10% of the steps; 80/20's top-20% entropy tokens do at
 * least as well as all tokens; CPPO is faster at the same accuracy; LENS, DCPO, GTPO and PACS each
 * beat GRPO's accuracy at the same budget).
 */
public final class GrpoVariantsBench {
    private GrpoVariantsBench() {}

    /** The options (see {@code Experiments}). */
    public record Options(String initFrom, String out, String variants, int seeds, int steps, int prompts, int generations, double lr,
                          int evalProblems, int refSteps) {}

    /** The variants and the configuration keys each sets over GRPO (TRL's defaults: dapo loss, β = 0, ε = 0.2). */
    public static final Map<String, List<String>> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("grpo", List.of());
        VARIANTS.put("redit", List.of("reward_dither=gaussian", "reward_dither_scale=0.05"));
        VARIANTS.put("qae", List.of("baseline_quantile=0.5"));
        VARIANTS.put("cppo", List.of("pruning_rate=0.5"));
        VARIANTS.put("entropy_top20", List.of("top_entropy_quantile=0.2"));
        VARIANTS.put("dynamic_sampling", List.of("dynamic_sampling=true", "max_generation_batches=4"));
        VARIANTS.put("ppo", List.of("algorithm=ppo"));
        VARIANTS.put("lens", List.of("lens_penalty=0.5"));
        // LENS without the division by the group's standard deviation, which in an all-wrong group scales the confidence gaps to unit advantages
        VARIANTS.put("lens_unscaled", List.of("lens_penalty=0.5", "scale_rewards=none"));
        VARIANTS.put("grpo_unscaled", List.of("scale_rewards=none"));
        // with one optimizer step per round the ratio is exactly 1 and no clip binds; two steps per round let DCPO's bounds act
        VARIANTS.put("grpo_mu2", List.of("num_iterations=2"));
        VARIANTS.put("dcpo_mu2", List.of("dynamic_clip=true", "clip_ratio_c=10", "epsilon_high=0.28", "smooth_advantages=true", "num_iterations=2"));
        VARIANTS.put("dcpo", List.of("dynamic_clip=true", "clip_ratio_c=10", "epsilon_high=0.28", "smooth_advantages=true"));
        VARIANTS.put("gtpo", List.of("loss_type=gtpo"));
        VARIANTS.put("pacs", List.of("loss_type=pacs", "pacs_beta=1"));
    }

    private record Run(double[] reward, double[] seconds, double greedy, double sampled) {}

    public static void run(Options o, PrintStream out) {
        try {
            runChecked(o, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void runChecked(Options o, PrintStream out) throws IOException {
        List<String> names = new ArrayList<>();
        for (String v : o.variants().split(",")) {
            String name = v.trim();
            if (!VARIANTS.containsKey(name)) throw new IllegalArgumentException("unknown variant '" + name + "'; valid: " + String.join(", ", VARIANTS.keySet()));
            names.add(name);
        }
        Path root = Path.of(o.out());
        Files.createDirectories(root);
        Path ref = o.initFrom().equals("none") ? warmUp(root.resolve("reference"), o.refSteps(), out) : Path.of(o.initFrom());
        Task task = SftWarmup.taskOf(ref);
        JsonNode taskJson = new ObjectMapper().readTree(ref.resolve(SftWarmup.TASK_FILE).toFile());
        List<Problem> heldOut = SftWarmup.heldOut(task, taskJson.path("seed").asLong(), taskJson.path("examples").asInt(), o.evalProblems());
        int longest = 1;
        for (Problem p : heldOut) longest = Math.max(longest, p.reference().length());
        int maxCompletion = longest + 1;
        out.printf(Locale.ROOT, "reference %s (task %s), %d seeds × %d steps, %d prompts × %d generations, AdamW %.0e, max_completion_length %d%n%n",
                ref, task.name(), o.seeds(), o.steps(), o.prompts(), o.generations(), o.lr(), maxCompletion);
        // a short throwaway run first, so the JIT's warm-up is not charged to the first variant's seconds
        GrpoRun.run(RlTrainConfig.defaults().with(List.of("init_from=" + ref, "steps=3", "prompts_per_step=" + o.prompts(),
                "num_generations=" + o.generations(), "max_completion_length=" + maxCompletion)), new GeneratedTask(task), root.resolve("jit-warmup"), true);
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (String n : names) runs.put(n, new ArrayList<>());
        // seeds outermost and variants interleaved inside, so a change of machine load hits every variant alike
        for (int seed = 0; seed < o.seeds(); seed++) {
            for (String n : names) {
                List<String> keys = new ArrayList<>(List.of("init_from=" + ref, "steps=" + o.steps(), "prompts_per_step=" + o.prompts(),
                        "num_generations=" + o.generations(), "max_completion_length=" + maxCompletion, "learning_rate=" + o.lr(), "seed=" + seed));
                keys.addAll(VARIANTS.get(n));
                Path dir = root.resolve(n + "-s" + seed);
                GrpoRun.run(RlTrainConfig.defaults().with(keys), new GeneratedTask(task), dir, true);
                Run r = evaluate(dir, task, heldOut, maxCompletion, seed);
                runs.get(n).add(r);
                out.printf(Locale.ROOT, "%s seed %d: train success (last 10 steps) %.3f, held-out greedy %.3f sampled %.3f, %.0f s%n", n, seed,
                        tailMean(r.reward(), 10), r.greedy(), r.sampled(), r.seconds()[r.seconds().length - 1]);
            }
        }
        report(o, names, runs, out);
    }

    private static Path warmUp(Path dir, int steps, PrintStream out) throws IOException {
        if (Files.isRegularFile(dir.resolve(SftWarmup.TASK_FILE))) return dir;
        SftWarmup.Plan plan = SftWarmup.plan("addition", List.of("max_iters=" + steps), dir);
        SftWarmup.writeData(plan, true);
        SftWarmup.train(plan, true, dev.descent.train.TrainListener.NONE);
        SftWarmup.Report r = SftWarmup.evaluate(plan);
        out.printf(Locale.ROOT, "reference: %d SFT steps, held-out greedy %.3f sampled %.3f%n", steps, r.greedy().successRate(), r.sampled().successRate());
        return dir;
    }

    private static Run evaluate(Path dir, Task task, List<Problem> heldOut, int maxNew, int seed) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        double[] reward = new double[lines.size()];
        double[] seconds = new double[lines.size()];
        double t = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = json.readTree(lines.get(i));
            reward[i] = n.get("reward").asDouble();
            t += n.get("seconds").asDouble();
            seconds[i] = t;
        }
        Gpt model = Sampler.load(dir).model();
        CharTokenizer tok = new CharTokenizer(Checkpoint.info(dir).vocabulary().toCharArray());
        double greedy = TaskEvaluation.evaluate(model, tok, task, heldOut, 0f, seed, maxNew).successRate();
        double sampled = TaskEvaluation.evaluate(model, tok, task, heldOut, 1f, seed, maxNew).successRate();
        return new Run(reward, seconds, greedy, sampled);
    }

    static double tailMean(double[] x, int k) {
        double s = 0;
        int n = Math.min(k, x.length);
        for (int i = x.length - n; i < x.length; i++) s += x[i];
        return s / n;
    }

    /** The first step (1-based) whose trailing mean over {@code window} steps reaches {@code level}; 0 when never. */
    static int stepsToReach(double[] x, double level, int window) {
        for (int i = window - 1; i < x.length; i++) {
            double s = 0;
            for (int j = i - window + 1; j <= i; j++) s += x[j];
            if (s / window >= level) return i + 1;
        }
        return 0;
    }

    private static String pm(List<Double> xs, String fmt) {
        double m = 0;
        for (double x : xs) m += x;
        m /= xs.size();
        double v = 0;
        for (double x : xs) v += (x - m) * (x - m);
        double sd = xs.size() > 1 ? Math.sqrt(v / (xs.size() - 1)) : 0;
        return String.format(Locale.ROOT, fmt + " ± " + fmt, m, sd);
    }

    private static void report(Options o, List<String> names, Map<String, List<Run>> runs, PrintStream out) {
        int window = Math.max(1, Math.min(10, o.steps() / 5));
        out.println();
        out.printf(Locale.ROOT, "Mean ± sd over %d seeds. Train success = mean reward of the round's %d sampled completions (T = 1), "
                + "averaged over the last %d steps; held-out = %d problems the warm-up never saw; seconds = the steps' wall-clock sum; "
                + "steps to GRPO = first step whose %d-step trailing mean reaches GRPO's final train success of the same seed (median, 'never' counted as %d+).%n%n",
                o.seeds(), o.prompts() * o.generations(), window, o.evalProblems(), window, o.steps());
        out.println("| variant | train success | held-out greedy | held-out sampled | seconds | s / step | steps to GRPO's final level |");
        out.println("|---|---|---|---|---|---|---|");
        List<Run> base = runs.get("grpo");
        for (String n : names) {
            List<Run> rs = runs.get(n);
            List<Double> train = new ArrayList<>(), greedy = new ArrayList<>(), sampled = new ArrayList<>(), secs = new ArrayList<>(), per = new ArrayList<>();
            List<Integer> reach = new ArrayList<>();
            for (int s = 0; s < rs.size(); s++) {
                Run r = rs.get(s);
                train.add(tailMean(r.reward(), window));
                greedy.add(r.greedy());
                sampled.add(r.sampled());
                double total = r.seconds()[r.seconds().length - 1];
                secs.add(total);
                per.add(total / r.seconds().length);
                if (base != null) {
                    int k = stepsToReach(r.reward(), tailMean(base.get(s).reward(), window), window);
                    reach.add(k == 0 ? Integer.MAX_VALUE : k);
                }
            }
            String reached = "–";
            if (!reach.isEmpty()) {
                List<Integer> sorted = new ArrayList<>(reach);
                java.util.Collections.sort(sorted);
                int med = sorted.get(sorted.size() / 2);
                reached = (med == Integer.MAX_VALUE ? "never (> " + o.steps() + ")" : String.valueOf(med)) + " " + reach.toString().replace(String.valueOf(Integer.MAX_VALUE), "never");
            }
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", n, pm(train, "%.3f"), pm(greedy, "%.3f"), pm(sampled, "%.3f"),
                    pm(secs, "%.0f"), pm(per, "%.2f"), reached);
        }
        int marks = 5;
        out.println();
        out.println("Train success (trailing " + window + "-step mean, mean over seeds) against the step, with the mean wall-clock seconds at that step:");
        out.println();
        StringBuilder head = new StringBuilder("| variant |");
        StringBuilder rule = new StringBuilder("|---|");
        int[] at = new int[marks];
        for (int m = 0; m < marks; m++) {
            at[m] = Math.max(window, (int) Math.round((m + 1) * o.steps() / (double) marks));
            head.append(" step ").append(at[m]).append(" |");
            rule.append("---|");
        }
        out.println(head);
        out.println(rule);
        for (String n : names) {
            StringBuilder row = new StringBuilder("| " + n + " |");
            for (int m = 0; m < marks; m++) {
                double r = 0, t = 0;
                for (Run run : runs.get(n)) {
                    double[] x = java.util.Arrays.copyOf(run.reward(), at[m]);
                    r += tailMean(x, window);
                    t += run.seconds()[at[m] - 1];
                }
                int k = runs.get(n).size();
                row.append(String.format(Locale.ROOT, " %.3f (%.0f s) |", r / k, t / k));
            }
            out.println(row);
        }
    }
}
