package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.tasks.Demonstrations;
import dev.descent.tasks.FeedbackEnvironment;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DRIFT on multi-turn interactions: returns and weights, target masks, the masked weighted-SFT loss, multi-turn GRPO's batch. */
class DriftTest {
    private static final Task ADDITION = Tasks.create("addition", Map.of("digits", "2", "reversed", "false"));
    private static final Problem P = new Problem("12+34=", "046", Map.of());

    private static MultiTurnRollout.Interaction interaction(double[] rewards, List<String> answers, double format) {
        return new MultiTurnRollout.Interaction(P, new int[] {1, 2}, 1, new float[] {0, 1}, rewards, answers, format, rewards[rewards.length - 1] >= 1);
    }

    /** The spec's worked example (γ = 0.9, β = 0.1, one group of 4) through the interactions' returns and the recipe's grouping. */
    @Test
    void weightsOfInteractionsMatchTheSpecsWorkedExample() {
        List<MultiTurnRollout.Interaction> group = List.of(
                interaction(new double[] {0, 1}, List.of("12", "13"), 0),
                interaction(new double[] {1}, List.of("13"), 0),
                interaction(new double[] {0, 0, 0, 0, 0}, List.of("12", "12", "11", "12", "10"), 0),
                interaction(new double[] {0, 0, 1}, List.of("11", "11", "13"), -0.1));
        assertEquals(0.9, group.get(0).driftReturn(0.9), 1e-15);
        assertEquals(0.81, group.get(3).discountedReturn(0.9), 1e-15);
        assertEquals(-0.2, group.get(2).driftReturn(0.9), 1e-15);
        assertEquals(0.81 - 0.1 - 0.5 / 3, group.get(3).driftReturn(0.9), 1e-15);
        List<MultiTurnRollout.Interaction> two = new ArrayList<>(group);
        two.addAll(group);
        double[] w = Drift.weights(two, 4, 0.9, 0.1);
        double[] spec = {1.0676493615, 2.9021718586, 1.78316e-05, 0.0301609483};
        for (int i = 0; i < 8; i++) assertEquals(spec[i % 4], w[i], 1e-9 * Math.max(1, spec[i % 4] * 1e3));
    }

    /** Masked weighted SFT: (1/B) Σ_b w_b · mean over b's target tokens of −log p, against per-sequence forwards by hand. */
    @Test
    void maskedWeightedSftLossMatchesHandComputation() {
        Gpt model = new Gpt(new GptConfig(7, 16, 1, 2, 16, 0f, false), 3);
        model.train(false);
        List<WeightedSftObjective.Sample> samples = List.of(
                new WeightedSftObjective.Sample(new int[] {1, 2}, new int[] {3, 4, 5, 6, 0}, 0.7, new float[] {1, 1, 0, 0, 1}),
                new WeightedSftObjective.Sample(new int[] {2}, new int[] {6, 6, 1}, 2.5, new float[] {0, 1, 1}),
                new WeightedSftObjective.Sample(new int[] {5, 1, 3}, new int[] {2}, 0.01));
        WeightedSftObjective o = new WeightedSftObjective(model, samples, 3, WeightedSft.Normalisation.SEQUENCE_MEAN, 0);
        o.layout(new int[] {0, 1, 2});
        double expected = 0;
        for (var s : samples) {
            int[] seq = new int[s.prompt().length + s.completion().length];
            System.arraycopy(s.prompt(), 0, seq, 0, s.prompt().length);
            System.arraycopy(s.completion(), 0, seq, s.prompt().length, s.completion().length);
            double[][] logits;
            try (NoGrad ignored = NoGrad.open()) {
                Tensor l = model.forward(seq, 1, seq.length).value();
                logits = new double[seq.length][7];
                for (int t = 0; t < seq.length; t++) for (int v = 0; v < 7; v++) logits[t][v] = l.data()[l.offset() + t * 7 + v];
            }
            double sum = 0;
            int count = 0;
            for (int j = 0; j < s.completion().length; j++) {
                if (s.targets() != null && s.targets()[j] == 0f) continue;
                int pos = s.prompt().length + j;
                double max = Arrays.stream(logits[pos - 1]).max().orElseThrow(), z = 0;
                for (double v : logits[pos - 1]) z += Math.exp(v - max);
                sum += -(logits[pos - 1][seq[pos]] - max - Math.log(z));
                count++;
            }
            expected += s.weight() * sum / count;
        }
        expected /= 3;
        assertEquals(expected, o.loss(), 2e-6);
    }

