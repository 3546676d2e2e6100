package dev.descent.rl;

import dev.descent.io.AtomicFiles;
import dev.descent.nn.Gpt;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.train.Checkpoint;
import dev.descent.train.RunFolder;
import dev.descent.train.Sampler;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One online GRPO (or PPO, {@code algorithm: ppo}: a {@link PpoCritic} copied from the initial
 * policy) run from a configuration: the policy (and the frozen reference) from the
 * checkpoint of {@code init_from} (a run folder whose vocabulary is the task's alphabet), AdamW at a
 * constant learning rate, {@link GrpoObjective} on {@link TrainingLoop} with the gradient clip, and
 * a run folder holding {@code config.yaml}, {@code metrics.jsonl} ({@link GrpoMetricsLog}) and the
 * final policy's {@code checkpoint/} (readable by {@code descent sample}).
 */
public final class GrpoRun {
    private GrpoRun() {}

    /** Runs {@code config} on {@code task} into {@code out}; returns the last step's metrics. */
    public static <P> GrpoMetrics run(RlTrainConfig config, RlTask<P> task, Path out, boolean overwrite) throws IOException {
        GrpoSettings settings = config.settings();
        GrpoVariants variants = config.variants();
        PpoCritic.Settings criticSettings = config.criticSettings();
        String initFrom = config.getString("init_from");
        if (initFrom.equals("none")) throw new IllegalArgumentException("config key 'init_from' must name the run folder of the initial policy");
        Path init = Path.of(initFrom);
        Checkpoint.Info info = Checkpoint.info(init);
        if (!info.vocabulary().equals(task.alphabet())) {
            throw new IllegalArgumentException("the vocabulary of " + init + " differs from the alphabet of task " + task.name());
        }
        RunFolder.prepare(out, overwrite);
        AtomicFiles.write(out.resolve("config.yaml"), config.toYaml().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Gpt policy = Sampler.load(init).model();
        Gpt reference = settings.loss().beta() != 0 ? GrpoObjective.frozenCopy(policy) : null;
        PpoCritic critic = criticSettings == null ? null : new PpoCritic(ValueModel.of(policy, settings.seed()), criticSettings);
        GrpoObjective<P> objective = new GrpoObjective<>(policy, reference, task, settings, variants, critic);
        Optimizer opt = Optimizers.adamw().lr(config.getDouble("learning_rate")).weightDecay(config.getDouble("weight_decay")).build(policy);
        int steps = config.getInt("steps");
        try (GrpoMetricsLog log = new GrpoMetricsLog(objective, out.resolve("metrics.jsonl"))) {
            TrainingLoop.Outcome o = new TrainingLoop(opt, objective, policy.parameters().grads())
                    .clip(config.getDouble("grad_clip")).callback(log).run(0, steps);
            if (o.diverged()) throw new dev.descent.train.TrainingStopped("the policy loss is not finite at step " + (o.next() + 1), o.next(), false);
        }
        Checkpoint.save(out, policy.parameters(), Gpt.TIED, opt, steps, info.vocabulary(), modelConfig(info.config()));
        return objective.lastMetrics();
    }

    /** The model keys of the initial run's configuration, so the saved checkpoint describes the same shape. */
    private static TrainConfig modelConfig(Map<String, Object> init) {
        List<String> keys = new ArrayList<>();
        for (String k : List.of("n_layer", "n_head", "n_embd", "block_size", "bias")) {
            if (init.containsKey(k)) keys.add(k + "=" + init.get(k));
        }
        keys.add("dropout=0.0");
        return TrainConfig.defaults().with(keys);
    }
}
