package dev.descent.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.data.CharTokenizer;
import dev.descent.io.AtomicFiles;
import dev.descent.nn.Gpt;
import dev.descent.train.Checkpoint;
import dev.descent.train.RunFolder;
import dev.descent.train.Sampler;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.TrainingLoop;
import dev.descent.train.TrainingStopped;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Schedule;
import dev.descent.optim.Schedules;
import dev.descent.tensor.Parallel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference policy of a task: a small character-level GPT trained from scratch by supervised
 * fine-tuning on imperfect demonstrations, so that reinforcement learning starts from a policy with a
 * non-trivial but low success rate.
 *
 * <ol>
 *   <li>{@link #plan}: the task, its settings and the training configuration from {@code key=value}
 *       settings (each key goes to the task, to the warm-up ({@link #KEYS}) or to the
 *       {@link TrainConfig}, over the small defaults of {@link #TRAIN_DEFAULTS});</li>
 *   <li>{@link #writeData}: {@code sft.txt} in the run folder, one line per problem
 *       (prompt, demonstrated completion, stop character; {@link Demonstrations} with the
 *       {@code corruption} rate), problems 0 … examples−1 of the stream keyed by the run's seed;</li>
 *   <li>{@link #train}: the project's {@link TrainingLoop} with the {@link SftObjective} (each line at
 *       position 0 of its row, loss on the completion and stop token only, as minGPT's adder),
 *       nanoGPT's AdamW and warm-up + cosine schedule, gradient clipping; {@code metrics.jsonl}
 *       lines every {@code log_interval} steps and a final checkpoint in the project's format,
 *       vocabulary = the task's sorted alphabet. The folder is a normal run folder: {@code sample}
 *       and {@code init_from} load it. (It is short, so it has no intermediate checkpoints and no
 *       {@code --resume}.)</li>
 *   <li>{@link #evaluate}: the success rate on held-out problems (stream keyed by seed + 1, skipping
 *       any prompt that is also a training prompt), greedy and sampled at temperature 1, written
 *       with the task and its settings to {@code task.json} ({@link #taskOf} rebuilds the task).</li>
 * </ol>
 */
public final class SftWarmup {
    /** The warm-up's own keys and their defaults. */
    public static final Map<String, String> KEYS = orderedMap(
            "examples", "20000",
            "corruption", "0.1",
            "eval_problems", "500");
    /**
     * Training defaults for a small, fast policy (the {@link TrainConfig} keys the warm-up reads may
     * override them). 375 steps put two-digit addition, the default task setting, inside 10–50%
     * held-out success (measured: 50% greedy, 22% sampled; docs/tasks.md lists every task).
     */
    public static final Map<String, String> TRAIN_DEFAULTS = orderedMap(
            "n_layer", "2", "n_head", "4", "n_embd", "64", "batch_size", "64", "dropout", "0.0",
            "max_iters", "375", "learning_rate", "0.003", "min_lr", "0.0003", "warmup_iters", "50",
            "lr_decay_iters", "375", "log_interval", "50", "weight_decay", "0.1");
    /** The training keys the warm-up reads; other {@link TrainConfig} keys are refused. */
    public static final List<String> READ = List.of("n_layer", "n_head", "n_embd", "block_size", "bias", "dropout", "batch_size",
            "max_iters", "learning_rate", "min_lr", "warmup_iters", "lr_decay_iters", "decay_lr", "weight_decay", "beta1", "beta2",
            "grad_clip", "log_interval", "seed", "threads");
    public static final String DATA_FILE = "sft.txt";
    public static final String TASK_FILE = "task.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A warm-up, fully resolved.
     *
     * @param taskSettings the task's settings as given
     * @param train        the training configuration ({@code dataset} and {@code out_dir} set)
     * @param examples     demonstrations written
     * @param corruption   fraction of demonstrations with one wrong digit
     * @param evalProblems held-out problems evaluated
     */
    public record Plan(Task task, Map<String, String> taskSettings, TrainConfig train, int examples, double corruption,
                       int evalProblems) {
        public Path runDir() { return Path.of(train.getString("out_dir")); }

        public long seed() { return train.getInt("seed"); }
    }

    /**
     * The outcome of {@link #train}.
     *
     * @param trainLoss   the completion loss of the last step's batch
     * @param heldOutLoss the completion loss of the held-out problems' reference completions
     */
    public record TrainResult(Path runDir, long iters, double trainLoss, double heldOutLoss, double seconds) {}

    /** Greedy and sampled success on held-out problems. */
    public record Report(TaskEvaluation.Result greedy, TaskEvaluation.Result sampled) {}

    private SftWarmup() {}

    /**
     * Resolves {@code settings} ({@code key=value}) for task {@code taskName}, run folder {@code out}.
     * {@code block_size} defaults to the longest demonstration line plus 8, rounded up to a multiple
     * of 8, unless given (the slack leaves room for a policy that writes past the reference's length).
     */
    public static Plan plan(String taskName, List<String> settings, Path out) {
        Map<String, String> task = new LinkedHashMap<>();
        Map<String, String> sft = new LinkedHashMap<>(KEYS);
        List<String> train = new ArrayList<>();
        for (var e : TRAIN_DEFAULTS.entrySet()) train.add(e.getKey() + "=" + e.getValue());
        boolean blockGiven = false;
        boolean decayGiven = false;
        String maxIters = null;
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("setting '" + s + "' is not key=value");
            String key = s.substring(0, eq).strip();
            String value = s.substring(eq + 1).strip();
            if (key.equals("dataset") || key.equals("out_dir")) {
                throw new IllegalArgumentException("setting '" + key + "' is chosen by the warm-up (the data is " + DATA_FILE + " in the run folder; use --out)");
            }
            if (KEYS.containsKey(key)) sft.put(key, value);
            else if (TrainConfig.KEYS.containsKey(key)) {
                if (!READ.contains(key)) {
                    throw new IllegalArgumentException("setting '" + key + "' is a training key the warm-up does not use; allowed: "
                            + String.join(", ", READ));
                }
                train.add(key + "=" + value);
                if (key.equals("block_size")) blockGiven = true;
                if (key.equals("lr_decay_iters")) decayGiven = true;
                if (key.equals("max_iters")) maxIters = value;
            } else task.put(key, value);
        }
        if (maxIters != null && !decayGiven) train.add("lr_decay_iters=" + maxIters);
        Task t = Tasks.create(taskName, task);
        int examples = parseInt(sft, "examples", 10, 10_000_000);
        double corruption = parseDouble(sft, "corruption");
        int evalProblems = parseInt(sft, "eval_problems", 1, 1_000_000);
        train.add("out_dir=" + out);
        train.add("dataset=" + out.toAbsolutePath().normalize().resolve(DATA_FILE));
        TrainConfig cfg = TrainConfig.defaults().with(train);
        if (!blockGiven) {
            Demonstrations d = new Demonstrations(t, cfg.getInt("seed"), corruption);
            int longest = 0;
            for (int i = 0; i < examples; i++) longest = Math.max(longest, d.line(i).length());
            cfg = cfg.with(List.of("block_size=" + ((longest + 8 + 7) / 8 * 8)));
        }
        return new Plan(t, task, cfg.validate(), examples, corruption, evalProblems);
    }

    private static int parseInt(Map<String, String> m, String key, int min, int max) {
        try {
            int v = Integer.parseInt(m.get(key));
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting '" + key + "' = " + m.get(key) + " is out of range; allowed: an integer in [" + min + ", " + max + "]");
    }

    private static double parseDouble(Map<String, String> m, String key) {
        try {
            double v = Double.parseDouble(m.get(key));
            if (v >= 0 && v <= 1) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting '" + key + "' = " + m.get(key) + " is out of range; allowed: a number in [0, 1]");
    }

    /**
     * Writes the demonstrations into the run folder (refusing a folder that holds a run unless
     * {@code overwrite}) and checks that they use every character of the task's alphabet, so that the
     * trained model's vocabulary is the task's ({@link Tasks#tokenizer}).
     */
    public static void writeData(Plan plan, boolean overwrite) throws IOException {
        Path dir = plan.runDir();
        if (!overwrite && RunFolder.holdsRun(dir)) {
            throw new IllegalArgumentException("out_dir " + dir + " already holds a run; choose a fresh folder or pass --overwrite to replace it");
        }
        Demonstrations d = new Demonstrations(plan.task(), plan.seed(), plan.corruption());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < plan.examples(); i++) text.append(d.line(i));
        String vocabulary = new CharTokenizer(text.toString()).vocabulary();
        String expected = Tasks.tokenizer(plan.task().alphabet()).vocabulary();
        if (!vocabulary.equals(expected)) {
            throw new IllegalArgumentException("the " + plan.examples() + " demonstrations of task " + plan.task().name()
                    + " do not use every character of its alphabet " + quoted(expected) + " (they use " + quoted(vocabulary)
                    + "); raise examples");
        }
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(DATA_FILE), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Trains the policy of {@code plan} on its demonstrations (written by {@link #writeData}) and
     * writes the run folder: {@code config.yaml}, {@code metrics.jsonl}, {@code checkpoint/}.
     */
    public static TrainResult train(Plan plan, boolean overwrite, TrainListener listener) throws IOException {
        TrainConfig cfg = plan.train();
        Parallel.setThreads(cfg.getInt("threads"));
        Path dir = plan.runDir();
        RunFolder.prepare(dir, overwrite);
        Task task = plan.task();
        CharTokenizer tok = Tasks.tokenizer(task.alphabet());
        long seed = plan.seed();
        GptConfig gc = new GptConfig(tok.vocabSize(), cfg.getInt("block_size"), cfg.getInt("n_layer"), cfg.getInt("n_head"),
                cfg.getInt("n_embd"), (float) cfg.getDouble("dropout"), cfg.getBool("bias"));
        Gpt model = new Gpt(gc, seed);
        Demonstrations demos = new Demonstrations(task, seed, plan.corruption());
        int n = plan.examples();
        int[][] lines = new int[n][];
        int[] promptLengths = new int[n];
        for (int i = 0; i < n; i++) {
            Problem p = demos.problem(i);
            lines[i] = tok.encode(p.prompt() + demos.completion(p, i) + task.stop());
            promptLengths[i] = p.prompt().length();
        }
        List<Problem> held = heldOut(task, seed, n, Math.min(256, plan.evalProblems()));
        int[][] heldLines = new int[held.size()][];
        int[] heldPrompts = new int[held.size()];
        for (int i = 0; i < held.size(); i++) {
            heldLines[i] = tok.encode(held.get(i).prompt() + held.get(i).reference() + task.stop());
            heldPrompts[i] = held.get(i).prompt().length();
        }
        SftObjective objective = new SftObjective(model, lines, promptLengths, cfg.getInt("batch_size"), seed);
        Optimizer opt = AdamW.nanoGpt(model.parameters(), cfg.getDouble("learning_rate"), cfg.getDouble("beta1"),
                cfg.getDouble("beta2"), cfg.getDouble("weight_decay"));
        Schedule schedule = cfg.getBool("decay_lr")
                ? Schedules.nanoGpt(cfg.getDouble("learning_rate"), cfg.getDouble("min_lr"), cfg.getInt("warmup_iters"), cfg.getInt("lr_decay_iters"))
                : Schedules.constant(cfg.getDouble("learning_rate"));
        int maxIters = cfg.getInt("max_iters");
        int logInterval = cfg.getInt("log_interval");
        Files.writeString(dir.resolve("config.yaml"), cfg.toYaml());
        listener.onStart(0, maxIters, model.parameterCount());
        listener.onMessage(String.format("model: %,d parameters; %d demonstrations (%.0f%% corrupted); %d threads",
                model.parameterCount(), n, 100 * plan.corruption(), Parallel.threads()));
        double[] last = {Double.NaN};
        double tokensPerStep = (double) cfg.getInt("batch_size") * SftObjective.width(lines);
        TrainingLoop.Outcome outcome;
        TrainingLoop loop = new TrainingLoop(opt, objective, model.parameters().grads())
                .schedule(schedule::at, cfg.getDouble("learning_rate"))
                .clip(cfg.getDouble("grad_clip"));
        try (BufferedWriter metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            loop.callback(new TrainingLoop.Callback() {
                @Override
                public void afterStep(TrainingLoop.Step s) throws IOException {
                    last[0] = s.report().loss();
                    listener.onStep(s.number(), maxIters, s.report().loss(), s.learningRate(), tokensPerStep / s.seconds(), s.trainSeconds());
                    if (s.number() % logInterval == 0 || s.index() == 0) {
                        ObjectNode line = JSON.createObjectNode();
                        line.put("step", s.number());
                        line.put("loss", (float) s.report().loss());
                        line.put("lr", s.learningRate());
                        line.put("step_seconds", s.seconds());
                        metrics.write(JSON.writeValueAsString(line));
                        metrics.newLine();
                        metrics.flush();
                    }
                }
            });
            outcome = loop.run(0, maxIters);
            if (outcome.diverged()) {
                throw new TrainingStopped("loss became " + outcome.last().report().loss() + " at step " + outcome.next()
                        + "; no checkpoint was written (lower learning_rate)", outcome.next(), false);
            }
            double heldLoss = held.isEmpty() ? Double.NaN : SftObjective.evaluate(model, heldLines, heldPrompts);
            listener.onEval(outcome.next(), last[0], heldLoss);
            ObjectNode line = JSON.createObjectNode();
            line.put("step", outcome.next());
            line.put("train_loss", last[0]);
            line.put("val_loss", heldLoss);
            metrics.write(JSON.writeValueAsString(line));
            metrics.newLine();
            Checkpoint.save(dir, model.parameters(), Gpt.TIED, opt, outcome.next(), tok.vocabulary(), cfg);
            listener.onCheckpoint(outcome.next(), dir.resolve(Checkpoint.DIR));
            return new TrainResult(dir, outcome.next(), last[0], heldLoss, loop.trainSeconds());
        }
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    /**
     * Up to {@code n} problems of the stream keyed by seed + 1 whose prompts are not among the
     * first {@code examples} training prompts (stream keyed by seed). Stops looking after 100·n draws,
     * so a task with few distinct problems may return fewer.
     */
    public static List<Problem> heldOut(Task task, long seed, int examples, int n) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < examples; i++) seen.add(task.problem(seed, i).prompt());
        List<Problem> out = new ArrayList<>();
        for (long i = 0; out.size() < n && i < 100L * n; i++) {
            Problem p = task.problem(seed + 1, i);
            if (seen.add(p.prompt())) out.add(p);
        }
        return out;
    }

    /** Evaluates the trained run of {@code plan} on held-out problems and writes {@code task.json}. */
    public static Report evaluate(Plan plan) throws IOException {
        Path dir = plan.runDir();
        Gpt model = Sampler.load(dir).model();
        CharTokenizer tok = new CharTokenizer(Checkpoint.info(dir).vocabulary().toCharArray());
        List<Problem> problems = heldOut(plan.task(), plan.seed(), plan.examples(), plan.evalProblems());
        int longest = 1;
        for (Problem p : problems) longest = Math.max(longest, p.reference().length());
        int maxNew = longest + 8;
        TaskEvaluation.Result greedy = TaskEvaluation.evaluate(model, tok, plan.task(), problems, 0f, plan.seed(), maxNew);
        TaskEvaluation.Result sampled = TaskEvaluation.evaluate(model, tok, plan.task(), problems, 1f, plan.seed(), maxNew);
        Report report = new Report(greedy, sampled);
        writeTaskFile(plan, report);
        return report;
    }

    private static void writeTaskFile(Plan plan, Report r) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("task", plan.task().name());
        n.set("settings", JSON.valueToTree(plan.taskSettings()));
        n.put("alphabet", plan.task().alphabet());
        n.put("stop", String.valueOf(plan.task().stop()));
        n.put("seed", plan.seed());
        n.put("examples", plan.examples());
        n.put("corruption", plan.corruption());
        ObjectNode eval = n.putObject("held_out");
        eval.put("problem_seed", plan.seed() + 1);
        eval.put("problems", r.greedy().problems());
        eval.put("greedy_success", r.greedy().successRate());
        eval.put("greedy_mean_reward", r.greedy().meanReward());
        eval.put("sampled_success", r.sampled().successRate());
        eval.put("sampled_mean_reward", r.sampled().meanReward());
        eval.put("sampled_temperature", 1.0);
        AtomicFiles.write(plan.runDir().resolve(TASK_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    /** The task a warm-up run was trained on, rebuilt from its {@code task.json}. */
    public static Task taskOf(Path runDir) throws IOException {
        Path f = runDir.resolve(TASK_FILE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("run folder " + runDir + " has no " + TASK_FILE + " (it was not made by rl sft-warmup)");
        JsonNode n = JSON.readTree(f.toFile());
        if (n == null || !n.path("task").isTextual() || !n.path("settings").isObject()) {
            throw new IllegalArgumentException(f + " is not a task description: it needs \"task\" and a \"settings\" object");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        n.get("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        return Tasks.create(n.get("task").asText(), settings);
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
