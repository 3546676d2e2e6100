package dev.descent.cli;

import dev.descent.rl.GeneratedTask;
import dev.descent.rl.GrpoMetrics;
import dev.descent.rl.GrpoRun;
import dev.descent.rl.RlTrainConfig;
import dev.descent.tasks.SftWarmup;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent rl train}: online GRPO from a reference policy made by {@code rl sft-warmup}. The
 * task is the config's {@code task} (with {@code task_args}), or, when that is {@code none}, the
 * task the {@code init_from} run was trained on (its {@code task.json}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Improve a policy by online RL (GRPO family; TRL's GRPOConfig key names) on a generated task.",
                "init_from names a run folder made by rl sft-warmup; metrics.jsonl logs reward, clip fractions, KL, entropy per step."})
final class RlTrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of RL settings (keys: docs/rl.md)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting over the file (repeatable), e.g. init_from=runs/add steps=50")
    List<String> settings = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run folder to create")
    Path out;

    @Option(names = "--overwrite", description = "replace the run already in --out")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        RlTrainConfig c = (config == null ? RlTrainConfig.defaults() : RlTrainConfig.load(config)).with(settings);
        String initFrom = c.getString("init_from");
        if (initFrom.equals("none")) throw new IllegalArgumentException("config key 'init_from' must name the run folder of the initial policy (made by rl sft-warmup)");
        Task task = c.getString("task").equals("none") ? SftWarmup.taskOf(Path.of(initFrom)) : Tasks.create(c.getString("task"), c.taskArgs());
        GrpoMetrics last = GrpoRun.run(c, new GeneratedTask(task), out, overwrite);
        System.out.printf("last step: reward mean %.3f (std %.3f), loss %.5f, KL %.4g%n", last.rewardMean(), last.rewardStd(), last.loss(), last.kl());
        System.out.println("run folder: " + out.toAbsolutePath());
        return 0;
    }
}
