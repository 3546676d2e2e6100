package dev.descent.tasks;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import java.util.ArrayList;
import java.util.List;

/**
 * The success rate of a GPT policy on a task: for every problem the policy completes the prompt with
 * the KV-cached {@link Generator} until it emits the task's stop character (or has written
 * {@code maxNewTokens} tokens, in which case everything it wrote is the completion), and the task's
 * verifier scores the completion. A completion succeeds when it earns the full reward 1.
 *
 * <p>Greedy decoding is temperature 0; sampled decoding draws sequence b from the stream
 * ({@code seed}, "generate") derived by b ({@link Generator}), so an evaluation is reproducible.
 */
public final class TaskEvaluation {
    /** Prompts generated together. */
    private static final int CHUNK = 128;

    /**
     * @param problems    problems evaluated
     * @param successRate fraction of completions with reward 1
     * @param meanReward  mean reward
     * @param examples    the first few (prompt, completion, reward) lines, for a report
     */
    public record Result(int problems, double successRate, double meanReward, List<String> examples) {}

    private TaskEvaluation() {}

    /**
     * Evaluates {@code model} (whose vocabulary is {@code tokenizer}) on {@code problems} at
     * {@code temperature} (0: greedy), one completion per problem.
     */
    public static Result evaluate(Gpt model, CharTokenizer tokenizer, Task task, List<Problem> problems,
                                  float temperature, long seed, int maxNewTokens) {
        int stop = tokenizer.encode(String.valueOf(task.stop()))[0];
        GenerationConfig config = GenerationConfig.sampling(maxNewTokens).withTemperature(temperature).withStopToken(stop).withSeed(seed);
        Generator generator = new Generator(model);
        double rewardSum = 0;
        int successes = 0;
        List<String> examples = new ArrayList<>();
        for (int from = 0; from < problems.size(); from += CHUNK) {
            int n = Math.min(CHUNK, problems.size() - from);
            int[][] prompts = new int[n][];
            long[] ids = new long[n];
            for (int b = 0; b < n; b++) {
                prompts[b] = tokenizer.encode(problems.get(from + b).prompt());
                ids[b] = from + b;
            }
            Generation g = generator.generate(prompts, ids, config);
            for (int b = 0; b < n; b++) {
                String completion = completion(tokenizer.decode(g.completion(b)), task.stop());
                Problem p = problems.get(from + b);
                double r = task.reward(p, completion);
                rewardSum += r;
                if (r >= 1.0) successes++;
                if (examples.size() < 5) examples.add(p.prompt() + completion + "  (reward " + r + ")");
            }
        }
        int total = problems.size();
        return new Result(total, total == 0 ? 0 : (double) successes / total, total == 0 ? 0 : rewardSum / total, examples);
    }

    /**
     * The unbiased pass@k estimate of one problem from n samples of which c are correct (Chen et al.
     * 2021, "Evaluating Large Language Models Trained on Code", eq. 1 and its numerically stable form):
     * <pre>
     *   pass@k = 1 − C(n − c, k) / C(n, k) = 1 − Π_{i = n−c+1}^{n} (1 − k/i)      (1 when n − c &lt; k)
     * </pre>
     * the probability that at least one of k samples drawn without replacement from the n is correct.
     * The product form never forms a binomial coefficient, so it neither overflows nor cancels.
     */
    public static double passAtK(int n, int c, int k) {
        if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
            throw new IllegalArgumentException("pass@k needs 1 <= k <= n and 0 <= c <= n, got n = " + n + ", c = " + c + ", k = " + k);
        }
        if (n - c < k) return 1.0;
        double prod = 1;
        for (int i = n - c + 1; i <= n; i++) prod *= 1.0 - (double) k / i;
        return 1.0 - prod;
    }

    /** The mean pass@k over problems, problem j having {@code correct[j]} correct of n samples. */
    public static double passAtK(int[] correct, int n, int k) {
        if (correct.length == 0) throw new IllegalArgumentException("pass@k needs at least one problem");
        double s = 0;
        for (int c : correct) s += passAtK(n, c, k);
        return s / correct.length;
    }

    /**
     * The number of correct completions (reward 1) of each problem among {@code n} samples at
     * {@code temperature}: sample j of problem i draws from the stream ({@code seed}, "generate")
     * derived by i·n + j.
     */
    public static int[] correctCounts(Gpt model, CharTokenizer tokenizer, Task task, List<Problem> problems, int n, float temperature, long seed,
                                      int maxNewTokens) {
        if (n < 1) throw new IllegalArgumentException("samples per problem must be >= 1, got " + n);
        int stop = tokenizer.encode(String.valueOf(task.stop()))[0];
        GenerationConfig config = GenerationConfig.sampling(maxNewTokens).withTemperature(temperature).withStopToken(stop).withSeed(seed);
        Generator generator = new Generator(model);
        int[] correct = new int[problems.size()];
        int perChunk = Math.max(1, CHUNK / n);
        for (int from = 0; from < problems.size(); from += perChunk) {
            int m = Math.min(perChunk, problems.size() - from);
            int[][] prompts = new int[m * n][];
            long[] ids = new long[m * n];
            for (int i = 0; i < m; i++) {
                int[] prompt = tokenizer.encode(problems.get(from + i).prompt());
                for (int j = 0; j < n; j++) {
                    prompts[i * n + j] = prompt;
                    ids[i * n + j] = (long) (from + i) * n + j;
                }
            }
            Generation g = generator.generate(prompts, ids, config);
            for (int b = 0; b < m * n; b++) {
                Problem p = problems.get(from + b / n);
                if (task.reward(p, completion(tokenizer.decode(g.completion(b)), task.stop())) >= 1.0) correct[from + b / n]++;
            }
        }
        return correct;
    }

    /** The text before the first stop character (all of it when the policy never stopped). */
    public static String completion(String generated, char stop) {
        int i = generated.indexOf(stop);
        return i < 0 ? generated : generated.substring(0, i);
    }
}
