package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.config.ConfigException;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.Optimizers;
import dev.descent.train.Checkpoint;
import dev.descent.train.Sampler;
import dev.descent.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured GRPO run from a run folder's checkpoint into a new run folder. */
class GrpoRunTest {
    static Path initRun(Path dir) throws Exception {
        Gpt model = new Gpt(new GptConfig(3, 8, 1, 2, 16, 0f, true), 5);
        Path init = dir.resolve("init");
        Files.createDirectories(init);
        TrainConfig tc = TrainConfig.defaults().with(List.of("n_layer=1", "n_head=2", "n_embd=16", "block_size=8", "bias=true", "dropout=0.0"));
        Checkpoint.save(init, model.parameters(), Gpt.TIED, Optimizers.adamw().build(model), 0, "ab.", tc);
        return init;
    }

    @Test
    void runWritesConfigMetricsAndALoadableCheckpoint(@TempDir Path dir) throws Exception {
        Path init = initRun(dir);
        Path out = dir.resolve("rl");
        RlTrainConfig cfg = RlTrainConfig.defaults().with(List.of("init_from=" + init, "steps=6", "prompts_per_step=2", "num_generations=4",
                "max_completion_length=4", "beta=0.02", "loss_type=grpo", "learning_rate=0.01"));
        GrpoMetrics last = GrpoRun.run(cfg, new GrpoObjectiveTest.MoreBs(), out, false);
        assertTrue(Double.isFinite(last.loss()) && last.kl() >= 0);
        assertEquals(6, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        var yaml = dev.descent.config.YamlConfig.read(out.resolve("config.yaml"));
        assertEquals("grpo", yaml.get("loss_type").asText());
        assertEquals(6, yaml.get("steps").asInt());
        float[] before = Sampler.load(init).model().parameters().values();
        float[] after = Sampler.load(out).model().parameters().values();
        assertFalse(Arrays.equals(before, after), "the policy was updated");
        assertEquals(6, Checkpoint.info(out).step());
        // a second run into the same folder is refused unless overwriting
        assertThrows(IllegalArgumentException.class, () -> GrpoRun.run(cfg, new GrpoObjectiveTest.MoreBs(), out, false));
    }

    @Test
    void configKeysAreChecked(@TempDir Path dir) {
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("loss_type=ppo")));
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("num_generation=4")));
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("top_p=1.5")).settings());
        GrpoSettings s = RlTrainConfig.defaults().with(List.of("epsilon=0.3")).settings();
        assertEquals(0.3, s.loss().epsilonHigh(), 0, "epsilon_high follows epsilon unless set");
        assertEquals(0.28, RlTrainConfig.defaults().with(List.of("epsilon_high=0.28")).settings().loss().epsilonHigh(), 0);
        assertEquals(PolicyLossType.DAPO, RlTrainConfig.defaults().settings().loss().type());
        assertThrows(IllegalArgumentException.class, () -> GrpoRun.run(RlTrainConfig.defaults(), new GrpoObjectiveTest.MoreBs(), dir.resolve("x"), false));
    }
}
