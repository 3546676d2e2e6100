package dev.descent.bench.rl;

import dev.descent.bench.GenerateBenchmark;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.rl.GeneratedTask;
import dev.descent.rl.GrpoMetrics;
import dev.descent.rl.GrpoObjective;
import dev.descent.rl.GrpoSettings;
import dev.descent.rl.PolicyLossType;
import dev.descent.tasks.Tasks;
import dev.descent.tensor.Parallel;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code descent bench rl-step}: where the time of an online RL step goes, on the Shakespeare-char
 * recipe's 4-layer model (n_layer 4, n_head 4, n_embd 128, no bias, dropout 0).
 * <ol>
 *   <li>Generation with the KV cache: one decode step of 1, 16 (the batch of §7.2) and 64 sequences
 *       with 16 and with 256 positions in the cache ({@link GenerateBenchmark#stepMillis}; vocabulary
 *       65, block_size 320), interleaved, the median over rounds of the per-round ratio.</li>
 *   <li>One GRPO step of 8 prompts × 8 generations × at most 32 new tokens on the addition task
 *       (its default settings), β = 0.04 so that the reference policy's log-probabilities are
 *       computed, AdamW, the gradient clip at 1, through {@link GrpoObjective} on {@link TrainingLoop}
 *       exactly as {@code rl train} runs it. Each step's wall time is split by
 *       {@link GrpoObjective#rolloutTimes}: sampling (the generator), scoring (the verifiers),
 *       the reference's log-probabilities, the rest of the round (advantages, padding), and the
 *       update (the policy's forward and backward with the tape, the loss, the clip and AdamW): the
 *       step minus its round. Medians over the measured steps, after warm-up steps for the JIT.</li>
 * </ol>
 * The weights are the random initialisation: the costs do not depend on them, but the completions'
 * lengths do (a random policy stops when it happens to draw the stop character), so the mean length
 * and the truncation rate are printed beside the times. The load average is printed with the figures.
 * Each share is the median over steps of that phase's share of its step. {@code steps = 0} runs the
 * decode-step part only.
 */
public final class RlStepBench {
    private RlStepBench() {}

    /** The measured figures (milliseconds; fractions in [0, 1]). */
    public record Result(double step16Ms, double step256Ms, double positionRatio, double totalMs, double samplingMs, double scoringMs,
                         double referenceMs, double otherRolloutMs, double updateMs, double updateFraction, double meanLength,
                         double truncatedRate) {}

    public static Result run(int rounds, int warmup, int steps, PrintStream out) throws IOException {
        if (rounds < 1 || steps < 0 || warmup < 0) throw new IllegalArgumentException("rounds must be >= 1, steps and warmup >= 0; got " + rounds + ", " + steps + ", " + warmup);
        out.printf(Locale.ROOT, "load before: %s; %d threads%n", load(), Parallel.threads());

        // (a) a decode step at 16 and at 256 cached positions, for 1, 16 (§7.2's batch) and 64 sequences (an RL round's 8 x 8)
        Gpt gen = new Gpt(new GptConfig(65, 320, 4, 4, 128, 0f, false), 1337);
        gen.train(false);
        int[] batches = {1, 16, 64};
        for (int b : batches) {
            GenerateBenchmark.stepMillis(gen, b, 16, 5);
            GenerateBenchmark.stepMillis(gen, b, 256, 5);
        }
        List<List<Double>> s16 = new ArrayList<>(), s256 = new ArrayList<>(), ratio = new ArrayList<>();
        for (int i = 0; i < batches.length; i++) {
            s16.add(new ArrayList<>());
            s256.add(new ArrayList<>());
            ratio.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < batches.length; i++) {
                double a = GenerateBenchmark.stepMillis(gen, batches[i], 16, 20);
                double b = GenerateBenchmark.stepMillis(gen, batches[i], 256, 20);
                s16.get(i).add(a);
                s256.get(i).add(b);
                ratio.get(i).add(b / a);
            }
        }
        out.printf(Locale.ROOT, "decode step (one new token per sequence), medians of %d interleaved rounds of 20 steps:%n", rounds);
        out.printf(Locale.ROOT, "| sequences | ms at 16 positions | ms at 256 | ratio (target <= 1.5) |%n|---:|---:|---:|---:|%n");
        for (int i = 0; i < batches.length; i++) {
            out.printf(Locale.ROOT, "| %d | %.3f | %.3f | %.2f |%n", batches[i], median(s16.get(i)), median(s256.get(i)), median(ratio.get(i)));
        }
        int main = 1; // the batch of §7.2
        if (steps == 0) {
            out.printf(Locale.ROOT, "load after: %s%n", load());
            return new Result(median(s16.get(main)), median(s256.get(main)), median(ratio.get(main)), Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }

        // (b) one GRPO step, 8 prompts x 8 generations x 32 tokens
        GeneratedTask task = new GeneratedTask(Tasks.create("addition", Map.of()));
        Gpt policy = new Gpt(new GptConfig(task.alphabet().length(), 64, 4, 4, 128, 0f, false), 1337);
        policy.train(false);
        Gpt reference = GrpoObjective.frozenCopy(policy);
        GrpoSettings settings = GrpoSettings.defaults(8, 8, 32, PolicyLossType.DAPO, 0);
        settings = settings.withLoss(settings.loss().withBeta(0.04));
        GrpoObjective<?> objective = new GrpoObjective<>(policy, reference, task, settings);
        Optimizer opt = Optimizers.adamw().lr(1e-4).weightDecay(0).build(policy);
        List<double[]> rows = new ArrayList<>(); // per measured step: total, sampling, scoring, reference, rest of round, length, truncated
        GrpoObjective.RolloutTimes[] before = {objective.rolloutTimes()};
        TrainingLoop loop = new TrainingLoop(opt, objective, policy.parameters().grads()).clip(1.0).callback(new TrainingLoop.Callback() {
            @Override
            public void afterStep(TrainingLoop.Step s) {
                GrpoObjective.RolloutTimes now = objective.rolloutTimes();
                GrpoObjective.RolloutTimes was = before[0];
                before[0] = now;
                if (s.index() < warmup) return;
                double sampling = now.sampling() - was.sampling(), scoring = now.scoring() - was.scoring(), ref = now.reference() - was.reference();
                double round = now.rollout() - was.rollout();
                GrpoMetrics m = objective.lastMetrics();
                rows.add(new double[] {s.seconds(), sampling, scoring, ref, round - sampling - scoring - ref, m.completionLength(), m.truncatedRate()});
            }
        });
        loop.run(0, warmup + steps);
        double total = med(rows, 0) * 1e3, sampling = med(rows, 1) * 1e3, scoring = med(rows, 2) * 1e3, ref = med(rows, 3) * 1e3;
        double other = med(rows, 4) * 1e3;
        double[] update = new double[rows.size()], fraction = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            double[] r = rows.get(i);
            update[i] = (r[0] - r[1] - r[2] - r[3] - r[4]) * 1e3;
            fraction[i] = update[i] / (r[0] * 1e3);
        }
        Result res = new Result(median(s16.get(main)), median(s256.get(main)), median(ratio.get(main)), total, sampling, scoring, ref, other, median(update), median(fraction),
                med(rows, 5), med(rows, 6));
        out.printf(Locale.ROOT, "GRPO step, 8 prompts x 8 generations x <= 32 tokens (addition; mean completion %.1f tokens, %.0f%% truncated), medians of %d steps after %d warm-up:%n",
                res.meanLength(), 100 * res.truncatedRate(), steps, warmup);
        out.printf(Locale.ROOT, "| phase | ms | share of the step |%n|---|---:|---:|%n");
        row(out, "sampling (generator, KV cache)", sampling, share(rows, 1));
        row(out, "scoring (verifiers)", scoring, share(rows, 2));
        row(out, "reference log-probs (no tape)", ref, share(rows, 3));
        row(out, "rest of the round (advantages, padding)", other, share(rows, 4));
        row(out, "update (forward + backward, loss, clip, AdamW)", res.updateMs(), res.updateFraction());
        out.printf(Locale.ROOT, "| **step** | **%.1f** | |%n", total);
        out.printf(Locale.ROOT, "update share of the step (median over steps): %.2f (target >= 0.5)%n", res.updateFraction());
        out.printf(Locale.ROOT, "load after: %s%n", load());
        return res;
    }

    private static void row(PrintStream out, String name, double ms, double share) {
        out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", name, ms, share);
    }

    /** The median over steps of column {@code col}'s share of the step's time. */
    private static double share(List<double[]> rows, int col) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i)[col] / rows.get(i)[0];
        return median(v);
    }

    private static double med(List<double[]> rows, int col) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i)[col];
        return median(v);
    }

    private static double median(List<Double> v) {
        return median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "unknown". */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
