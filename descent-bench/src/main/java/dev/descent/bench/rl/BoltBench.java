package dev.descent.bench.rl;

import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.rl.AnswerEnumeration;
import dev.descent.rl.Bolt;
import dev.descent.rl.GeneratedTask;
import dev.descent.rl.WeightedSft;
import dev.descent.tasks.Demonstrations;
import dev.descent.tasks.Problem;
import dev.descent.tasks.SftObjective;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import dev.descent.train.TrainingLoop;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * BOLT's claim on a task whose answer space can be enumerated: one-digit addition (reversed, as
 * minGPT's adder), whose answers are two characters and a stop. With max_new_tokens = 3 the policy's
 * distribution over every completion (all ≤ 2-character strings over the 12 non-stop tokens followed
 * by the stop, and all 3-character truncations: 1,885 outcomes) is exact ({@link AnswerEnumeration}),
 * so the target π* ∝ π_ref·exp(r/β) and KL(π*‖π_θ), the exact expected reward and KL(π_θ‖π_ref) are
 * exact numbers, not estimates.
 *
 * <p>Per seed: a reference GPT (1 layer, 2 heads, 32 wide) trained from scratch for {@code ref_steps}
 * steps on demonstrations with {@code corruption} wrong digits (so its success is low); the prompts
 * are the first {@code prompts} distinct problems of the stream keyed by the seed. Then, from a copy
 * of the reference each time:
 * <ol>
 *   <li>weightings: BOLT (Boltzmann weights), RFT (1 on correct), GRPO-style group advantages as
 *       weights, on the same stored samples (N = {@code samples}), {@code epochs} epochs; KL to the
 *       target of every β of the grid (RFT and advantages do not depend on β);</li>
 *   <li>epochs against refresh at β = {@code beta}: one-shot with E and 3E epochs, and 3 refreshed
 *       rounds of E epochs each at per-round temperature 3β (so their exact composition is π*_β);</li>
 *   <li>the temperature–coverage–variance frontier of BOLT over β × N: KL(π*‖π_θ), reward,
 *       KL(π_θ‖π_ref), mean ESS and mean stored-support mass.</li>
 * </ol>
 */
public final class BoltBench {
    private BoltBench() {}

    /** The options (see {@code Experiments}). */
    public record Options(int seeds, int refSteps, double corruption, int prompts, double beta, String betas, String samplesGrid,
                          int samples, int epochs, int batch, double lr) {}

    private static final int MAX_CHARS = 2;

    private record Setup(Gpt reference, GeneratedTask task, List<Problem> problems, List<AnswerEnumeration.Distribution> ref,
                         List<double[]> rewards, int[] chars, int stop, double refReward) {}

    /** Exact numbers of a trained policy against the target at β. */
    private record Eval(double klTarget, double reward, double klRef) {}

    public static void run(Options o, PrintStream out) {
        double[] betas = parse("betas", o.betas());
        // The N of the weighting comparison is always on the frontier's grid.
        int[] ks = java.util.stream.IntStream.concat(Arrays.stream(parse("samples_grid", o.samplesGrid())).mapToInt(d -> (int) d), java.util.stream.IntStream.of(o.samples()))
                .distinct().sorted().toArray();
        Map<String, List<Double>> acc = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (int seed = 0; seed < o.seeds(); seed++) {
            Setup s = setup(o, seed);
            add(acc, "ref|success", s.refReward());
            for (double b : betas) {
                add(acc, "ref|kl_target|" + b, klTargetOf(s, s.ref(), b));
            }
            Bolt.Settings base = new Bolt.Settings(o.samples(), MAX_CHARS + 1, o.beta(), Bolt.Weighting.BOLTZMANN, o.epochs(), 1, o.batch(), o.lr(),
                    WeightedSft.Normalisation.TOKEN_SUM, seed);
            // 1. Weightings on the same stored samples (same seed → the same draws from the reference).
            for (Bolt.Weighting w : List.of(Bolt.Weighting.RFT, Bolt.Weighting.ADVANTAGE)) {
                Gpt policy = train(s, base.withWeighting(w));
                var dist = enumerate(s, policy);
                for (double b : betas) record(acc, w + "|" + b, eval(s, dist, b));
            }
            // 3. (and the Boltzmann row of 1.) β × N.
            for (int k : ks) {
                for (double b : betas) {
                    Gpt policy = copy(s.reference());
                    var rounds = Bolt.run(policy, s.task(), s.problems(), base.withBeta(b).withSamples(k));
                    Eval e = eval(s, enumerate(s, policy), b);
                    record(acc, "bolt|" + k + "|" + b, e);
                    add(acc, "bolt|" + k + "|" + b + "|ess", rounds.get(0).meanEss());
                    add(acc, "bolt|" + k + "|" + b + "|mass", rounds.get(0).meanStoredMass());
                }
            }
            // 2. Epochs against refresh at β.
            for (String name : List.of("oneshot_E", "oneshot_3E", "refresh_3x")) {
                Bolt.Settings st = switch (name) {
                    case "oneshot_E" -> base;
                    case "oneshot_3E" -> base.withSchedule(3 * o.epochs(), 1);
                    default -> base.withSchedule(o.epochs(), 3).withBeta(3 * o.beta());
                };
                Gpt policy = copy(s.reference());
                var rounds = Bolt.run(policy, s.task(), s.problems(), st);
                record(acc, name, eval(s, enumerate(s, policy), o.beta()));
                for (var r : rounds) add(acc, name + "|round_reward|" + r.round(), r.reward());
            }
            out.printf(Locale.ROOT, "seed %d done (%.0f s); reference success %.3f%n", seed, (System.nanoTime() - t0) / 1e9, s.refReward());
        }
        report(o, betas, ks, acc, out, (System.nanoTime() - t0) / 1e9);
    }

