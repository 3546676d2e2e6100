package dev.descent.cli;

import dev.descent.bench.report.RlRunReport;
import dev.descent.rl.GeneratedTask;
import dev.descent.rl.GrpoMetrics;
import dev.descent.rl.GrpoRun;
import dev.descent.rl.RlTrainConfig;
import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code descent rl train}: online GRPO from a reference policy made by {@code rl sft-warmup}. The
 * task is the config's {@code task} (with {@code task_args}), or, when that is {@code none}, the
 * task the {@code init_from} run was trained on (its {@code task.json}). Ctrl-C or SIGTERM writes a
 * checkpoint at the end of the current generation round and exits (as {@code descent train} does);
 * {@code --resume DIR} continues the run from it, bit for bit. The run folder gets {@code report.html},
 * the metrics drawn per step ({@link RlRunReport}), whenever the run ends.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Improve a policy by online RL (GRPO family; TRL's GRPOConfig key names) on a generated task.",
                "init_from names a run folder made by rl sft-warmup; metrics.jsonl logs reward, clip fractions, KL, entropy per step",
                "and held-out pass@k every eval_interval steps; report.html draws them. Checkpoints every checkpoint_interval steps",
                "and on Ctrl-C; --resume DIR continues a run (--set steps=N to lengthen it)."})
final class RlTrainCommand implements Callable<Integer> {
    @Mixin
    RlRunOptions run = new RlRunOptions();

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run in DIR from its checkpoint (with --set: change keys such as steps)")
    Path resume;

    @Override
    public Integer call() throws Exception {
        RlTrainConfig c;
        Path dir;
        if (resume != null) {
            if (run.out != null || run.config != null || run.overwrite) {
                throw new IllegalArgumentException("--resume DIR continues the run in DIR with its config.yaml; --out, --config and --overwrite start a new run");
            }
            c = GrpoRun.configOf(resume).with(run.settings);
            dir = resume;
        } else {
            c = (run.config == null ? RlTrainConfig.defaults() : RlTrainConfig.load(run.config)).with(run.settings);
            dir = run.out();
        }
        String initFrom = c.getString("init_from");
        if (initFrom.equals("none")) throw new IllegalArgumentException("config key 'init_from' must name the run folder of the initial policy (made by rl sft-warmup)");
        Task task = c.getString("task").equals("none") ? SftWarmup.taskOf(Path.of(initFrom)) : Tasks.create(c.getString("task"), c.taskArgs());
        GrpoRun grpo = new GrpoRun(c);
        GrpoMetrics last = runStoppable(grpo, () -> resume != null ? grpo.resume(new GeneratedTask(task), dir) : grpo.start(new GeneratedTask(task), dir, run.overwrite), dir);
        System.out.printf("last step: reward mean %.3f (std %.3f), loss %.5f, KL %.4g%n", last.rewardMean(), last.rewardStd(), last.loss(), last.kl());
        System.out.println("report: " + dir.resolve(REPORT).toAbsolutePath());
        System.out.println("run folder: " + dir.toAbsolutePath());
        return 0;
    }

    static final String REPORT = "report.html";

    /**
     * Runs {@code body} with a shutdown hook that asks {@code grpo} to stop and waits (up to a minute)
     * for its checkpoint, as {@link TrainCommand#run} does; the report is drawn however the run ends.
     */
    private static GrpoMetrics runStoppable(GrpoRun grpo, Callable<GrpoMetrics> body, Path dir) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!grpo.requestStop()) return; // not training yet: nothing to save
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "descent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.call();
        } finally {
            try {
                if (Files.isRegularFile(dir.resolve("metrics.jsonl")) && Files.size(dir.resolve("metrics.jsonl")) > 0) {
                    RlRunReport.write(dir, dir.resolve(REPORT));
                }
            } catch (RuntimeException | java.io.IOException e) {
                System.err.println("descent: could not write " + dir.resolve(REPORT) + ": " + e.getMessage());
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of the signal; the hook is already running
            }
        }
    }
}