    /** The recipe's samples: the first prompt as the prompt, the policy's tokens (all turns or the last) as targets. */
    @Test
    void samplesTargetThePolicysTokensOnly() {
        // prompt "a", answer "bc", feedback "de", answer "f", stop "g" (token ids only matter)
        int[] tokens = {0, 1, 2, 3, 4, 5, 6};
        float[] mine = {0, 1, 1, 0, 0, 1, 1};
        var it = new MultiTurnRollout.Interaction(P, tokens, 1, mine, new double[] {0, 1}, List.of("x", "y"), 0, true);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 1}, it.lastTurnTokens());
        var all = Drift.samples(List.of(it), new double[] {1.5}, Drift.Target.ALL_TURNS).get(0);
        assertArrayEquals(new int[] {0}, all.prompt());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, all.completion());
        assertArrayEquals(new float[] {1, 1, 0, 0, 1, 1}, all.targets());
        assertEquals(1.5, all.weight());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1}, Drift.samples(List.of(it), new double[] {1}, Drift.Target.LAST_TURN).get(0).targets());
    }

    /**
     * A random policy's interactions: the tokens spell the environment's transcript, the policy mask
     * covers exactly the generated answers (with their stop tokens), and every masked run after the
     * prompt is environment text: feedback with its ':' or a stop appended to a truncated answer.
     */
    @Test
    void rolloutMasksExcludeThePromptAndTheFeedback() {
        int turns = 3;
        CharTokenizer tok = FeedbackWarmup.tokenizer(ADDITION, turns);
        Gpt policy = new Gpt(new GptConfig(tok.vocabSize(), 64, 1, 2, 16, 0f, false), 5);
        MultiTurnRollout rollout = new MultiTurnRollout(policy, ADDITION, turns, tok, 4, 1f, 9);
        List<Problem> problems = List.of(ADDITION.problem(1, 0), ADDITION.problem(1, 1));
        MultiTurnRollout.Batch b = rollout.sample(problems, 6, 0);
        assertEquals(12, b.interactions().size());
        Set<String> environmentText = Set.of("\n", "wrong:", "too high:", "too low:", "\nwrong:", "\ntoo high:", "\ntoo low:");
        int stop = tok.encode("\n")[0];
        long forward = 0;
        boolean sawFeedback = false;
        for (var it : b.interactions()) {
            assertEquals(it.problem().prompt(), tok.decode(Arrays.copyOf(it.tokens(), it.promptLength())));
            for (int i = 0; i < it.promptLength(); i++) assertEquals(0f, it.policyTokens()[i]);
            int answers = 0;
            int i = it.promptLength();
            while (i < it.tokens().length) {
                int j = i;
                float owner = it.policyTokens()[i];
                while (j < it.tokens().length && it.policyTokens()[j] == owner) j++;
                String text = tok.decode(Arrays.copyOfRange(it.tokens(), i, j));
                if (owner == 1f) {
                    answers++;
                    assertTrue(text.length() <= 4 && text.indexOf('\n') == text.length() - 1 || text.indexOf('\n') < 0, text);
                } else {
                    assertTrue(environmentText.contains(text), "not environment text: '" + text + "'");
                    sawFeedback |= text.contains(":");
                }
                i = j;
            }
            assertEquals(it.turns(), answers);
            assertEquals(it.success(), it.turnRewards()[it.turns() - 1] >= 1);
            assertTrue(it.success() || it.turns() == turns);
            assertEquals(it.tokens()[it.tokens().length - 1], stop);
        }
        assertTrue(sawFeedback);
        // the same round again: the same interactions (draws keyed by round, interaction, turn)
        MultiTurnRollout.Batch again = rollout.sample(problems, 6, 0);
        for (int e = 0; e < 12; e++) assertArrayEquals(b.interactions().get(e).tokens(), again.interactions().get(e).tokens());
        assertTrue(b.forwardTokens() > 0);
    }

    /** Multi-turn GRPO's batch: tokens and mask are the interactions' (padded), advantages the group advantages of their returns. */
    @Test
    void multiTurnGrpoBatchUsesThePolicyMaskAndGroupAdvantages() {
        int turns = 2;
        CharTokenizer tok = FeedbackWarmup.tokenizer(ADDITION, turns);
        Gpt policy = new Gpt(new GptConfig(tok.vocabSize(), 64, 1, 2, 16, 0f, false), 6);
        var s = new MultiTurnGrpoObjective.Settings(2, 4, turns, 4, 1f, PolicyLossConfig.defaults(PolicyLossType.GRPO), RewardScaling.GROUP, 0.9, true, 3);
        MultiTurnGrpoObjective o = new MultiTurnGrpoObjective(policy, ADDITION, tok, s);
        o.prepare(0);
        PolicyBatch b = o.currentBatch();
        var its = o.lastRollout().interactions();
        double[] r = new double[8];
        for (int i = 0; i < 8; i++) {
            var it = its.get(i);
            r[i] = it.driftReturn(0.9);
            for (int t = 0; t < b.length(); t++) {
                float want = t < it.tokens().length ? it.policyTokens()[t] : 0f;
                assertEquals(want, b.mask()[i * b.length() + t]);
                if (t < it.tokens().length) assertEquals(it.tokens()[t], o.currentTokens()[i * b.length() + t]);
            }
        }
        assertArrayEquals(GroupAdvantages.of(r, 4, RewardScaling.GROUP).advantages(), b.advantages());
        double loss = o.lossAndGradient();
        assertTrue(Double.isFinite(loss));
        assertEquals(8L * b.length(), o.trainTokens());
    }

    /** A run folder end to end: tiny reference, DRIFT from it, the files, a rerun bit-identical, bad keys refused. */
    @Test
    void driftRunWritesARunFolderAndRepeatsExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int turns = 2;
        var s = new FeedbackWarmup.Settings(200, 0.5, turns, 4, 16, 3e-3, 1, 16, 48, 1);
        var t = FeedbackWarmup.trainRun(ADDITION, s);
        java.nio.file.Path ref = dir.resolve("ref");
        dev.descent.train.RunFolder.prepare(ref, false);
        FeedbackWarmup.save(ref, new FeedbackWarmup.TaskSpec(ADDITION, Map.of("digits", "2", "reversed", "false"), turns), s, t);
        assertEquals(turns, FeedbackWarmup.taskOf(ref).turns());
        DriftConfig c = DriftConfig.defaults().with(List.of("init_from=" + ref, "prompts=3", "samples_per_prompt=2", "batch_size=4", "epochs=2", "eval_problems=8"));
        DriftRun.Outcome a = DriftRun.run(c, dir.resolve("a"), false);
        DriftRun.Outcome b = DriftRun.run(c, dir.resolve("b"), false);
        assertEquals(6, a.result().interactions());
        assertEquals(3, a.result().steps());
        for (String f : List.of("config.yaml", "metrics.jsonl", "drift.json", "feedback.json")) assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("a").resolve(f)), f);
        assertEquals(3, java.nio.file.Files.readAllLines(dir.resolve("a").resolve("metrics.jsonl")).size());
        assertArrayEquals(java.nio.file.Files.readAllBytes(dir.resolve("a/checkpoint/model.safetensors")),
                java.nio.file.Files.readAllBytes(dir.resolve("b/checkpoint/model.safetensors")));
        assertEquals(a.result().lastLoss(), b.result().lastLoss());
        dev.descent.train.Sampler.load(dir.resolve("a")).model();
        assertThrows(dev.descent.config.ConfigException.class, () -> DriftConfig.defaults().with(List.of("target=middle")));
        assertThrows(IllegalArgumentException.class, () -> DriftRun.run(DriftConfig.defaults(), dir.resolve("c"), false));
    }

    /** The warm-up's demonstrations: the demonstrator's answers are targets, the feedback is not, and the transcript is the environment's. */
    @Test
    void demonstrationsMaskTheFeedback() {
        int turns = 3;
        CharTokenizer tok = FeedbackWarmup.tokenizer(ADDITION, turns);
        Demonstrations demos = new Demonstrations(ADDITION, 4, 0.9);
        boolean multi = false;
        for (int i = 0; i < 20; i++) {
            var s = FeedbackWarmup.demonstration(ADDITION, turns, tok, demos, i);
            StringBuilder targets = new StringBuilder(), context = new StringBuilder();
            for (int j = 0; j < s.completion().length; j++) {
                (s.targets()[j] == 1f ? targets : context).append(tok.decode(new int[] {s.completion()[j]}));
            }
            assertTrue(targets.chars().allMatch(c -> c == '\n' || Character.isDigit(c)), targets.toString());
            assertTrue(context.toString().replace(FeedbackEnvironment.TOO_HIGH, "").replace(FeedbackEnvironment.TOO_LOW, "")
                    .replace(FeedbackEnvironment.WRONG, "").replace(":", "").isEmpty(), context.toString());
            multi |= context.length() > 0;
        }
        assertTrue(multi);
    }
}
