package dev.descent.bench.rl;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.Parameter;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.rl.Drift;
import dev.descent.rl.FeedbackWarmup;
import dev.descent.rl.MultiTurnGrpoObjective;
import dev.descent.rl.MultiTurnRollout;
import dev.descent.rl.PolicyLossConfig;
import dev.descent.rl.PolicyLossType;
import dev.descent.rl.RewardScaling;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import dev.descent.tasks.TaskEvaluation;
import dev.descent.tasks.Tasks;
import dev.descent.tensor.Tensor;
import dev.descent.train.TrainingLoop;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.train.Checkpoint;
import dev.descent.train.RunFolder;
import dev.descent.train.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DRIFT's claim 2 on a multi-turn feedback task: two-digit addition (reversed, as minGPT's adder)
 * with "too high"/"too low" feedback and a budget of {@code turns} answers. One reference policy,
 * trained from scratch on demonstrated interactions ({@link FeedbackWarmup}, {@code ref_steps} steps,
 * {@code corruption} wrong answers per turn, seed 0), so its success is low; it is kept in
 * {@code ref_dir} when given and reused by later runs with the same settings. Per seed:
 * <ol>
 *   <li>DRIFT from a copy of it: {@code drift_prompts} × {@code samples} interactions sampled once
 *       from the fixed reference, DRIFT weights (γ, β), weighted SFT on the policy's tokens for
 *       {@code epochs} epochs ({@link Drift});</li>
 *   <li>multi-turn online GRPO from another copy: {@code grpo_steps} steps of {@code grpo_prompts} ×
 *       {@code samples} fresh interactions of the current policy, one gradient step each, the same
 *       return as reward, or with {@code grpo_penalties=false} the discounted turn rewards alone
 *       ({@link MultiTurnGrpoObjective}), evaluated halfway and at the end.</li>
 * </ol>
 * Every policy is evaluated on {@code eval_problems} held-out problems (stream 10⁶ + seed, not the
 * training streams) with {@code eval_samples} interactions each at temperature 1: pass@1 is the
 * success rate within the budget, pass@k the unbiased estimate ({@link TaskEvaluation#passAtK}).
 * Cost: wall-clock seconds of rollouts and of training (evaluation excluded), the rollouts' forward
 * positions and the training forwards' positions (each also a backward).
 */
public final class DriftBench {
    private DriftBench() {}

    /** The options (see {@code Experiments}). */
    public record Options(int seeds, int turns, int refSteps, double corruption, int driftPrompts, int samples, int epochs, int batch,
                          double lr, double beta, double gamma, int grpoSteps, int grpoPrompts, double grpoLr, int evalProblems,
                          int evalSamples, String refDir, boolean grpoPenalties) {}

    private static final int MAX_NEW_TOKENS = 5;
    private static final Map<String, String> TASK_SETTINGS = Map.of("digits", "2", "reversed", "true");

    /** A policy's held-out numbers. */
    private record Eval(double pass1, Map<Integer, Double> passK, double meanTurns) {}

    public static void run(Options o, PrintStream out) {
        Task task = Tasks.create("addition", TASK_SETTINGS);
        CharTokenizer tok = FeedbackWarmup.tokenizer(task, o.turns());
        Map<String, List<Double>> acc = new LinkedHashMap<>();
        List<Integer> ks = new ArrayList<>();
        for (int k = 1; k <= o.evalSamples(); k *= 4) ks.add(k);
        if (ks.get(ks.size() - 1) != o.evalSamples()) ks.add(o.evalSamples());
        int[] checkpoints = {o.grpoSteps() / 2, o.grpoSteps()};
        out.printf(Locale.ROOT, "# DRIFT vs multi-turn online GRPO (addition, 2 digits, reversed; %d turns; GRPO reward %s)%n%n", o.turns(),
                o.grpoPenalties() ? "R = D + F - P" : "D");
        // One reference for every seed (its warm-up dominates the cost on a loaded machine); the seeds
        // vary the rollouts, the training order and the evaluation draws.
        FeedbackWarmup.Settings refSettings = FeedbackWarmup.Settings.defaults(o.turns(), o.refSteps(), o.corruption(), 0);
        long t0 = System.nanoTime();
        Gpt ref = reference(task, o, refSettings);
        out.printf(Locale.ROOT, "reference: %d warm-up steps, corruption %.2f (%.0f s)%n", o.refSteps(), o.corruption(), (System.nanoTime() - t0) / 1e9);
        List<Problem> held = new ArrayList<>();
        for (int i = 0; i < o.evalProblems(); i++) held.add(task.problem(1_000_000, i));
        for (int seed = 0; seed < o.seeds(); seed++) {
            Eval refEval = evaluate(ref, task, tok, o, held, seed);
            record(acc, "reference", refEval, ks);
            out.printf(Locale.ROOT, "seed %d: reference pass@1 %.3f, turns %.2f%n", seed, refEval.pass1(), refEval.meanTurns());
            try {
                Gpt d = copy(ref);
                Drift.Result dr = Drift.run(d, tok, task, new Drift.Settings(o.driftPrompts(), o.samples(), o.turns(), MAX_NEW_TOKENS, o.gamma(),
                        o.beta(), Drift.Target.ALL_TURNS, o.epochs(), o.batch(), o.lr(), 0.0, 100 + seed), null);
                Eval de = evaluate(d, task, tok, o, held, seed);
                record(acc, "drift", de, ks);
                add(acc, "drift|seconds", dr.rolloutSeconds() + dr.trainSeconds());
                add(acc, "drift|rollout_tokens", dr.rolloutForwardTokens());
                add(acc, "drift|train_tokens", dr.trainTokens());
                add(acc, "drift|interactions", dr.interactions());
                add(acc, "drift|steps", dr.steps());
                add(acc, "drift|ess", dr.meanEss());
                add(acc, "drift|rollout_success", dr.rolloutSuccess());
                out.printf(Locale.ROOT, "seed %d: DRIFT pass@1 %.3f (rollouts %.1f s, %d interactions at success %.3f, ESS %.2f/%d; %d steps %.1f s)%n",
                        seed, de.pass1(), dr.rolloutSeconds(), dr.interactions(), dr.rolloutSuccess(), dr.meanEss(), o.samples(), dr.steps(), dr.trainSeconds());

                Gpt g = copy(ref);
                var settings = new MultiTurnGrpoObjective.Settings(o.grpoPrompts(), o.samples(), o.turns(), MAX_NEW_TOKENS, 1f,
                        PolicyLossConfig.defaults(PolicyLossType.GRPO), RewardScaling.GROUP, o.gamma(), o.grpoPenalties(), 200 + seed);
                MultiTurnGrpoObjective objective = new MultiTurnGrpoObjective(g, task, tok, settings);
                Optimizer opt = AdamW.optimizer(g.parameters(), o.grpoLr(), 0.9, 0.999, 1e-8, 0.0, p -> false);
                TrainingLoop loop = new TrainingLoop(opt, objective, g.parameters().grads()).clip(1.0);
                long from = 0;
                for (int c = 0; c < checkpoints.length; c++) {
                    TrainingLoop.Outcome oc = loop.run(from, checkpoints[c]);
                    if (oc.diverged()) throw new IllegalStateException("GRPO's loss is not finite at step " + oc.next());
                    from = checkpoints[c];
                    Eval ge = evaluate(g, task, tok, o, held, seed);
                    String name = c == checkpoints.length - 1 ? "grpo" : "grpo@" + checkpoints[c];
                    record(acc, name, ge, ks);
                    double seconds = objective.rolloutSeconds() + loop.trainSeconds();
                    add(acc, name + "|seconds", seconds);
                    add(acc, name + "|rollout_tokens", objective.rolloutForwardTokens());
                    add(acc, name + "|train_tokens", objective.trainTokens());
                    add(acc, name + "|interactions", (double) checkpoints[c] * o.grpoPrompts() * o.samples());
                    add(acc, name + "|steps", checkpoints[c]);
                    out.printf(Locale.ROOT, "seed %d: GRPO after %d steps pass@1 %.3f (rollouts %.1f s, training %.1f s)%n", seed, checkpoints[c], ge.pass1(),
                            objective.rolloutSeconds(), loop.trainSeconds());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.println();
        out.printf(Locale.ROOT, "mean ± sd over %d seeds; pass@k on %d held-out problems × %d interactions at temperature 1%n%n", o.seeds(), o.evalProblems(),
                o.evalSamples());
        StringBuilder head = new StringBuilder("| policy | pass@1 (success) |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int k : ks) if (k > 1) {
            head.append(" pass@").append(k).append(" |");
            rule.append("---|");
        }
        head.append(" answers per interaction | interactions sampled | optimizer steps | wall-clock s (rollouts + training) | rollout forward tokens | training forward (= backward) tokens |");
        rule.append("---|---|---|---|---|---|");
        out.println(head);
        out.println(rule);
        List<String> rows = new ArrayList<>(List.of("reference", "drift"));
        for (int c = 0; c < checkpoints.length - 1; c++) rows.add("grpo@" + checkpoints[c]);
        rows.add("grpo");
        for (String r : rows) {
            StringBuilder line = new StringBuilder("| ").append(r.equals("grpo") ? "grpo@" + o.grpoSteps() : r).append(" | ").append(ms(acc, r + "|pass1", 3)).append(" |");
            for (int k : ks) if (k > 1) line.append(' ').append(ms(acc, r + "|pass" + k, 3)).append(" |");
            line.append(' ').append(ms(acc, r + "|turns", 2)).append(" |");
            for (String cost : List.of("interactions", "steps", "seconds", "rollout_tokens", "train_tokens")) {
                line.append(' ').append(acc.containsKey(r + "|" + cost) ? ms(acc, r + "|" + cost, cost.equals("seconds") ? 1 : 0) : "–").append(" |");
            }
            out.println(line);
        }
    }

    /** The reference: loaded from {@code ref_dir} when it holds one made with the same settings, else trained (and saved there when given). */
    private static Gpt reference(Task task, Options o, FeedbackWarmup.Settings s) {
        try {
            if (!o.refDir().isEmpty()) {
                Path dir = Path.of(o.refDir());
                if (Files.isRegularFile(dir.resolve(FeedbackWarmup.TASK_FILE))) {
                    JsonNode n = new ObjectMapper().readTree(dir.resolve(FeedbackWarmup.TASK_FILE).toFile());
                    if (n.path("turns").asInt() == o.turns() && n.path("corruption").asDouble() == o.corruption()
                            && Checkpoint.info(dir).step() == o.refSteps()) {
                        return Sampler.load(dir).model();
                    }
                }
            }
            FeedbackWarmup.Trained t = FeedbackWarmup.trainRun(task, s);
            if (!o.refDir().isEmpty()) {
                Path dir = Path.of(o.refDir());
                RunFolder.prepare(dir, true);
                FeedbackWarmup.save(dir, new FeedbackWarmup.TaskSpec(task, TASK_SETTINGS, o.turns()), s, t);
            }
            return t.model();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Eval evaluate(Gpt policy, Task task, CharTokenizer tok, Options o, List<Problem> held, int seed) {
        MultiTurnRollout r = new MultiTurnRollout(policy, task, o.turns(), tok, MAX_NEW_TOKENS, 1f, 7_000 + seed);
        MultiTurnRollout.Batch b = r.sample(held, o.evalSamples(), 0);
        int[] correct = new int[held.size()];
        for (int e = 0; e < b.interactions().size(); e++) if (b.interactions().get(e).success()) correct[e / o.evalSamples()]++;
        Map<Integer, Double> passK = new LinkedHashMap<>();
        for (int k = 1; k <= o.evalSamples(); k++) passK.put(k, TaskEvaluation.passAtK(correct, o.evalSamples(), k));
        return new Eval(passK.get(1), passK, b.meanTurns());
    }

    private static void record(Map<String, List<Double>> acc, String name, Eval e, List<Integer> ks) {
        add(acc, name + "|pass1", e.pass1());
        for (int k : ks) add(acc, name + "|pass" + k, e.passK().get(k));
        add(acc, name + "|turns", e.meanTurns());
    }

    /** A trainable copy of {@code model} (same configuration and values). */
    static Gpt copy(Gpt model) {
        Gpt c = new Gpt(model.config(), 0);
        for (Parameter p : model.parameters().all()) {
            Tensor from = p.value();
            Tensor to = c.parameters().get(p.name()).value();
            System.arraycopy(from.data(), from.offset(), to.data(), to.offset(), from.size());
        }
        return c;
    }

    private static void add(Map<String, List<Double>> acc, String key, double v) {
        acc.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    private static String ms(Map<String, List<Double>> acc, String key, int digits) {
        List<Double> v = acc.get(key);
        double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        double sd = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0;
        if (digits == 0 && Math.abs(m) >= 1e5) return String.format(Locale.ROOT, "%.3g ± %.2g", m, sd);
        return String.format(Locale.ROOT, "%." + digits + "f ± %." + digits + "f", m, sd);
    }
}
