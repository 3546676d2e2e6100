package dev.descent.cli;

import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.TaskEvaluation;
import dev.descent.tasks.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent rl}: reinforcement learning from verifiable rewards on generated tasks; each step is a subcommand. */
@Command(name = "rl", mixinStandardHelpOptions = true,
        description = "Reinforcement learning from verifiable rewards on generated tasks (addition, multiplication, countdown, sorting, parity): reference policies, policy losses, online training.",
        subcommands = {RlCommand.SftWarmupCommand.class, RlLossCommand.class, RlTrainCommand.class, RlFeedbackWarmupCommand.class,
                RlDriftCommand.class, RlEvalCommand.class, RlReportCommand.class})
final class RlCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code descent rl sft-warmup}: the reference policy, a small GPT trained on imperfect demonstrations. */
    @Command(name = "sft-warmup", mixinStandardHelpOptions = true,
            description = {"Train a reference policy for a task: a small GPT trained from scratch on demonstrations with a",
                    "fraction of wrong digits, then its success rate on held-out problems (greedy and sampled).",
                    "The output is a normal run folder (sample, init_from) with sft.txt (the demonstrations) and task.json."})
    static final class SftWarmupCommand implements Callable<Integer> {
        @Option(names = "--task", required = true, description = "task: addition, multiplication, countdown, sorting, parity")
        String task;

        @Option(names = "--set", description = {"key=value (repeatable): a task setting (digits=3, reversed=false, …), a warm-up key",
                "(examples, corruption, eval_problems) or a training config key (max_iters=2000, n_embd=128, …)"})
        List<String> settings = new ArrayList<>();

        @Option(names = "--out", required = true, description = "run folder to create")
        Path out;

        @Option(names = "--overwrite", description = "replace the run already in --out")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            if (!Tasks.NAMES.contains(task)) throw new IllegalArgumentException("unknown task '" + task + "'; allowed: " + String.join(", ", Tasks.NAMES));
            SftWarmup.Plan plan = SftWarmup.plan(task, settings, out);
            SftWarmup.writeData(plan, overwrite);
            SftWarmup.TrainResult r = SftWarmup.train(plan, overwrite, new ProgressBar(System.err));
            System.out.printf("trained: %d iters, last batch loss %.4f, held-out loss %.4f, %.1f s training%n",
                    r.iters(), r.trainLoss(), r.heldOutLoss(), r.seconds());
            SftWarmup.Report report = SftWarmup.evaluate(plan);
            print("greedy", report.greedy());
            print("sampled (T=1)", report.sampled());
            System.out.println("run folder: " + r.runDir().toAbsolutePath());
            return 0;
        }

        private static void print(String how, TaskEvaluation.Result e) {
            System.out.printf("held-out success, %s: %.1f%% of %d problems (mean reward %.3f)%n", how, 100 * e.successRate(), e.problems(), e.meanReward());
            for (String ex : e.examples()) System.out.println("  " + ex.replace("\n", "\\n"));
        }
    }
}
