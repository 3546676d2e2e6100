package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online GRPO on a toy task through the training loop: learning, the frozen reference, the gradient, the metrics file. */
class GrpoObjectiveTest {
    /** Prompt "a" or "aa"; the reward is the fraction of 'b' in the completion (0 when empty). Stop character '.'. */
    static final class MoreBs implements RlTask<String> {
        @Override public String name() { return "more-bs"; }
        @Override public String problem(long seed, long index) { return (seed + index) % 2 == 0 ? "a" : "aa"; }
        @Override public String prompt(String problem) { return problem; }
        @Override public double reward(String problem, String completion) {
            if (completion.isEmpty()) return 0;
            return completion.chars().filter(c -> c == 'b').count() / (double) completion.length();
        }
        @Override public String alphabet() { return "ab."; }
        @Override public char stop() { return '.'; }
    }

    static Gpt policy() {
        return new Gpt(new GptConfig(3, 8, 1, 2, 16, 0f, true), 7);
    }

    @Test
    void rewardRisesAndTheReferenceStaysFrozen(@TempDir Path dir) throws Exception {
        Gpt policy = policy();
        Gpt reference = GrpoObjective.frozenCopy(policy);
        float[] refBefore = reference.parameters().frozenValues().clone();
        GrpoSettings s = GrpoSettings.defaults(2, 6, 4, PolicyLossType.DAPO, 11)
                .withLoss(PolicyLossConfig.defaults(PolicyLossType.DAPO).withEpsilon(0.2, 0.28).withBeta(0.01));
        GrpoObjective<String> objective = new GrpoObjective<>(policy, reference, new MoreBs(), s);
        Optimizer opt = Optimizers.adamw().lr(1e-2).weightDecay(0).build(policy);
        Path metrics = dir.resolve("metrics.jsonl");
        try (GrpoMetricsLog log = new GrpoMetricsLog(objective, metrics)) {
            new TrainingLoop(opt, objective, policy.parameters().grads()).clip(1.0).callback(log).run(0, 40);
        }
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(40, lines.size());
        ObjectMapper json = new ObjectMapper();
        double first = 0, lastFive = 0;
        for (int i = 0; i < 40; i++) {
            JsonNode n = json.readTree(lines.get(i));
            assertEquals(i + 1, n.get("step").asInt());
            if (i < 5) first += n.get("reward").asDouble() / 5;
            if (i >= 35) lastFive += n.get("reward").asDouble() / 5;
            // mu = 1: the ratio is exactly 1, nothing is clipped
            assertEquals(0, n.get("clip_ratio/region_mean").asDouble());
            assertTrue(n.get("entropy").asDouble() > 0 && n.get("entropy").asDouble() <= Math.log(3) + 1e-6, lines.get(i));
            assertTrue(n.get("grad_norm").asDouble() >= 0);
            double len = n.get("completions/mean_length").asDouble();
            assertTrue(len >= 1 && len <= 4, lines.get(i));
        }
        // step 1: the policy is the reference, KL 0
        assertEquals(0, json.readTree(lines.get(0)).get("kl").asDouble(), 1e-6);
        assertTrue(json.readTree(lines.get(39)).get("kl").asDouble() > 0);
        assertTrue(lastFive > first + 0.2, "mean reward of the first 5 steps " + first + ", of the last 5 " + lastFive);
        org.junit.jupiter.api.Assertions.assertArrayEquals(refBefore, reference.parameters().frozenValues());
    }

    /**
     * With μ = 2 the old log-probabilities are fixed at the rollout: the gradient is that of loss(), by
     * central differences; and loss() at the rollout policy with the reference equal to it is −mean(A) = 0.
     */
    @Test
    void gradientMatchesCentralDifferencesOfTheLoss() {
        Gpt policy = policy();
        Gpt reference = GrpoObjective.frozenCopy(policy);
        // temperature 0.7: the log-probabilities (policy, old, reference) are of the tempered logits, as in TRL
        GrpoSettings s = new GrpoSettings(2, 4, 4, 0.7f, 0, 1f, PolicyLossConfig.defaults(PolicyLossType.GRPO).withBeta(0.1),
                RewardScaling.GROUP, 1.0, false, 2, 3);
        GrpoObjective<String> objective = new GrpoObjective<>(policy, reference, new MoreBs(), s);
        float[] values = policy.parameters().values();
        float[] grads = policy.parameters().grads();
        objective.prepare(0);
        assertEquals(0, objective.loss(), 1e-6);
        // move away from the reference and the rollout policy a little so the KL and the ratio both act
        for (int i = 0; i < values.length; i++) values[i] += 0.05f * (float) Math.sin(i);
        objective.prepare(0);
        objective.lossAndGradient();
        float[] g = grads.clone();
        int checked = 0;
        for (int i = 0; i < values.length; i += 89) {
            float v = values[i];
            float h = 1e-2f;
            values[i] = v + h;
            double up = objective.loss();
            values[i] = v - h;
            double down = objective.loss();
            values[i] = v;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, g[i], 1e-5 + 1e-2 * Math.abs(fd), "parameter " + i);
            checked++;
        }
        assertTrue(checked > 5);
    }

    @Test
    void badSettingsAreRefused() {
        Gpt policy = policy();
        GrpoSettings beta = GrpoSettings.defaults(1, 2, 4, PolicyLossType.GRPO, 0).withLoss(PolicyLossConfig.defaults(PolicyLossType.GRPO).withBeta(0.1));
        assertThrows(IllegalArgumentException.class, () -> new GrpoObjective<>(policy, null, new MoreBs(), beta));
        assertThrows(IllegalArgumentException.class, () -> GrpoSettings.defaults(1, 1, 4, PolicyLossType.GRPO, 0));
        GrpoSettings tooLong = GrpoSettings.defaults(1, 2, 8, PolicyLossType.GRPO, 0);
        GrpoObjective<String> o = new GrpoObjective<>(policy, null, new MoreBs(), tooLong);
        assertThrows(IllegalArgumentException.class, () -> o.prepare(0));
        assertNull(o.lastMetrics());
    }
}
