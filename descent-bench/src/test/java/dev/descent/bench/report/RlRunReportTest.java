package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.Optimizers;
import dev.descent.rl.GrpoRun;
import dev.descent.rl.RlTask;
import dev.descent.rl.RlTrainConfig;
import dev.descent.train.Checkpoint;
import dev.descent.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML page of an RL run's metrics, from a real (tiny) GRPO and PPO run. */
class RlRunReportTest {
    /** Completions score the fraction of their characters that are 'b' ('.' ends them). */
    static final class MoreBs implements RlTask<String> {
        @Override public String name() { return "more-bs"; }
        @Override public String problem(long seed, long index) { return (seed + index) % 2 == 0 ? "a" : "aa"; }
        @Override public String prompt(String p) { return p; }
        @Override public double reward(String p, String c) { return c.isEmpty() ? 0 : c.chars().filter(x -> x == 'b').count() / (double) c.length(); }
        @Override public String alphabet() { return "ab."; }
        @Override public char stop() { return '.'; }
    }

    private static Path run(Path dir, String name, String... keys) throws Exception {
        Path init = dir.resolve("init");
        if (!Files.isDirectory(init)) {
            Gpt model = new Gpt(new GptConfig(3, 8, 1, 2, 16, 0f, true), 5);
            Files.createDirectories(init);
            TrainConfig tc = TrainConfig.defaults().with(List.of("n_layer=1", "n_head=2", "n_embd=16", "block_size=8", "bias=true", "dropout=0.0"));
            Checkpoint.save(init, model.parameters(), Gpt.TIED, Optimizers.adamw().build(model), 0, "ab.", tc);
        }
        Path out = dir.resolve(name);
        List<String> k = new java.util.ArrayList<>(List.of("init_from=" + init, "steps=4", "prompts_per_step=2", "num_generations=4",
                "max_completion_length=4", "learning_rate=0.01", "eval_interval=2", "eval_problems=2", "eval_samples=4"));
        k.addAll(List.of(keys));
        GrpoRun.run(RlTrainConfig.defaults().with(k), new MoreBs(), out, false);
        return out;
    }

    @Test
    void thePageDrawsEveryLoggedSeries(@TempDir Path dir) throws Exception {
        Path grpo = run(dir, "grpo", "beta=0.04", "loss_type=grpo");
        RlRunReport.Written w = RlRunReport.write(grpo, grpo.resolve("report.html"));
        String html = Files.readString(w.out());
        assertEquals(4, w.steps());
        for (String key : List.of("reward", "reward_std", "frac_reward_zero_std", "clip_ratio/low_mean", "clip_ratio/high_mean", "kl", "entropy",
                "grad_norm", "completions/mean_length", "completions/clipped_ratio", "eval/pass@1", "eval/pass@4", "loss", "seconds")) {
            assertTrue(html.contains("data-optimizer=\"" + key + "\""), "a line for " + key);
        }
        assertTrue(html.contains("data-kind=\"pass\""), "the held-out pass@k chart");
        assertTrue(html.contains("class=\"band\""), "the reward's std band");
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n") && !html.contains("<script"));

        // without a reference the KL is null in every line: no line, and the page says why
        Path ppo = run(dir, "ppo", "algorithm=ppo");
        String p = Files.readString(RlRunReport.write(ppo, ppo.resolve("report.html")).out());
        assertTrue(p.contains("data-optimizer=\"critic/vf_loss\"") && p.contains("data-optimizer=\"critic/vf_clipfrac\""));
        assertTrue(!p.contains("data-optimizer=\"kl\"") && p.contains("kl (no finite value)"), "the KL is listed as not drawn");
    }

    @Test
    void aFolderWithoutMetricsIsRefused(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> RlRunReport.write(dir, dir.resolve("r.html")));
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"ste");
        assertThrows(IllegalArgumentException.class, () -> RlRunReport.write(dir, dir.resolve("r.html")));
    }
}