    private static Setup setup(Options o, int seed) {
        Task t = Tasks.create("addition", Map.of("digits", "1", "reversed", "true"));
        GeneratedTask task = new GeneratedTask(t);
        String alphabet = task.alphabet();
        int stop = alphabet.indexOf(task.stop());
        // The reference: a tiny GPT trained briefly on partly corrupted demonstrations.
        Gpt ref = new Gpt(new GptConfig(alphabet.length(), 8, 1, 2, 32, 0f, false), 1000 + seed);
        Demonstrations demos = new Demonstrations(t, 1000 + seed, o.corruption());
        int n = 5000;
        int[][] lines = new int[n][];
        int[] pl = new int[n];
        for (int i = 0; i < n; i++) {
            Problem p = demos.problem(i);
            lines[i] = encode(alphabet, p.prompt() + demos.completion(p, i) + task.stop());
            pl[i] = p.prompt().length();
        }
        try {
            new TrainingLoop(AdamW.nanoGpt(ref.parameters(), 3e-3, 0.9, 0.99, 0.1), new SftObjective(ref, lines, pl, 64, 1000 + seed),
                    ref.parameters().grads()).clip(1.0).run(0, o.refSteps());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Problem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (long i = 0; problems.size() < o.prompts() && i < 100_000; i++) {
            Problem p = t.problem(2000 + seed, i);
            if (seen.add(p.prompt())) problems.add(p);
        }
        int[] chars = new int[alphabet.length() - 1];
        for (int v = 0, j = 0; v < alphabet.length(); v++) if (v != stop) chars[j++] = v;
        Setup partial = new Setup(ref, task, problems, null, null, chars, stop, 0);
        List<AnswerEnumeration.Distribution> dists = enumerate(partial, ref);
        List<double[]> rewards = new ArrayList<>();
        double success = 0;
        for (int i = 0; i < problems.size(); i++) {
            var d = dists.get(i);
            double[] r = new double[d.size()];
            for (int j = 0; j < r.length; j++) r[j] = task.reward(problems.get(i), text(alphabet, d.completions().get(j), stop));
            rewards.add(r);
            success += AnswerEnumeration.expectation(d.logProbs(), r);
        }
        return new Setup(ref, task, problems, dists, rewards, chars, stop, success / problems.size());
    }

    private static Gpt train(Setup s, Bolt.Settings st) {
        Gpt policy = copy(s.reference());
        Bolt.run(policy, s.task(), s.problems(), st);
        return policy;
    }

    /** A trainable copy of {@code model} (same configuration and values). */
    private static Gpt copy(Gpt model) {
        Gpt c = new Gpt(model.config(), 0);
        var target = c.parameters();
        for (var p : model.parameters().all()) {
            var from = p.value();
            var to = target.get(p.name()).value();
            System.arraycopy(from.data(), from.offset(), to.data(), to.offset(), from.size());
        }
        return c;
    }

    private static List<AnswerEnumeration.Distribution> enumerate(Setup s, Gpt model) {
        var next = AnswerEnumeration.of(model);
        List<AnswerEnumeration.Distribution> out = new ArrayList<>();
        for (Problem p : s.problems()) out.add(AnswerEnumeration.enumerate(next, encode(s.task().alphabet(), p.prompt()), s.chars(), s.stop(), MAX_CHARS));
        return out;
    }

    private static double klTargetOf(Setup s, List<AnswerEnumeration.Distribution> dist, double beta) {
        double kl = 0;
        for (int i = 0; i < dist.size(); i++) {
            double[] target = AnswerEnumeration.boltzmann(s.ref().get(i).logProbs(), s.rewards().get(i), beta);
            kl += AnswerEnumeration.kl(target, dist.get(i).logProbs());
        }
        return kl / dist.size();
    }

    private static Eval eval(Setup s, List<AnswerEnumeration.Distribution> dist, double beta) {
        double reward = 0, klRef = 0;
        for (int i = 0; i < dist.size(); i++) {
            reward += AnswerEnumeration.expectation(dist.get(i).logProbs(), s.rewards().get(i));
            klRef += AnswerEnumeration.kl(dist.get(i).logProbs(), s.ref().get(i).logProbs());
        }
        int n = dist.size();
        return new Eval(klTargetOf(s, dist, beta), reward / n, klRef / n);
    }

    private static void record(Map<String, List<Double>> acc, String key, Eval e) {
        add(acc, key + "|kl", e.klTarget());
        add(acc, key + "|reward", e.reward());
        add(acc, key + "|klref", e.klRef());
    }

    private static void add(Map<String, List<Double>> acc, String key, double v) {
        acc.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    private static String ms(Map<String, List<Double>> acc, String key) {
        List<Double> v = acc.get(key);
        if (v == null) return "–";
        double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = 0;
        for (double x : v) sd += (x - m) * (x - m);
        sd = v.size() > 1 ? Math.sqrt(sd / (v.size() - 1)) : 0;
        return String.format(Locale.ROOT, "%.3f ± %.3f", m, sd);
    }

    private static void report(Options o, double[] betas, int[] ks, Map<String, List<Double>> acc, PrintStream out, double seconds) {
        out.printf(Locale.ROOT, "%n### BOLT on one-digit addition (exact enumeration), %d seeds, %.0f s%n%n", o.seeds(), seconds);
        out.printf(Locale.ROOT, "Reference: %d SFT steps, corruption %.2f; exact success %s over %d prompts. N = %d samples per prompt, "
                + "%d epochs, batch %d, AdamW lr %g. Mean ± sd over seeds.%n%n", o.refSteps(), o.corruption(), ms(acc, "ref|success"),
                o.prompts(), o.samples(), o.epochs(), o.batch(), o.lr());
        out.println("**Weightings on the same stored samples** (KL(π*_β‖π_θ), nats per prompt; reward = exact E_πθ[r]):");
        out.println();
        out.println("| β | KL(π*‖π_ref) | BOLT KL | RFT KL | advantage KL | BOLT reward | RFT reward | advantage reward |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (double b : betas) {
            String bolt = "bolt|" + o.samples() + "|" + b;
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", fmt(b), ms(acc, "ref|kl_target|" + b), ms(acc, bolt + "|kl"),
                    ms(acc, "rft|" + b + "|kl"), ms(acc, "advantage|" + b + "|kl"), ms(acc, bolt + "|reward"), ms(acc, "rft|" + b + "|reward"),
                    ms(acc, "advantage|" + b + "|reward"));
        }
        out.println();
        out.printf(Locale.ROOT, "**Extra epochs against refreshed sampling** (target π* at β = %s; refresh: 3 rounds at 3β):%n%n", fmt(o.beta()));
        out.println("| schedule | samples drawn | KL(π*‖π_θ) | reward | KL(π_θ‖π_ref) | sampled reward per round |");
        out.println("|---|---|---|---|---|---|");
        for (String name : List.of("oneshot_E", "oneshot_3E", "refresh_3x")) {
            int rounds = name.equals("refresh_3x") ? 3 : 1;
            StringBuilder per = new StringBuilder();
            for (int r = 0; r < rounds; r++) per.append(r == 0 ? "" : ", ").append(ms(acc, name + "|round_reward|" + r));
            String label = switch (name) {
                case "oneshot_E" -> "one-shot, " + o.epochs() + " epochs";
                case "oneshot_3E" -> "one-shot, " + 3 * o.epochs() + " epochs";
                default -> "3 refreshed rounds × " + o.epochs() + " epochs";
            };
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", label, rounds * o.samples() * o.prompts(), ms(acc, name + "|kl"),
                    ms(acc, name + "|reward"), ms(acc, name + "|klref"), per);
        }
        out.println();
        out.println("**Temperature–coverage–variance frontier of BOLT** (β × N):");
        out.println();
        out.println("| β | N | KL(π*‖π_θ) | reward | KL(π_θ‖π_ref) | mean ESS | stored-support mass |");
        out.println("|---|---|---|---|---|---|---|");
        for (double b : betas) {
            for (int k : ks) {
                String key = "bolt|" + k + "|" + b;
                out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", fmt(b), k, ms(acc, key + "|kl"), ms(acc, key + "|reward"),
                        ms(acc, key + "|klref"), ms(acc, key + "|ess"), ms(acc, key + "|mass"));
            }
        }
    }

    private static String fmt(double d) { return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d); }

    /** A comma-separated list of numbers > 0 (option {@code key}). */
    private static double[] parse(String key, String list) {
        return Arrays.stream(list.split(",")).map(String::strip).mapToDouble(v -> {
            double x;
            try {
                x = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                x = Double.NaN;
            }
            if (!(x > 0) || Double.isInfinite(x)) throw new IllegalArgumentException(key + " must be a comma-separated list of numbers > 0, got '" + list + "'");
            return x;
        }).toArray();
    }

    static int[] encode(String alphabet, String text) {
        int[] t = new int[text.length()];
        for (int i = 0; i < t.length; i++) t[i] = alphabet.indexOf(text.charAt(i));
        return t;
    }

    private static String text(String alphabet, int[] tokens, int stop) {
        StringBuilder sb = new StringBuilder();
        for (int tok : tokens) if (tok != stop) sb.append(alphabet.charAt(tok));
        return sb.toString();
    }
}
