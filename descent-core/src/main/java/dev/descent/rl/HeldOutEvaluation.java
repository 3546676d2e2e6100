package dev.descent.rl;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import dev.descent.tasks.TaskEvaluation;

/**
 * pass@1 and pass@n of the policy on held-out prompts during an online RL run: problems
 * {@code 0 … m − 1} of the task's stream {@code seed + }{@link #STREAM_OFFSET}, a stream the training
 * rounds (stream {@code seed}) never read (a task with few distinct problems may still repeat one),
 * n samples each with the run's sampling settings (temperature, top-k, top-p, the stop character,
 * at most max_completion_length tokens). A sample is correct when its reward is at least 1, as
 * {@link TaskEvaluation#correctCounts} counts; pass@k is the unbiased estimator of Chen et al. 2021
 * ({@link TaskEvaluation#passAtK}). Sample j of problem i draws from the sampling stream
 * {@code (seed + STREAM_OFFSET, "generate")} of sequence id i·n + j, the same draws at every
 * evaluation, so the curve follows the policy rather than the sampling noise. The evaluation reads
 * the policy only: the run's bits do not depend on whether or how often it evaluates.
 */
public final class HeldOutEvaluation<P> {
    /** Offset of the held-out problem stream and sampling seed from the run's seed. */
    public static final long STREAM_OFFSET = 1_000_000L;

    /**
     * @param passAt1    the mean over problems of pass@1 (the success rate of one sample)
     * @param passAtN    the mean over problems of pass@n
     * @param rewardMean the mean reward of all samples
     */
    public record Result(int problems, int samples, double passAt1, double passAtN, double rewardMean) {}

    private final Gpt policy;
    private final RlTask<P> task;
    private final GrpoSettings settings;
    private final int problems;
    private final int samples;
    private final CharTokenizer tokenizer;

    public HeldOutEvaluation(Gpt policy, RlTask<P> task, GrpoSettings settings, int problems, int samples) {
        if (problems < 1) throw new IllegalArgumentException("eval_problems must be >= 1, got " + problems);
        if (samples < 1) throw new IllegalArgumentException("eval_samples must be >= 1, got " + samples);
        this.policy = policy;
        this.task = task;
        this.settings = settings;
        this.problems = problems;
        this.samples = samples;
        this.tokenizer = new CharTokenizer(task.alphabet().toCharArray());
    }

    /** Samples the held-out prompts with the policy as it is now. */
    public Result evaluate() {
        long seed = settings.seed() + STREAM_OFFSET;
        int stop = task.alphabet().indexOf(task.stop());
        GenerationConfig cfg = new GenerationConfig(settings.maxCompletionLength(), settings.temperature(), settings.topK(), settings.topP(),
                stop, seed, GenerationConfig.BlockLimit.STOP);
        Generator generator = new Generator(policy);
        int[] correct = new int[problems];
        double rewards = 0;
        // a few problems per generation batch bounds the KV cache's memory
        int perBatch = Math.max(1, 64 / samples);
        for (int from = 0; from < problems; from += perBatch) {
            int m = Math.min(perBatch, problems - from);
            int[][] prompts = new int[m * samples][];
            long[] ids = new long[m * samples];
            java.util.List<P> batch = new java.util.ArrayList<>();
            for (int i = 0; i < m; i++) {
                P problem = task.problem(seed, from + i);
                batch.add(problem);
                int[] prompt = tokenizer.encode(task.prompt(problem));
                if (prompt.length + settings.maxCompletionLength() > policy.config().blockSize()) {
                    throw new IllegalArgumentException("held-out prompt (" + prompt.length + " characters) + max_completion_length ("
                            + settings.maxCompletionLength() + ") exceeds block_size " + policy.config().blockSize());
                }
                for (int j = 0; j < samples; j++) {
                    prompts[i * samples + j] = prompt;
                    ids[i * samples + j] = (long) (from + i) * samples + j;
                }
            }
            Generation g = generator.generate(prompts, ids, cfg);
            for (int b = 0; b < m * samples; b++) {
                int[] completion = g.completion(b);
                boolean stopped = g.finish()[b] == Generation.Finish.STOP_TOKEN;
                String text = tokenizer.decode(java.util.Arrays.copyOf(completion, stopped ? completion.length - 1 : completion.length));
                double r;
                try {
                    r = task.reward(batch.get(b / samples), text);
                } catch (RuntimeException e) {
                    r = 0; // a failing verifier scores 0, as in training
                }
                if (!Double.isFinite(r)) r = 0;
                rewards += r;
                if (r >= 1.0) correct[from + b / samples]++;
            }
        }
        return new Result(problems, samples, TaskEvaluation.passAtK(correct, samples, 1), TaskEvaluation.passAtK(correct, samples, samples),
                rewards / ((double) problems * samples));
    }

    public int samples() { return samples; }
}
