package dev.descent.cli;

import dev.descent.data.CharTokenizer;
import dev.descent.rl.FeedbackWarmup;
import dev.descent.rl.MultiTurnRollout;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import dev.descent.train.RunFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent rl feedback-warmup}: the reference policy of a multi-turn feedback task. */
@Command(name = "feedback-warmup", mixinStandardHelpOptions = true,
        description = {"Train the reference policy of a multi-turn task: a small GPT trained from scratch on demonstrated",
                "interactions (answer, feedback, next answer, ...; a fraction of wrong answers per turn), loss on the",
                "answers only. Prints its held-out success within the turn budget; the run folder holds checkpoint/ and",
                "feedback.json (init_from of rl drift)."})
final class RlFeedbackWarmupCommand implements Callable<Integer> {
    /** The warm-up's keys and defaults; other keys go to the task. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("turns", "3");
        KEYS.put("steps", "300");
        KEYS.put("corruption", "0.5");
        KEYS.put("examples", "20000");
        KEYS.put("batch_size", "64");
        KEYS.put("learning_rate", "0.003");
        KEYS.put("n_layer", "2");
        KEYS.put("n_embd", "64");
        KEYS.put("block_size", "64");
        KEYS.put("seed", "0");
        KEYS.put("eval_problems", "256");
    }

    @Option(names = "--task", required = true, description = "task: addition, multiplication, countdown, sorting, parity")
    String task;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = {"a task setting (digits=2, reversed=false, ...) or a warm-up key",
            "(turns 3, steps 300, corruption 0.5, examples 20000, batch_size 64, learning_rate 0.003, n_layer 2, n_embd 64, block_size 64, seed 0, eval_problems 256)"})
    List<String> settings = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run folder to create")
    Path out;

    @Option(names = "--overwrite", description = "replace the run already in --out")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (!Tasks.NAMES.contains(task)) throw new IllegalArgumentException("unknown task '" + task + "'; allowed: " + String.join(", ", Tasks.NAMES));
        Map<String, String> w = new LinkedHashMap<>(KEYS);
        Map<String, String> taskSettings = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("setting '" + s + "' is not key=value");
            String k = s.substring(0, eq).strip(), v = s.substring(eq + 1).strip();
            if (KEYS.containsKey(k)) w.put(k, v);
            else taskSettings.put(k, v);
        }
        Task t = Tasks.create(task, taskSettings);
        FeedbackWarmup.Settings s = new FeedbackWarmup.Settings(integer(w, "examples"), number(w, "corruption"), integer(w, "turns"), integer(w, "steps"),
                integer(w, "batch_size"), number(w, "learning_rate"), integer(w, "n_layer"), integer(w, "n_embd"), integer(w, "block_size"),
                integer(w, "seed"));
        if (!(s.corruption() >= 0 && s.corruption() <= 1)) throw new IllegalArgumentException("setting 'corruption' = " + s.corruption() + " is out of range; allowed: a number in [0, 1]");
        RunFolder.prepare(out, overwrite);
        FeedbackWarmup.Trained trained = FeedbackWarmup.trainRun(t, s);
        FeedbackWarmup.save(out, new FeedbackWarmup.TaskSpec(t, taskSettings, s.turns()), s, trained);
        System.out.printf("trained: %d steps, last batch loss %.4f, %.1f s%n", s.steps(), trained.lastLoss(), trained.seconds());
        CharTokenizer tok = FeedbackWarmup.tokenizer(t, s.turns());
        List<Problem> held = new ArrayList<>();
        for (int i = 0; i < integer(w, "eval_problems"); i++) held.add(t.problem(1_000_000L + s.seed(), i));
        int longest = 1;
        for (Problem p : held) longest = Math.max(longest, p.reference().length());
        MultiTurnRollout.Batch b = new MultiTurnRollout(trained.model(), t, s.turns(), tok, longest + 2, 1f, 7_000L + s.seed()).sample(held, 1, 0);
        System.out.printf("held-out success within %d turns (T=1): %.1f%% of %d problems, %.2f answers per interaction%n", s.turns(),
                100 * b.successRate(), held.size(), b.meanTurns());
        System.out.println("run folder: " + out.toAbsolutePath());
        return 0;
    }

    private static int integer(Map<String, String> m, String k) {
        try {
            int v = Integer.parseInt(m.get(k));
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting '" + k + "' = " + m.get(k) + " is not allowed; allowed: a non-negative integer");
    }

    private static double number(Map<String, String> m, String k) {
        try {
            return Double.parseDouble(m.get(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + k + "' = " + m.get(k) + " is not a number");
        }
    }
}
