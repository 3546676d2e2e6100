package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.nn.Gpt;
import dev.descent.nn.Parameter;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PPO (Open-Reasoner-Zero's recipe): token-level advantages in the clipped loss, GAE with γ = λ = 1, the critic. */
class PpoTest {
    /**
     * verl's {@code compute_policy_loss} (vanilla, token-mean) on a 2 × 3 batch with per-token
     * advantages, in torch 1.13 float64: pg = max(−A r, −A clamp(r, 0.8, 1.2)), L = Σ m pg / Σ m,
     * {@code loss.backward()} for ∂L/∂lp. Token (1, 0) has r = 0.61 &lt; 0.8 with A &lt; 0: clipped, no gradient.
     */
    @Test
    void tokenAdvantagesInTheClippedLossAsVerl() {
        float[] lp = {-0.5f, -1.2f, -0.3f, -2.0f, -0.1f, -0.7f};
        float[] old = {-0.6f, -1.0f, -0.3f, -1.5f, -0.1f, -0.9f};
        float[] adv = {0.5f, -1.0f, 2.0f, -0.3f, 0.8f, 1.5f};
        float[] mask = {1, 1, 1, 1, 1, 0};
        PolicyBatch batch = new PolicyBatch(2, 3, old, null, mask, adv, null);
        PolicyLoss.Result r = PolicyLoss.evaluate(PolicyLossConfig.defaults(PolicyLossType.DAPO), batch, lp);
        assertEquals(-0.45877094119196826, r.loss(), 1e-6);
        double[] grad = {-0.11051709180756475, 0.1637461506155964, -0.4, 0.0, -0.16000000000000003, 0.0};
        for (int i = 0; i < 6; i++) assertEquals(grad[i], r.grad()[i], 1e-6, "index " + i);
        assertEquals(0.2, r.clip().low(), 1e-12);
        // per-sequence advantages are the special case of equal advantages along a row
        PolicyBatch perSeq = new PolicyBatch(2, 3, old, null, mask, new float[]{0.5f, -0.3f}, null);
        PolicyBatch perTok = new PolicyBatch(2, 3, old, null, mask, new float[]{0.5f, 0.5f, 0.5f, -0.3f, -0.3f, -0.3f}, null);
        var cfg = PolicyLossConfig.defaults(PolicyLossType.GRPO);
        assertEquals(PolicyLoss.evaluate(cfg, perSeq, lp).loss(), PolicyLoss.evaluate(cfg, perTok, lp).loss(), 0);
        assertThrows(IllegalArgumentException.class, () -> new PolicyBatch(2, 3, old, null, mask, new float[4], null));
    }

    /**
     * γ = λ = 1 with the outcome reward on each completion's last token: A_t = R − V_t (the
     * reward-to-go is R on every completion token) and the returns are R, padding excluded.
     */
    @Test
    void gaeWithUnitGammaLambdaIsRewardToGoMinusValues() {
        float[] mask = {0, 1, 1, 1, 0, 0, 1, 1, 0, 0};
        double[] rewards = PpoCritic.tokenRewards(new double[]{1.0, -0.5}, mask, 2, 5);
        assertEquals(List.of(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, -0.5, 0.0, 0.0), java.util.Arrays.stream(rewards).boxed().toList());
        double[] values = {9, 0.2, 0.7, 0.4, 9, 9, 0.1, -0.3, 9, 9};
        Gae.Result g = Gae.compute(rewards, values, mask, 2, 5, 1, 1);
        double[] expected = {0, 0.8, 0.3, 0.6, 0, 0, -0.6, -0.2, 0, 0};
        for (int i = 0; i < 10; i++) {
            if (mask[i] == 0f) continue;
            assertEquals(expected[i], g.advantages()[i], 1e-12, "advantage " + i);
            assertEquals(i < 5 ? 1.0 : -0.5, g.returns()[i], 1e-12, "return " + i);
        }
    }

    /** The critic's targets without whitening: R − V from its own values, V read at position t − 1. */
    @Test
    void criticTargetsAndValuePositions() {
        Gpt policy = GrpoObjectiveTest.policy();
        ValueModel vm = ValueModel.of(policy, 5);
        PpoCritic critic = new PpoCritic(vm, new PpoCritic.Settings(0.5, 1, 1, false, 1e-2, 1.0));
        int[] tokens = {0, 1, 1, 2, 0, 0, 1, 2};
        float[] mask = {0, 1, 1, 1, 0, 1, 1, 0};
        PpoCritic.Targets t = critic.targets(tokens, mask, new double[]{1, 0}, 2, 4);
        try (var ignored = dev.descent.autograd.NoGrad.open()) {
            var pos = vm.positionValues(tokens, 2, 4).value();
            for (int i = 0; i < 8; i++) {
                double v = mask[i] == 0f ? 0 : pos.data()[pos.offset() + i - 1];
                assertEquals(v, t.oldValues()[i], 0, "value " + i);
                if (mask[i] != 0f) assertEquals((i < 4 ? 1 : 0) - v, t.advantages()[i], 1e-6, "advantage " + i);
            }
        }
        // the critic trunk is a copy of the policy: same parameters, separate storage
        float[] before = policy.parameters().values().clone();
        for (int k = 0; k < 20; k++) critic.step(tokens, mask, 2, 4, t);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, policy.parameters().values());
        PpoCritic.Targets after = critic.targets(tokens, mask, new double[]{1, 0}, 2, 4);
        double err0 = 0, err1 = 0;
        for (int i = 0; i < 8; i++) {
            if (mask[i] == 0f) continue;
            err0 += Math.pow(t.returns()[i] - t.oldValues()[i], 2);
            err1 += Math.pow(t.returns()[i] - after.oldValues()[i], 2);
        }
        assertTrue(err1 < 0.5 * err0, "value error " + err0 + " -> " + err1);
    }

    /** The value loss's gradient reaches the head and the trunk: central differences on parameters. */
    @Test
    void valueLossGradientMatchesCentralDifferences() {
        ValueModel vm = ValueModel.of(GrpoObjectiveTest.policy(), 9);
        int[] tokens = {0, 1, 1, 2, 0, 0, 1, 2};
        float[] mask = {0, 1, 1, 1, 0, 1, 1, 0};
        double[] old = vm.values(tokens, mask, 2, 4);
        double[] returns = {0, 1, 1, 1, 0, -1, -1, 0};
        // a small clip range so that some tokens are clipped (their gradient is 0)
        var params = vm.flatten();
        java.util.Arrays.fill(params.grads(), 0f);
        // move the values away from old first, so the clip is active on some tokens
        double[] shifted = old.clone();
        for (int i = 0; i < shifted.length; i++) shifted[i] -= (i % 2 == 0 ? 0.3 : 0.01);
        vm.lossAndBackward(tokens, mask, 2, 4, shifted, returns, 0.1);
        float[] grad = params.grads().clone();
        for (String name : List.of("value_head.weight", "trunk.transformer.ln_f.weight", "trunk.transformer.h.0.mlp.c_fc.weight")) {
            Parameter p = params.get(name);
            var v = p.value();
            for (int k = 0; k < 3; k++) {
                int idx = v.offset() + k * 3;
                float keep = v.data()[idx];
                double h = 1e-2;
                v.data()[idx] = (float) (keep + h);
                double up = ValueLoss.evaluate(vm.values(tokens, mask, 2, 4), shifted, returns, mask, 0.1).loss();
                v.data()[idx] = (float) (keep - h);
                double down = ValueLoss.evaluate(vm.values(tokens, mask, 2, 4), shifted, returns, mask, 0.1).loss();
                v.data()[idx] = keep;
                double fd = (up - down) / (2 * h);
                double an = grad[p.grad().offset() + k * 3];
                assertEquals(fd, an, 2e-3 + 2e-2 * Math.abs(fd), name + "[" + k * 3 + "]");
            }
        }
    }

    @Test
    void ppoRunLearnsAndLogsTheCritic(@TempDir Path dir) throws Exception {
        Gpt policy = GrpoObjectiveTest.policy();
        GrpoSettings s = GrpoSettings.defaults(2, 6, 4, PolicyLossType.DAPO, 11);
        PpoCritic critic = new PpoCritic(ValueModel.of(policy, 11), PpoCritic.Settings.orz(1e-2));
        GrpoObjective<String> objective = new GrpoObjective<>(policy, null, new GrpoObjectiveTest.MoreBs(), s, GrpoVariants.NONE, critic);
        Optimizer opt = Optimizers.adamw().lr(1e-2).weightDecay(0).build(policy);
        Path metrics = dir.resolve("metrics.jsonl");
        try (GrpoMetricsLog log = new GrpoMetricsLog(objective, metrics)) {
            new TrainingLoop(opt, objective, policy.parameters().grads()).clip(1.0).callback(log).run(0, 40);
        }
        List<String> lines = Files.readAllLines(metrics);
        ObjectMapper json = new ObjectMapper();
        double first = 0, last = 0, vfFirst = 0, vfLast = 0;
        for (int i = 0; i < 40; i++) {
            JsonNode n = json.readTree(lines.get(i));
            assertTrue(n.get("critic/vf_loss").asDouble() >= 0, lines.get(i));
            if (i < 5) {
                first += n.get("reward").asDouble() / 5;
                vfFirst += n.get("critic/vf_loss").asDouble() / 5;
            }
            if (i >= 35) {
                last += n.get("reward").asDouble() / 5;
                vfLast += n.get("critic/vf_loss").asDouble() / 5;
            }
        }
        assertTrue(last > first + 0.2, "reward " + first + " -> " + last);
        assertTrue(vfLast < vfFirst, "value loss " + vfFirst + " -> " + vfLast);
        assertThrows(IllegalArgumentException.class, () -> new GrpoObjective<>(policy, null, new GrpoObjectiveTest.MoreBs(), s,
                GrpoVariants.NONE.withPruningRate(0.5), critic));
    }

    @Test
    void configSelectsPpo() {
        assertEquals(null, RlTrainConfig.defaults().criticSettings());
        PpoCritic.Settings c = RlTrainConfig.defaults().with(List.of("algorithm=ppo", "learning_rate=3e-4")).criticSettings();
        assertEquals(new PpoCritic.Settings(0.5, 1, 1, true, 3e-4, 1.0), c);
        assertThrows(dev.descent.config.ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("algorithm=ppo", "pruning_rate=0.5")).criticSettings());
        var e = assertThrows(dev.descent.config.ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("algorithm=reinforce")));
        assertTrue(e.getMessage().contains("grpo") && e.getMessage().contains("ppo"), e.getMessage());
    }
}
