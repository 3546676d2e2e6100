package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.config.ConfigException;
import dev.descent.nn.Gpt;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.train.TrainingLoop;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GRPO variants against hand-computed values on tiny batches, and their wiring into the trainer. */
class GrpoVariantsTest {
    static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals((float) expected[i], actual[i], 1e-6, "index " + i);
    }

    static final double[] REWARDS = {1, 0, 0, 0, 1, 1, 1, 0, 0, 0.5, 1, 2, 0.3, 0.3, 0.3, 0.3};

    /**
     * Expected values from numpy 2.4: {@code (x − np.quantile(x, K, method="inverted_cdf")) / (x.std(ddof=1) + 1e-4)}
     * per group of 4. For 0/1 rewards the two regimes of the paper: {1, 0, 0, 0} (p = 1/4) has baseline 0
     * at K = 0.5 (p ≤ 1 − K: only the success moves) and baseline 1 at K = 0.8 (p &gt; 1 − K: only the failures).
     */
    @Test
    void quantileBaselineAsNumpyInvertedCdf() {
        assertEquals(0.0, QuantileAdvantages.quantile(REWARDS, 0, 4, 0.5));
        assertEquals(1.0, QuantileAdvantages.quantile(REWARDS, 0, 4, 0.8));
        assertEquals(0.5, QuantileAdvantages.quantile(REWARDS, 8, 4, 0.5));
        assertEquals(2.0, QuantileAdvantages.quantile(REWARDS, 8, 4, 0.8));
        double a = 1.9996000799840032, b = 0.5854714803698716;
        assertClose(new double[]{a, 0, 0, 0, 0, 0, 0, -a, -b, 0, b, 1.756414441109615, 0, 0, 0, 0},
                QuantileAdvantages.of(REWARDS, 4, 0.5, RewardScaling.GROUP).advantages());
        assertClose(new double[]{0, -a, -a, -a, 0, 0, 0, -a, -2.3418859214794865, -1.756414441109615, -1.1709429607397432, 0, 0, 0, 0, 0},
                QuantileAdvantages.of(REWARDS, 4, 0.8, RewardScaling.GROUP).advantages());
        // no scaling: the rewards minus the baseline
        assertClose(new double[]{1, 0, 0, 0, 0, 0, 0, -1, -0.5, 0, 0.5, 1.5, 0, 0, 0, 0},
                QuantileAdvantages.of(REWARDS, 4, 0.5, RewardScaling.NONE).advantages());
        assertThrows(IllegalArgumentException.class, () -> QuantileAdvantages.quantile(REWARDS, 0, 4, 0));
    }

    @Test
    void ditheringAddsZeroMeanNoiseOfTheGivenScale() {
        double[] r = new double[200_000];
        double[] g = RewardDithering.GAUSSIAN.apply(r, 0.05, 3, 0);
        double[] u = RewardDithering.UNIFORM.apply(r, 0.1, 3, 0);
        double mg = 0, vg = 0, mu = 0, vu = 0, maxU = 0;
        for (int i = 0; i < r.length; i++) {
            mg += g[i];
            vg += g[i] * g[i];
            mu += u[i];
            vu += u[i] * u[i];
            maxU = Math.max(maxU, Math.abs(u[i]));
        }
        int n = r.length;
        // standard errors: σ/√n = 1.1e-4 and 0.058/√n = 1.3e-4
        assertEquals(0, mg / n, 6e-4);
        assertEquals(0.05, Math.sqrt(vg / n), 5e-4);
        assertEquals(0, mu / n, 6e-4);
        assertEquals(0.1 / Math.sqrt(3), Math.sqrt(vu / n), 5e-4);
        assertTrue(maxU <= 0.1);
        // a pure function of (seed, index): the same draws again, other draws at another offset
        assertArrayEquals(g, RewardDithering.GAUSSIAN.apply(r, 0.05, 3, 0));
        assertEquals(g[5], RewardDithering.GAUSSIAN.apply(new double[]{1, 1}, 0.05, 3, 4)[1] - 1, 1e-15);
        assertArrayEquals(new double[]{1, 0}, RewardDithering.NONE.apply(new double[]{1, 0}, 0.05, 3, 0));
        // a group whose rewards all agree gets non-zero advantages once dithered
        float[] adv = GroupAdvantages.of(RewardDithering.GAUSSIAN.apply(new double[]{1, 1, 1, 1}, 0.05, 3, 0), 4, RewardScaling.GROUP).advantages();
        assertTrue(Math.abs(adv[0]) > 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RewardDithering.byName("laplace"));
        assertTrue(e.getMessage().contains("none, gaussian, uniform"), e.getMessage());
    }

    /** L_max = 16, buffer 4: free up to 12 tokens, then −(|y| − 12)/4 · factor. */
    @Test
    void overlongPenaltyAsDapo() {
        assertEquals(0.0, OverlongPenalty.of(5, 16, 4, 1));
        assertEquals(0.0, OverlongPenalty.of(12, 16, 4, 1));
        assertEquals(-0.25, OverlongPenalty.of(13, 16, 4, 1));
        assertEquals(-0.5, OverlongPenalty.of(14, 16, 4, 1));
        assertEquals(-1.0, OverlongPenalty.of(16, 16, 4, 1));
        assertEquals(-0.5, OverlongPenalty.of(13, 16, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> OverlongPenalty.of(3, 16, 17, 1));
    }

    /** k = ⌊B·P⌋ smallest |A| dropped; ties drop the earlier completion. */
    @Test
    void pruningDropsTheSmallestAbsoluteAdvantages() {
        float[] adv = {0.5f, -0.1f, 0.1f, -2f, 0f, 0.3f};
        assertArrayEquals(new int[]{0, 3, 5}, CompletionPruning.kept(adv, 0.5));
        assertArrayEquals(new int[]{0, 2, 3, 5}, CompletionPruning.kept(adv, 0.34));
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5}, CompletionPruning.kept(adv, 0.1));
        assertArrayEquals(new int[]{3}, CompletionPruning.kept(adv, 0.9));
        assertThrows(IllegalArgumentException.class, () -> CompletionPruning.kept(adv, 1.0));
    }

    /**
     * Group of 4, β_rank = 0.25, mean log-likelihoods {−1.0, −3.0, −0.5, −2.0}: ranks (0 = least likely)
     * {2, 0, 3, 1}, factors 1 − 0.25·rank/4 = {0.875, 1, 0.8125, 0.9375}; a tie ranks the earlier first.
     */
    @Test
    void unlikelinessRewardScalesByLikelihoodRank() {
        double[] out = UnlikelinessReward.apply(new double[]{1, 1, 1, 0, 2, 2}, new double[]{-1.0, -3.0, -0.5, -2.0, -1, -1}, 2, 0.5);
        // groups of 2: {−1, −3} → ranks {1, 0}; {−0.5, −2} → {1, 0}; {−1, −1} tie → {0, 1}
        assertArrayEquals(new double[]{0.75, 1, 0.75, 0, 2, 1.5}, out);
        double[] four = UnlikelinessReward.apply(new double[]{1, 1, 1, 1}, new double[]{-1.0, -3.0, -0.5, -2.0}, 4, 0.25);
        assertArrayEquals(new double[]{0.875, 1, 0.8125, 0.9375}, four);
        assertThrows(IllegalArgumentException.class, () -> UnlikelinessReward.apply(new double[]{1}, new double[]{0}, 1, 1.5));
        // wired in: a run with the penalty trains (the rewards reach the advantages through the ranks)
        List<Double> z = new java.util.ArrayList<>();
        double[] res = run(new HalfConstant(), GrpoVariants.NONE.withRankPenalty(0.25), 2, z);
        assertTrue(Double.isFinite(res[1]));
        // the constant "a" group (all rewards 1) varies once scaled by rank
        assertTrue(z.get(0) < 0.5, z.toString());
    }

    /** Prompt "a" always scores 1 (its group never varies); prompt "aa" scores the fraction of 'b'. */
    static class HalfConstant implements RlTask<String> {
        @Override public String name() { return "half-constant"; }
        @Override public String problem(long seed, long index) { return index % 2 == 0 ? "a" : "aa"; }
        @Override public String prompt(String problem) { return problem; }
        @Override public double reward(String problem, String completion) {
            if (problem.equals("a")) return 1;
            return completion.isEmpty() ? 0 : completion.chars().filter(c -> c == 'b').count() / (double) completion.length();
        }
        @Override public String alphabet() { return "ab."; }
        @Override public char stop() { return '.'; }
    }

    static double[] run(RlTask<String> task, GrpoVariants variants, int steps, List<Double> zeroStd) {
        Gpt policy = GrpoObjectiveTest.policy();
        GrpoSettings s = GrpoSettings.defaults(2, 6, 4, PolicyLossType.DAPO, 11);
        GrpoObjective<String> objective = new GrpoObjective<>(policy, null, task, s, variants);
        Optimizer opt = Optimizers.adamw().lr(1e-2).weightDecay(0).build(policy);
        try {
            new TrainingLoop(opt, objective, policy.parameters().grads()).clip(1.0)
                .callback(new TrainingLoop.Callback() {
                    @Override public void afterStep(TrainingLoop.Step step) { zeroStd.add(objective.lastMetrics().fracZeroStd()); }
                }).run(0, steps);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new double[]{objective.rewardFailures(), objective.lastMetrics().loss()};
    }

    @Test
    void dynamicSamplingReplacesGroupsWhoseRewardsAgree() {
        List<Double> plain = new java.util.ArrayList<>();
        run(new HalfConstant(), GrpoVariants.NONE, 6, plain);
        // without it, the "a" group (half the batch) never varies
        for (double f : plain) assertTrue(f >= 0.5, plain.toString());
        List<Double> dynamic = new java.util.ArrayList<>();
        run(new HalfConstant(), GrpoVariants.NONE.withDynamicSampling(true, 10), 6, dynamic);
        for (double f : dynamic) assertEquals(0.0, f, plain + " / " + dynamic);
        // with a single batch allowed, the varying groups of that batch only (still no constant group)
        List<Double> one = new java.util.ArrayList<>();
        run(new HalfConstant(), GrpoVariants.NONE.withDynamicSampling(true, 1), 3, one);
        for (double f : one) assertEquals(0.0, f);
        // a task whose every group agrees: the round falls back to the last batch and trains on nothing
        List<Double> none = new java.util.ArrayList<>();
        RlTask<String> constant = new HalfConstant() {
            @Override public double reward(String problem, String completion) { return 1; }
        };
        double[] out = run(constant, GrpoVariants.NONE.withDynamicSampling(true, 3), 2, none);
        assertEquals(List.of(1.0, 1.0), none);
        assertEquals(0.0, out[1], 1e-6);
    }

    @Test
    void aVerifierThatThrowsOrReturnsNaNIsCountedNotFatal() {
        RlTask<String> flaky = new HalfConstant() {
            @Override public double reward(String problem, String completion) {
                if (completion.startsWith("b")) throw new IllegalStateException("verifier crashed");
                if (completion.startsWith("a")) return Double.NaN;
                return 1;
            }
        };
        double[] out = run(flaky, GrpoVariants.NONE, 3, new java.util.ArrayList<>());
        assertTrue(out[0] > 0, "failures counted: " + out[0]);
        assertTrue(Double.isFinite(out[1]));
    }

    @Test
    void configKeysBuildTheVariantsAndRefuseBadValues() {
        GrpoVariants v = RlTrainConfig.defaults().with(List.of("reward_dither=uniform", "reward_dither_scale=0.1", "baseline_quantile=0.4",
                "overlong_buffer=4", "dynamic_sampling=true", "max_generation_batches=3", "pruning_rate=0.5", "rank_penalty=0.25")).variants();
        assertEquals(new GrpoVariants(RewardDithering.UNIFORM, 0.1, 0.4, 4, 1.0, true, 3, 0.5, 0.25), v);
        assertTrue(Double.isNaN(RlTrainConfig.defaults().variants().baselineQuantile()));
        assertEquals(GrpoVariants.NONE, RlTrainConfig.defaults().variants());
        ConfigException e = assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("reward_dither=laplace")));
        assertTrue(e.getMessage().contains("gaussian"), e.getMessage());
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("baseline_quantile=0")).variants());
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("pruning_rate=1")).variants());
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("overlong_buffer=17")).variants());
        // num_generations < 2 is refused: a group needs a baseline
        assertThrows(ConfigException.class, () -> RlTrainConfig.defaults().with(List.of("num_generations=1")));
    }
}
