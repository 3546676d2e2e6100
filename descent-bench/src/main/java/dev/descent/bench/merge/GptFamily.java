package dev.descent.bench.merge;

import dev.descent.data.CharTokenizer;
import dev.descent.merge.GradientSigns;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.continual.Penalty;
import dev.descent.optim.AdamW;
import dev.descent.optim.Objective;
import dev.descent.tasks.Problem;
import dev.descent.tasks.SftObjective;
import dev.descent.tasks.Task;
import dev.descent.tasks.TaskEvaluation;
import dev.descent.tasks.Tasks;
import dev.descent.tensor.Tensor;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A character GPT (2 layers, 2 heads, 48 wide, block 24; smaller than the recipe's 4 × 128) on four
 * generated tasks over one shared vocabulary (the union of the tasks' alphabets): two-digit addition,
 * sorting four digits, parity of six bits, one-digit multiplication (answers reversed, as the tasks
 * default). The last two have fewer distinct problems (64, 100) than a training set, so their
 * validation and test problems are fresh draws the expert has seen in training ({@link #unseen} false):
 * they score retention of a learnt table, addition and sorting score generalisation. Training is supervised fine-tuning ({@link SftObjective}: cross-entropy on the reference
 * completion and the stop character), AdamW (nanoGPT's: β = (0.9, 0.99), weight decay 0.1), batch 32,
 * clip 1; the base at lr 3e-3 on the mixture of the four tasks' training lines, the experts at lr 1e-3 on
 * their task's lines. Each task's training set is its first {@code trainExamples} problems of the
 * stream keyed by {@code dataSeed}; validation (64) and test (128) are the next distinct problems of
 * the stream keyed by {@code dataSeed + 1} whose prompts are not among the training prompts.
 * Accuracy: exact match by the task's verifier (reward 1) of the greedy completion ({@link TaskEvaluation}).
 */
public final class GptFamily implements ExpertFamily {
    static final List<String> NAMES = List.of("addition", "sorting", "parity", "multiplication");
    private static final List<Map<String, String>> SETTINGS = List.of(Map.of("digits", "2"), Map.of("length", "4", "max_value", "9"),
            Map.of("bits", "6"), Map.of("digits", "1"));
    static final int VALIDATION = 64, TEST = 128;

    private final List<Task> tasks = new ArrayList<>();
    private final List<int[][]> lines = new ArrayList<>();
    private final List<int[]> promptLengths = new ArrayList<>();
    private final List<List<Problem>> validation = new ArrayList<>(), test = new ArrayList<>();
    private final List<List<Problem>> train = new ArrayList<>();
    /** Whether task k's validation and test problems are unseen in training. */
    final List<Boolean> unseen = new ArrayList<>();
    private final CharTokenizer tokenizer;
    private final GptConfig config;

    GptFamily(int trainExamples, long dataSeed) {
        this(trainExamples, dataSeed, VALIDATION, TEST);
    }

    /**
     * @param validationSize held-out validation problems per task
     * @param testSize       held-out test problems per task (the next ones after validation)
     */
    public GptFamily(int trainExamples, long dataSeed, int validationSize, int testSize) {
        if (trainExamples < 1) throw new IllegalArgumentException("train_examples must be >= 1, got " + trainExamples);
        if (validationSize < 0 || testSize < 1) throw new IllegalArgumentException("validation must be >= 0 and test >= 1, got " + validationSize + " and " + testSize);
        int heldOut = validationSize + testSize;
        Set<Character> chars = new TreeSet<>();
        for (int k = 0; k < NAMES.size(); k++) {
            Task t = Tasks.create(NAMES.get(k), SETTINGS.get(k));
            tasks.add(t);
            for (char c : t.alphabet().toCharArray()) chars.add(c);
        }
        StringBuilder alphabet = new StringBuilder();
        for (char c : chars) alphabet.append(c);
        tokenizer = new CharTokenizer(alphabet.toString());
        for (Task t : tasks) {
            Set<String> seen = new HashSet<>();
            List<Problem> tr = new ArrayList<>();
            int[][] l = new int[trainExamples][];
            int[] pl = new int[trainExamples];
            for (int i = 0; i < trainExamples; i++) {
                Problem p = t.problem(dataSeed, i);
                tr.add(p);
                seen.add(p.prompt());
                l[i] = tokenizer.encode(p.prompt() + p.reference() + t.stop());
                pl[i] = p.prompt().length();
            }
            train.add(tr);
            lines.add(l);
            promptLengths.add(pl);
            List<Problem> held = new ArrayList<>();
            for (long i = 0; held.size() < heldOut && i < 100_000; i++) {
                Problem p = t.problem(dataSeed + 1, i);
                if (seen.add(p.prompt())) held.add(p);
            }
            unseen.add(held.size() >= heldOut);
            if (held.size() < heldOut) {
                // a problem space smaller than the training set: fresh draws, which the expert has seen in training
                held.clear();
                for (long i = 0; held.size() < heldOut; i++) held.add(t.problem(dataSeed + 1, i));
            }
            validation.add(held.subList(0, validationSize));
            test.add(held.subList(validationSize, heldOut));
        }
        config = new GptConfig(tokenizer.vocabSize(), 24, 2, 2, 48, 0f, false);
    }

    @Override
    public String name() { return "gpt"; }

    @Override
    public List<String> tasks() { return NAMES; }

    @Override
    public Map<String, Tensor> init(long seed) {
        return ExpertFamily.weights(new Gpt(config, seed).parameters());
    }

    private Gpt model(Map<String, Tensor> weights) {
        Gpt m = new Gpt(config, 0);
        ExpertFamily.load(weights, m.parameters());
        return m;
    }

    @Override
    public Map<String, Tensor> train(Map<String, Tensor> from, int task, int steps, long seed) {
        int[] on = new int[task >= 0 ? 1 : tasks.size()];
        for (int k = 0; k < on.length; k++) on[k] = task >= 0 ? task : k;
        return train(from, on, steps, seed, task < 0 ? 3e-3 : 1e-3, Penalty.NONE);
    }

    /**
     * {@code from} trained {@code steps} steps on the union of the training lines of {@code on} (in that
     * order), AdamW at {@code lr} with the family's other settings, the loss plus {@code penalty} of the
     * flat parameter vector (its gradient added to the flat gradient buffer before clipping).
     */
    public Map<String, Tensor> train(Map<String, Tensor> from, int[] on, int steps, long seed, double lr, Penalty penalty) {
        Gpt m = model(from);
        int[][] l;
        int[] pl;
        if (on.length == 1) {
            l = lines.get(on[0]);
            pl = promptLengths.get(on[0]);
        } else {
            List<int[]> all = new ArrayList<>();
            List<Integer> p = new ArrayList<>();
            for (int k : on) {
                for (int i = 0; i < lines.get(k).length; i++) {
                    all.add(lines.get(k)[i]);
                    p.add(promptLengths.get(k)[i]);
                }
            }
            l = all.toArray(new int[0][]);
            pl = p.stream().mapToInt(Integer::intValue).toArray();
        }
        Objective sft = new SftObjective(m, l, pl, 32, seed);
        Objective objective = penalty == Penalty.NONE ? sft : new Objective() {
            @Override
            public void prepare(long k) { sft.prepare(k); }

            @Override
            public double loss() { return sft.loss() + penalty.apply(m.parameters().values(), null); }

            @Override
            public double lossAndGradient() { return sft.lossAndGradient() + penalty.apply(m.parameters().values(), m.parameters().grads()); }
        };
        try {
            new TrainingLoop(AdamW.nanoGpt(m.parameters(), lr, 0.9, 0.99, 0.1), objective, m.parameters().grads())
                    .clip(1.0).run(0, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no callback writes anything
        }
        return ExpertFamily.weights(m.parameters());
    }

    /**
     * The empirical diagonal Fisher of task {@code task} at {@code weights}, in the flat parameter order:
     * F_i = (1/n) Σ_x (∂ℓ_x/∂θ_i)² over its first n = min({@code samples}, training problems) training
     * lines, ℓ_x the completion cross-entropy of one line ({@link SftObjective} with batch 1) — the label
     * is the reference completion, not a sample of the model (the true Fisher would decode).
     */
    public float[] empiricalFisher(Map<String, Tensor> weights, int task, int samples) {
        Gpt m = model(weights);
        float[] grads = m.parameters().grads();
        float[] fisher = new float[grads.length];
        int n = Math.min(samples, lines.get(task).length);
        for (int i = 0; i < n; i++) {
            SftObjective one = new SftObjective(m, new int[][] {lines.get(task)[i]}, new int[] {promptLengths.get(task)[i]}, 1, 0);
            one.prepare(0);
            java.util.Arrays.fill(grads, 0f);
            one.lossAndGradient();
            for (int j = 0; j < grads.length; j++) fisher[j] += grads[j] * grads[j] / n;
        }
        java.util.Arrays.fill(grads, 0f);
        return fisher;
    }

    /** The flat parameter vector of {@code weights} (the layout {@link #empiricalFisher} and a penalty see). */
    public float[] flat(Map<String, Tensor> weights) {
        return model(weights).parameters().values().clone();
    }

    /** Task {@code k}'s training problems (its first {@code trainExamples}). */
    public List<Problem> trainProblems(int k) { return List.copyOf(train.get(k)); }

    /** Task {@code k}'s held-out test problems. */
    public List<Problem> testProblems(int k) { return List.copyOf(test.get(k)); }

    /** Whether task {@code k}'s held-out problems are all unseen in training (false when its problem space is too small). */
    public boolean heldOutUnseen(int k) { return unseen.get(k); }

    @Override
    public double accuracy(Map<String, Tensor> weights, int task, Split split) {
        Gpt m = model(weights);
        m.train(false);
        List<Problem> problems = split == Split.VALIDATION ? validation.get(task) : test.get(task);
        int longest = 1;
        for (Problem p : problems) longest = Math.max(longest, p.reference().length());
        return TaskEvaluation.evaluate(m, tokenizer, tasks.get(task), problems, 0f, 0, longest + 2).successRate();
    }

    @Override
    public Map<String, Tensor> gradients(Map<String, Tensor> weights, int task, int examples, GradientSigns.Vote vote) {
        Gpt m = model(weights);
        return GradientSigns.ofTask(m, tokenizer, tasks.get(task), train.get(task).subList(0, examples), vote);
    }
}
