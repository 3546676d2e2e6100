package dev.descent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.rl.FeedbackWarmup;
import dev.descent.rl.MultiTurnRollout;
import dev.descent.tasks.Problem;
import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.Task;
import dev.descent.tasks.TaskEvaluation;
import dev.descent.train.Checkpoint;
import dev.descent.train.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent rl eval}: pass@1 and pass@k (the unbiased estimator of Chen et al. 2021) of a
 * policy on held-out problems. A single-turn run (its {@code task.json}, from {@code rl sft-warmup},
 * also left by {@code rl train} through init_from) samples n completions per problem; a multi-turn run
 * ({@code feedback.json}, from {@code rl feedback-warmup} or {@code rl drift}) samples n whole
 * interactions, success meaning a correct answer within the turn budget.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"pass@1 and pass@k of a policy on held-out problems (unbiased estimator, n samples per problem at a temperature).",
                "--task-from names the folder holding task.json or feedback.json when --run has none (an rl train run)."})
final class RlEvalCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run folder of the policy (its checkpoint/)")
    Path run;

    @Option(names = "--task-from", paramLabel = "DIR", description = "run folder whose task.json / feedback.json names the task (default: --run)")
    Path taskFrom;

    @Option(names = "--problems", defaultValue = "100", description = "held-out problems (default ${DEFAULT-VALUE})")
    int problems;

    @Option(names = "--samples", defaultValue = "64", description = "samples per problem, n (default ${DEFAULT-VALUE}); k goes up to n")
    int samples;

    @Option(names = "--k", defaultValue = "1,4,16,64", split = ",", description = "the k of pass@k (default ${DEFAULT-VALUE}; each <= --samples)")
    List<Integer> ks;

    @Option(names = "--temperature", defaultValue = "1.0", description = "sampling temperature (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (problems < 1) throw new IllegalArgumentException("--problems must be >= 1, got " + problems);
        if (samples < 1) throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        for (int k : ks) if (k < 1 || k > samples) throw new IllegalArgumentException("--k " + k + " is out of range; allowed: 1 to --samples (" + samples + ")");
        Path from = taskFrom == null ? run : taskFrom;
        Gpt model = Sampler.load(run).model();
        CharTokenizer tok = new CharTokenizer(Checkpoint.info(run).vocabulary().toCharArray());
        int[] correct;
        String what;
        if (Files.isRegularFile(from.resolve(FeedbackWarmup.TASK_FILE))) {
            FeedbackWarmup.TaskSpec spec = FeedbackWarmup.taskOf(from);
            JsonNode n = new ObjectMapper().readTree(from.resolve(FeedbackWarmup.TASK_FILE).toFile());
            List<Problem> held = new ArrayList<>();
            for (int i = 0; i < problems; i++) held.add(spec.task().problem(1_000_000L + n.path("seed").asLong(), i));
            int longest = 1;
            for (Problem p : held) longest = Math.max(longest, p.reference().length());
            MultiTurnRollout.Batch b = new MultiTurnRollout(model, spec.task(), spec.turns(), tok, longest + 2, temperature, seed).sample(held, samples, 0);
            correct = new int[problems];
            for (int e = 0; e < b.interactions().size(); e++) if (b.interactions().get(e).success()) correct[e / samples]++;
            what = spec.task().name() + ", success within " + spec.turns() + " turns";
        } else {
            Task task = SftWarmup.taskOf(from);
            JsonNode n = new ObjectMapper().readTree(from.resolve(SftWarmup.TASK_FILE).toFile());
            List<Problem> held = SftWarmup.heldOut(task, n.path("seed").asLong(), n.path("examples").asInt(), problems);
            int longest = 1;
            for (Problem p : held) longest = Math.max(longest, p.reference().length());
            if (held.isEmpty()) throw new IllegalArgumentException("task " + task.name() + " has no held-out problems: every problem is among the run's training prompts");
            correct = TaskEvaluation.correctCounts(model, tok, task, held, samples, temperature, seed, longest + 8);
            what = task.name() + ", single answer";
        }
        System.out.printf("%s: %d held-out problems x %d samples at temperature %s%n", what, correct.length, samples, temperature);
        for (int k : ks) System.out.printf("pass@%d = %.4f%n", k, TaskEvaluation.passAtK(correct, samples, k));
        return 0;
    }
}
