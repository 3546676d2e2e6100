package dev.descent.cli;

import dev.descent.rl.DriftConfig;
import dev.descent.rl.DriftRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code descent rl drift}: DRIFT, weighted SFT on interactions sampled once from a fixed multi-turn reference. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"DRIFT: sample whole interactions once from the fixed reference policy (init_from, made by rl feedback-warmup),",
                "weight them by exp(return/beta) within each prompt's group, and fine-tune on the policy's tokens (feedback masked).",
                "The run folder holds config.yaml, metrics.jsonl, drift.json (success before/after, cost) and checkpoint/."})
final class RlDriftCommand implements Callable<Integer> {
    @Mixin
    RlRunOptions run = new RlRunOptions();

    @Override
    public Integer call() throws Exception {
        DriftConfig c = (run.config == null ? DriftConfig.defaults() : DriftConfig.load(run.config)).with(run.settings);
        DriftRun.Outcome o = DriftRun.run(c, run.out(), run.overwrite);
        var r = o.result();
        System.out.printf("rollouts: %d interactions, success %.3f, mean return %.3f, mean ESS %.2f, %.1f s (%d forward tokens)%n", r.interactions(),
                r.rolloutSuccess(), r.meanReturn(), r.meanEss(), r.rolloutSeconds(), r.rolloutForwardTokens());
        System.out.printf("weighted SFT: %d steps, last loss %.4f, %.1f s (%d forward + backward tokens)%n", r.steps(), r.lastLoss(), r.trainSeconds(), r.trainTokens());
        System.out.printf("held-out success (%d problems, T=1): reference %.3f -> trained %.3f%n", o.heldOut(), o.referenceSuccess(), o.trainedSuccess());
        System.out.println("run folder: " + run.out.toAbsolutePath());
        return 0;
    }
}
