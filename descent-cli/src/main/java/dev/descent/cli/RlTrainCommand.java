package dev.descent.cli;

import dev.descent.rl.GeneratedTask;
import dev.descent.rl.GrpoMetrics;
import dev.descent.rl.GrpoRun;
import dev.descent.rl.RlTrainConfig;
import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code descent rl train}: online GRPO from a reference policy made by {@code rl sft-warmup}. The
 * task is the config's {@code task} (with {@code task_args}), or, when that is {@code none}, the
 * task the {@code init_from} run was trained on (its {@code task.json}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Improve a policy by online RL (GRPO family; TRL's GRPOConfig key names) on a generated task.",
                "init_from names a run folder made by rl sft-warmup; metrics.jsonl logs reward, clip fractions, KL, entropy per step."})
final class RlTrainCommand implements Callable<Integer> {
    @Mixin
    RlRunOptions run = new RlRunOptions();

    @Override
    public Integer call() throws Exception {
        RlTrainConfig c = (run.config == null ? RlTrainConfig.defaults() : RlTrainConfig.load(run.config)).with(run.settings);
        String initFrom = c.getString("init_from");
        if (initFrom.equals("none")) throw new IllegalArgumentException("config key 'init_from' must name the run folder of the initial policy (made by rl sft-warmup)");
        Task task = c.getString("task").equals("none") ? SftWarmup.taskOf(Path.of(initFrom)) : Tasks.create(c.getString("task"), c.taskArgs());
        GrpoMetrics last = GrpoRun.run(c, new GeneratedTask(task), run.out, run.overwrite);
        System.out.printf("last step: reward mean %.3f (std %.3f), loss %.5f, KL %.4g%n", last.rewardMean(), last.rewardStd(), last.loss(), last.kl());
        System.out.println("run folder: " + run.out.toAbsolutePath());
        return 0;
    }
}
