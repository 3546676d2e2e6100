package dev.descent.rl;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import dev.descent.tasks.Environment;
import dev.descent.tasks.FeedbackEnvironment;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole multi-turn interactions of a policy with a {@link FeedbackEnvironment}: the policy answers the
 * prompt, the environment says "wrong", "too high" or "too low", the policy answers again, … until an
 * answer earns the task's full reward or the turn budget is spent. Every turn of every interaction
 * of a batch is generated together by the KV-cached {@link Generator} (temperature, the task's stop
 * token, at most {@code maxNewTokens} new tokens), conditioned on the interaction's transcript so far.
 *
 * <p>Each interaction keeps its tokens (the transcript, token id i being character i of the
 * vocabulary), which of them the policy wrote ({@link Interaction#policyTokens}: the tokens it
 * generated, stop token included; the prompt, the feedback and a stop token the environment appends
 * after a truncated answer are 0), the per-turn rewards, the normalised answers and DRIFT's format
 * penalty. A turn is malformed, and costs {@link #FORMAT_PENALTY}, when its answer is empty or never
 * reached the stop token within {@code maxNewTokens} (the counterpart here of the reference code's
 * "no parsable action"; a choice, as the arithmetic verifier parses any digits).
 *
 * <p>Randomness: turn k of interaction e (of {@code count} in the batch) in round r draws from the
 * Generator stream derived by the sequence id (r·count + e)·turns + k, so no two turns, interactions
 * or rounds share draws, and an interaction depends on nothing else in its batch.
 */
public final class MultiTurnRollout {
    /** DRIFT's format penalty per malformed turn (reference code: {@code format_penalty} −0.1). */
    public static final double FORMAT_PENALTY = -0.1;
    /** The longest feedback plus its ':' ("too high:"). */
    private static final int LONGEST_FEEDBACK = FeedbackEnvironment.TOO_HIGH.length() + 1;

    /**
     * One interaction.
     *
     * @param tokens        the transcript's tokens
     * @param promptLength  tokens of the first prompt
     * @param policyTokens  per token, 1 when the policy generated it, else 0
     * @param turnRewards   the task's reward of each answer given, in order
     * @param answers       each answer lower-cased without whitespace (DRIFT's {@code answer_norms})
     * @param formatPenalty the sum of {@link #FORMAT_PENALTY} over malformed turns (≤ 0)
     * @param success       the last answer earned the full reward
     */
    public record Interaction(Problem problem, int[] tokens, int promptLength, float[] policyTokens, double[] turnRewards,
                              List<String> answers, double formatPenalty, boolean success) {
        public int turns() { return turnRewards.length; }

        /** DRIFT's return R = D + F − P with discount γ ({@link DriftWeights#trajectoryReturn}). */
        public double driftReturn(double gamma) {
            Map<String, Double> byTurn = new LinkedHashMap<>();
            for (int t = 0; t < turnRewards.length; t++) byTurn.put("t" + (t + 1), turnRewards[t]);
            return DriftWeights.trajectoryReturn(byTurn, answers, formatPenalty, gamma);
        }

        /** D = Σ_t γ^{t−1} r_t, the discounted turn rewards without DRIFT's penalties. */
        public double discountedReturn(double gamma) {
            double d = 0;
            for (int t = 0; t < turnRewards.length; t++) d += Math.pow(gamma, t) * turnRewards[t];
            return d;
        }

        /** The policy tokens of the last turn only (the reference code's target: its final assistant message). */
        public float[] lastTurnTokens() {
            float[] m = new float[tokens.length];
            int end = tokens.length;
            while (end > 0 && policyTokens[end - 1] == 0f) end--;
            int start = end;
            while (start > 0 && policyTokens[start - 1] != 0f) start--;
            for (int i = start; i < end; i++) m[i] = 1f;
            return m;
        }
    }

    /**
     * A batch of interactions and what producing it cost.
     *
     * @param forwardTokens positions the policy's forwards computed (each turn's prefill of the
     *                      transcript plus one position per generated token)
     */
    public record Batch(List<Interaction> interactions, long forwardTokens, double seconds) {
        /** Fraction of interactions that ended with a correct answer. */
        public double successRate() {
            return interactions.stream().filter(Interaction::success).count() / (double) Math.max(1, interactions.size());
        }

        /** Mean number of answers per interaction. */
        public double meanTurns() {
            return interactions.stream().mapToInt(Interaction::turns).average().orElse(Double.NaN);
        }
    }

    private final Gpt policy;
    private final Task task;
    private final int turns;
    private final CharTokenizer tokenizer;
    private final int maxNewTokens;
    private final float temperature;
    private final long seed;
    private final int stopToken;

    /**
     * @param tokenizer the policy's vocabulary; it must hold the environment's alphabet (task + feedback)
     */
    public MultiTurnRollout(Gpt policy, Task task, int turns, CharTokenizer tokenizer, int maxNewTokens, float temperature, long seed) {
        if (turns < 1) throw new IllegalArgumentException("turns must be >= 1, got " + turns);
        if (maxNewTokens < 1) throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
        if (tokenizer.vocabSize() != policy.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " characters but the policy's vocab_size is " + policy.config().vocabSize());
        }
        String alphabet = new FeedbackEnvironment(task, turns).alphabet();
        for (char c : alphabet.toCharArray()) {
            if (tokenizer.vocabulary().indexOf(c) < 0) {
                throw new IllegalArgumentException("character '" + c + "' of the feedback environment of task " + task.name() + " is not in the policy's vocabulary");
            }
        }
        this.policy = policy;
        this.task = task;
        this.turns = turns;
        this.tokenizer = tokenizer;
        this.maxNewTokens = maxNewTokens;
        this.temperature = temperature;
        this.seed = seed;
        this.stopToken = tokenizer.encode(String.valueOf(task.stop()))[0];
    }

    public int turns() { return turns; }

    /** The longest transcript an interaction on {@code problem} can reach, in tokens. */
    public int longestTranscript(Problem problem) {
        return problem.prompt().length() + turns * (maxNewTokens + 1) + (turns - 1) * LONGEST_FEEDBACK;
    }

    /** {@code perProblem} interactions with each problem (interaction i·perProblem + j is problem i's j-th), round {@code round}. */
    public Batch sample(List<Problem> problems, int perProblem, long round) {
        long start = System.nanoTime();
        int count = problems.size() * perProblem;
        for (Problem p : problems) {
            if (longestTranscript(p) > policy.config().blockSize()) {
                throw new IllegalArgumentException("an interaction on \"" + p.prompt() + "\" may need " + longestTranscript(p) + " positions ("
                        + turns + " turns of up to " + maxNewTokens + " tokens); block_size is " + policy.config().blockSize());
            }
        }
        FeedbackEnvironment[] envs = new FeedbackEnvironment[count];
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<Float>> mine = new ArrayList<>();
        List<List<Double>> rewards = new ArrayList<>();
        List<List<String>> answers = new ArrayList<>();
        double[] format = new double[count];
        boolean[] success = new boolean[count];
        boolean[] done = new boolean[count];
        for (int e = 0; e < count; e++) {
            envs[e] = new FeedbackEnvironment(task, turns);
            String prompt = envs[e].reset(problems.get(e / perProblem));
            tokens.add(new ArrayList<>());
            mine.add(new ArrayList<>());
            append(tokens.get(e), mine.get(e), prompt, 0f);
            rewards.add(new ArrayList<>());
            answers.add(new ArrayList<>());
        }
        GenerationConfig cfg = GenerationConfig.sampling(maxNewTokens).withTemperature(temperature).withStopToken(stopToken).withSeed(seed)
                .withBlockLimit(GenerationConfig.BlockLimit.STOP);
        Generator generator = new Generator(policy);
        long forward = 0;
        for (int turn = 0; turn < turns; turn++) {
            List<Integer> active = new ArrayList<>();
            for (int e = 0; e < count; e++) if (!done[e]) active.add(e);
            if (active.isEmpty()) break;
            int[][] prompts = new int[active.size()][];
            long[] ids = new long[active.size()];
            for (int a = 0; a < prompts.length; a++) {
                int e = active.get(a);
                prompts[a] = tokens.get(e).stream().mapToInt(Integer::intValue).toArray();
                ids[a] = (round * count + e) * turns + turn;
            }
            Generation g = generator.generate(prompts, ids, cfg);
            for (int a = 0; a < prompts.length; a++) {
                int e = active.get(a);
                int[] completion = g.completion(a);
                forward += prompts[a].length + completion.length;
                boolean stopped = g.finish()[a] == Generation.Finish.STOP_TOKEN;
                for (int tok : completion) {
                    tokens.get(e).add(tok);
                    mine.get(e).add(1f);
                }
                String action = tokenizer.decode(stopped ? Arrays.copyOf(completion, completion.length - 1) : completion);
                if (!stopped) append(tokens.get(e), mine.get(e), String.valueOf(task.stop()), 0f);
                if (!stopped || action.isEmpty()) format[e] += FORMAT_PENALTY;
                Environment.Step step = envs[e].step(action);
                rewards.get(e).add(step.reward());
                answers.get(e).add(action.toLowerCase(Locale.ROOT).replaceAll("\\s", ""));
                append(tokens.get(e), mine.get(e), step.observation(), 0f);
                if (step.done()) {
                    done[e] = true;
                    success[e] = step.reward() >= 1.0;
                }
            }
        }
        List<Interaction> out = new ArrayList<>(count);
        for (int e = 0; e < count; e++) {
            int[] t = tokens.get(e).stream().mapToInt(Integer::intValue).toArray();
            if (!tokenizer.decode(t).equals(envs[e].transcript())) throw new IllegalStateException("interaction " + e + "'s tokens differ from its transcript");
            float[] m = new float[t.length];
            for (int i = 0; i < m.length; i++) m[i] = mine.get(e).get(i);
            double[] r = rewards.get(e).stream().mapToDouble(Double::doubleValue).toArray();
            out.add(new Interaction(problems.get(e / perProblem), t, problems.get(e / perProblem).prompt().length(), m, r,
                    List.copyOf(answers.get(e)), format[e], success[e]));
        }
        return new Batch(out, forward, (System.nanoTime() - start) / 1e9);
    }

    private void append(List<Integer> tokens, List<Float> mine, String text, float owner) {
        for (int id : tokenizer.encode(text)) {
            tokens.add(id);
            mine.add(owner);
        }
    }
}
