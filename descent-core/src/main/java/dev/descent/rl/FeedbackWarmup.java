package dev.descent.rl;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Schedule;
import dev.descent.optim.Schedules;
import dev.descent.tasks.Demonstrations;
import dev.descent.tasks.FeedbackEnvironment;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import dev.descent.train.TrainingLoop;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.AtomicFiles;
import dev.descent.train.Checkpoint;
import dev.descent.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference policy of a multi-turn task: a small character GPT trained from scratch on whole
 * demonstrated interactions with a {@link FeedbackEnvironment}, the multi-turn counterpart of
 * {@code tasks.SftWarmup}. The demonstrator answers each turn k of problem i with the reference
 * answer, or, with probability {@code corruption}, with one wrong digit ({@link Demonstrations} at
 * index i·turns + k, independently per turn); the environment's real feedback follows each wrong
 * answer, until a correct answer or the turn budget. The loss is the cross-entropy of the
 * demonstrator's tokens only (answers and their stop tokens; the prompt and the feedback are context),
 * {@link WeightedSftObjective} with weight 1 and each interaction's mean token loss, under nanoGPT's
 * AdamW and warm-up + cosine schedule (10% warm-up, down to lr/10), gradient clip 1.
 *
 * <p>The vocabulary is the sorted alphabet of the environment (task characters plus the feedback's),
 * {@link #tokenizer}. Since the demonstrator's mistakes do not depend on the feedback, the reference
 * learns the format of the interaction, not how to use "too high"/"too low": that is what the
 * multi-turn training after it may learn.
 */
public final class FeedbackWarmup {
    private FeedbackWarmup() {}

    /**
     * @param examples   demonstrated interactions (problems 0 … examples − 1 of the stream {@code seed})
     * @param corruption probability that a demonstrated answer has one wrong digit
     * @param turns      the environment's turn budget
     * @param steps      optimizer steps
     * @param batch      interactions per step
     * @param learningRate peak learning rate
     * @param nLayer     GPT layers (n_head 4, n_embd {@code nEmbd}, no dropout, no bias)
     * @param blockSize  context length
     */
    public record Settings(int examples, double corruption, int turns, int steps, int batch, double learningRate, int nLayer, int nEmbd,
                           int blockSize, long seed) {
        public Settings {
            if (examples < 1) throw new IllegalArgumentException("examples must be >= 1, got " + examples);
            if (turns < 1) throw new IllegalArgumentException("turns must be >= 1, got " + turns);
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
        }

        /** Two-digit addition sized: 2 layers of 64, block 64, 20 000 interactions, batch 64. */
        public static Settings defaults(int turns, int steps, double corruption, long seed) {
            return new Settings(20_000, corruption, turns, steps, 64, 3e-3, 2, 64, 64, seed);
        }
    }

    /** The policy's vocabulary for the multi-turn task: the environment's alphabet, sorted. */
    public static CharTokenizer tokenizer(Task task, int turns) {
        return Tasks.tokenizer(new FeedbackEnvironment(task, turns).alphabet());
    }

    /** The demonstrated interaction of problem {@code index} as a sample: prompt, then the rest with the demonstrator's tokens as targets. */
    public static WeightedSftObjective.Sample demonstration(Task task, int turns, CharTokenizer tok, Demonstrations demos, long index) {
        Problem p = demos.problem(index);
        FeedbackEnvironment env = new FeedbackEnvironment(task, turns);
        env.reset(p);
        List<Integer> rest = new ArrayList<>();
        List<Float> targets = new ArrayList<>();
        for (int k = 0; k < turns; k++) {
            String answer = demos.completion(p, index * turns + k);
            for (int id : tok.encode(answer + task.stop())) {
                rest.add(id);
                targets.add(1f);
            }
            var step = env.step(answer);
            for (int id : tok.encode(step.observation())) {
                rest.add(id);
                targets.add(0f);
            }
            if (step.done()) break;
        }
        int[] completion = rest.stream().mapToInt(Integer::intValue).toArray();
        float[] mask = new float[completion.length];
        for (int i = 0; i < mask.length; i++) mask[i] = targets.get(i);
        return new WeightedSftObjective.Sample(tok.encode(p.prompt()), completion, 1.0, mask);
    }

    /** A trained reference: the model (dropout 0), its optimizer, the last step's loss, training seconds. */
    public record Trained(Gpt model, Optimizer optimizer, double lastLoss, double seconds) {}

    /** The file of a warm-up run folder that names its task and turn budget. */
    public static final String TASK_FILE = "feedback.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A run folder's task and turn budget. */
    public record TaskSpec(Task task, Map<String, String> settings, int turns) {}

    /** Trains the reference policy of {@code task} from scratch; returns the model (dropout 0). */
    public static Gpt train(Task task, Settings s) {
        return trainRun(task, s).model();
    }

    /** As {@link #train}, with the optimizer and the numbers a run folder records. */
    public static Trained trainRun(Task task, Settings s) {
        CharTokenizer tok = tokenizer(task, s.turns());
        Demonstrations demos = new Demonstrations(task, s.seed(), s.corruption());
        List<WeightedSftObjective.Sample> samples = new ArrayList<>(s.examples());
        for (int i = 0; i < s.examples(); i++) samples.add(demonstration(task, s.turns(), tok, demos, i));
        Gpt model = new Gpt(new GptConfig(tok.vocabSize(), s.blockSize(), s.nLayer(), 4, s.nEmbd(), 0f, false), s.seed());
        WeightedSftObjective objective = new WeightedSftObjective(model, samples, s.batch(), WeightedSft.Normalisation.SEQUENCE_MEAN, s.seed());
        Optimizer opt = AdamW.nanoGpt(model.parameters(), s.learningRate(), 0.9, 0.99, 0.1);
        Schedule schedule = Schedules.nanoGpt(s.learningRate(), s.learningRate() / 10, Math.max(1, s.steps() / 10), s.steps());
        try {
            TrainingLoop loop = new TrainingLoop(opt, objective, model.parameters().grads()).schedule(schedule::at, s.learningRate()).clip(1.0);
            TrainingLoop.Outcome o = loop.run(0, s.steps());
            if (o.diverged()) throw new IllegalStateException("the warm-up loss is not finite at step " + o.next() + "; lower learning_rate");
            return new Trained(model, opt, o.last().report().loss(), loop.trainSeconds());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a trained reference as a run folder: {@code checkpoint/} (vocabulary = {@link #tokenizer})
     * and {@link #TASK_FILE} with the task, its settings and the turn budget.
     */
    public static void save(Path dir, TaskSpec spec, Settings s, Trained t) throws IOException {
        GptConfig c = t.model().config();
        TrainConfig cfg = TrainConfig.defaults().with(List.of("n_layer=" + c.nLayer(), "n_head=" + c.nHead(), "n_embd=" + c.nEmbd(),
                "block_size=" + c.blockSize(), "bias=" + c.bias(), "dropout=0.0", "seed=" + s.seed(), "max_iters=" + s.steps(),
                "learning_rate=" + s.learningRate(), "batch_size=" + s.batch()));
        Checkpoint.save(dir, t.model().parameters(), Gpt.TIED, t.optimizer(), s.steps(), tokenizer(spec.task(), spec.turns()).vocabulary(), cfg);
        ObjectNode n = JSON.createObjectNode();
        n.put("task", spec.task().name());
        n.set("settings", JSON.valueToTree(spec.settings()));
        n.put("turns", spec.turns());
        n.put("examples", s.examples());
        n.put("corruption", s.corruption());
        n.put("seed", s.seed());
        AtomicFiles.write(dir.resolve(TASK_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    /** The task and turn budget of a run folder written by {@link #save}. */
    public static TaskSpec taskOf(Path dir) throws IOException {
        Path f = dir.resolve(TASK_FILE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("run folder " + dir + " has no " + TASK_FILE + " (it was not made by rl feedback-warmup)");
        JsonNode n = JSON.readTree(f.toFile());
        if (n == null || !n.path("task").isTextual() || !n.path("settings").isObject() || !n.path("turns").isInt()) {
            throw new IllegalArgumentException(f + " is not a multi-turn task description: it needs \"task\", a \"settings\" object and \"turns\"");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        n.get("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        return new TaskSpec(Tasks.create(n.get("task").asText(), settings), settings, n.get("turns").asInt());
    }
}
