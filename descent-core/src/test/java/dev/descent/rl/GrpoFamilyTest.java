package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LENS, DCPO, GTPO and PACS against golden values computed independently in float64 with torch 1.13
 * by {@code bench/golden/grpo_family_golden.py} (the numbers below are its output), against central
 * differences of each loss, and their bad inputs (one-line errors naming the key).
 */
class GrpoFamilyTest {
    static final int B = 6, T = 4, G = 3;
    static final float[] LOGP = {-1.0f, -0.5f, -2.0f, -0.3f, -1.2f, -0.7f, -1.5f, -0.2f, -0.9f, -0.4f, -2.2f, -0.1f,
            -0.8f, -1.1f, -0.6f, -1.3f, -0.25f, -0.05f, -1.7f, -0.9f, -0.6f, -2.5f, -0.35f, -1.0f};
    static final float[] OLD = {-1.5f, -0.45f, -1.5f, -0.3f, -0.2f, -0.2f, -1.6f, -0.7f, -0.1f, -0.4f, -2.0f, -0.6f,
            -0.3f, -1.0f, -0.9f, -1.1f, -1.75f, -0.1f, -1.2f, -0.8f, -0.65f, -2.4f, -0.3f, -1.2f};
    static final float[] MASK = {1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1};
    static final float[] ADV = {0.8f, -1.3f, 0.5f, -0.7f, 1.1f, 0.0f};

    /** The script's inputs are float64 of the decimal literals; ours are their float32 roundings. */
    static final double TOL = 1e-6;

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
    }

    static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }

    /** Central differences of the loss in each unmasked log-probability (double step on float inputs: h = 1e-3, loss smooth away from kinks). */
    static void checkFiniteDifferences(PolicyLossConfig cfg, PolicyBatch in) {
        PolicyLoss.Result r = PolicyLoss.evaluate(cfg, in, LOGP);
        float h = 1e-3f;
        for (int i = 0; i < LOGP.length; i++) {
            float[] up = LOGP.clone(), down = LOGP.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (PolicyLoss.evaluate(cfg, in, up).loss() - PolicyLoss.evaluate(cfg, in, down).loss()) / ((double) up[i] - down[i]);
            assertEquals(fd, r.grad()[i], 2e-5, cfg.type() + " d/dlp " + i);
        }
    }

    // ---------------- DCPO

    static PolicyLossConfig dcpo() {
        return PolicyLossConfig.defaults(PolicyLossType.DAPO).withEpsilon(0.2, 0.28).withDynamicClip(3.0);
    }

    @Test
    void dcpoDynamicClipMatchesTheGolden() {
        PolicyBatch in = new PolicyBatch(B, T, OLD, null, MASK, ADV, null);
        PolicyLoss.Result r = PolicyLoss.evaluate(dcpo(), in, LOGP);
        assertEquals(-0.12073267887884735, r.loss(), TOL);
        assertClose(new double[]{-0.06594885082800514, -0.03804917698002857, -0.024261226388505343, -0.04000000000000001, 0.0, 0.039424492881321174,
                0.0718361096749171, 0.0, -0.011233224102930539, -0.025, -0.0, 0.0, 0.02122857308994217, 0.03166930963125858, 0.04724505826516011,
                0.028655576357729366, 0.0, -0.057819910300681336, -0.03335918628419484, -0.0, -0.0, -0.0, -0.0, -0.0}, r.grad(), TOL, "dcpo grad");
        checkFiniteDifferences(dcpo(), in);
    }

    @Test
    void dcpoBoundsWidenForUnlikelyTokens() {
        // q = 1: [(1 + √0.2)/2, (1 + √2.12)/2]; q small: the lower bound is 1/2 and the upper grows as 1/√q up to max(c, 10)
        assertEquals((1 + Math.sqrt(0.2)) / 2, DcpoClip.low(1, 0.2), 1e-15);
        assertEquals((1 + Math.sqrt(2.12)) / 2, DcpoClip.high(1, 0.28, 10), 1e-15);
        assertEquals(0.5, DcpoClip.low(0.1, 0.2), 1e-15);
        assertTrue(DcpoClip.high(0.01, 0.28, 10) > DcpoClip.high(0.1, 0.28, 10));
        assertEquals(10, DcpoClip.high(1e-6, 0.28, 3), 1e-15);
    }

    @Test
    void dcpoSmoothAdvantagesMatchTheGolden() {
        DcpoAdvantages sas = new DcpoAdvantages(true);
        assertClose(new double[]{1.1547005383792515, -0.5773502691896256, -0.5773502691896256, 0.0, 0.0, 0.0},
                toDouble(sas.advantages(new double[]{1, 0, 0, 1, 1, 1}, G, new String[]{"a", "b"})), TOL, "round 1");
        // prompt a again: its all-correct group keeps a signal from round 1's statistics
        assertClose(new double[]{0.31622776601683794, 0.31622776601683794, 0.31622776601683794, -0.5773502691896256, 1.1547005383792515, -0.5773502691896256},
                toDouble(sas.advantages(new double[]{1, 1, 1, 0, 1, 0}, G, new String[]{"a", "c"})), TOL, "round 2");
        assertClose(new double[]{-1.178048649383364, 0.5890243246916821, 0.5890243246916821, 0.31622776601683794, 0.31622776601683794, 0.31622776601683794},
                toDouble(sas.advantages(new double[]{0, 1, 1, 1, 1, 1}, G, new String[]{"a", "c"})), TOL, "round 3");
    }

    // ---------------- LENS

    @Test
    void lensPenalisesConfidentMistakesAndMatchesTheGolden() {
        double[] meanLp = new double[B];
        for (int b = 0; b < B; b++) {
            double s = 0, n = 0;
            for (int t = 0; t < T; t++) {
                s += MASK[b * T + t] * (double) OLD[b * T + t];
                n += MASK[b * T + t];
            }
            meanLp[b] = s / n;
        }
        double[] r = Lens.apply(new double[]{1, 0, 0, 0, 0, 0}, meanLp, 0.5);
        assertClose(new double[]{1.0, -0.256708559516296, -0.38940039153570244, -0.21911749623247462, -0.1808994644199813, -0.16030978481933533}, r, TOL, "lens rewards");
        // the all-wrong second group now has advantages (GRPO's would be all 0)
        GroupAdvantages.Result adv = GroupAdvantages.of(r, G, RewardScaling.GROUP);
        assertClose(new double[]{1.1502195579298415, -0.4885913797665898, -0.6616281781632517, -1.0801893828907758, 0.19625676922478902, 0.8839326136659869},
                toDouble(adv.advantages()), 1e-5, "lens advantages");
        assertEquals(0.0, adv.fracZeroStd());
        // λ = 0 is GRPO's rewards
        assertClose(new double[]{1, 0, 0, 0, 0, 0}, Lens.apply(new double[]{1, 0, 0, 0, 0, 0}, meanLp, 0), 0, "off");
    }

    // ---------------- PACS

    static PolicyLossConfig pacs() {
        return PolicyLossConfig.defaults(PolicyLossType.PACS).withPacsBeta(2.0).withGroupSize(G);
    }

    @Test
    void pacsMatchesTheGolden() {
        PolicyBatch in = new PolicyBatch(B, T, OLD, null, MASK, ADV, null).withRewards(new float[]{1, 0, 0, 1, 1, 1});
        PolicyLoss.Result r = PolicyLoss.evaluate(pacs(), in, LOGP);
        assertEquals(0.6602032282731446, r.loss(), TOL);
        assertClose(new double[]{-0.1279388497032648, -0.1279388497032648, -0.1279388497032648, -0.1279388497032648, 0.00059127551372605,
                0.00059127551372605, 0.00059127551372605, 0.0, 0.12734757418953874, 0.12734757418953874, 0.0, 0.0, -0.1881436324705706,
                -0.1881436324705706, -0.1881436324705706, -0.1881436324705706, 0.22176166595930702, 0.22176166595930702, 0.22176166595930702,
                0.0, -0.03361803348873632, -0.03361803348873632, -0.03361803348873632, -0.03361803348873632}, r.grad(), TOL, "pacs grad");
        checkFiniteDifferences(pacs(), in);
        // balanced class weights: 1 correct of 3 weighs 3/2, each of the 2 wrong 3/4; an all-correct group weighs 1
        assertClose(new double[]{1.5, 0.75, 0.75, 1, 1, 1}, PacsLoss.classWeights(new float[]{1, 0, 0, 1, 1, 1}, G), 1e-15, "weights");
    }

    // ---------------- GTPO

    static final int[] TOKENS = {3, 5, 7, 2, 3, 5, 8, 0, 3, 6, 0, 0, 4, 1, 2, 2, 4, 1, 2, 0, 9, 1, 1, 2};
    static final float[] GT_ADV = {0.9f, -0.6f, -0.3f, -0.5f, 0.7f, 0.4f};

    @Test
    void gtpoConflictWeightsEntropyFilterAndLossMatchTheGolden() {
        float[] w = Gtpo.tokenWeights(TOKENS, MASK, GT_ADV, B, T, G, Gtpo.CONFLICT_WEIGHT);
        assertClose(new double[]{1.0, 1.0, 0.5, 0.5, 0.0, 0.0, 0.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                0.6666666666666666, 0.6666666666666666, 1.3333333333333333, 0.0, 1.0, 1.0, 1.0, 2.0}, toDouble(w), 1e-7, "gtpo weights");
        float[] shaped = Gtpo.shapeAdvantages(GT_ADV, new double[]{0.2, 0.5, 0.9, 0.3, 0.1, 0.6}, Gtpo.ENTROPY_THRESHOLD, Gtpo.ENTROPY_SCALE);
        assertClose(new double[]{0.88, -0.65, 0.0, -0.53, 0.69, 0.34}, toDouble(shaped), 1e-7, "gtpo shaped");
        PolicyLossConfig cfg = PolicyLossConfig.defaults(PolicyLossType.GTPO);
        PolicyBatch in = new PolicyBatch(B, T, OLD, null, MASK, ADV, null).withGtpo(shaped, w);
        PolicyLoss.Result r = PolicyLoss.evaluate(cfg, in, LOGP);
        assertEquals(-2.118132830957222, r.loss(), 1e-6);
        assertClose(new double[]{-0.3627186795540282, -0.20927047339015709, -0.06671837256838968, -0.11, 0.0, 0.0, 0.11972684945819517, 0.0,
                -0.0, -0.0, -0.0, -0.0, 0.0, 0.0, 0.0, 0.0, -0.6871923241185032, -0.1611949014443237, -0.18600273564520756, -0.0,
                -0.08935804319196206, -0.07691118053305657, -0.0808545010825607, -0.2076384688872289}, r.grad(), 1e-6, "gtpo grad");
        checkFiniteDifferences(cfg, in);
    }

    // ---------------- configuration and bad inputs

    @Test
    void configKeysBuildTheFourVariants() {
        RlTrainConfig c = RlTrainConfig.defaults().with(List.of("lens_penalty=0.5", "dynamic_clip=true", "clip_ratio_c=5", "smooth_advantages=true"));
        assertEquals(0.5, c.variants().lensPenalty());
        assertTrue(c.variants().smoothAdvantages());
        assertTrue(c.settings().loss().dynamicClip());
        assertEquals(5.0, c.settings().loss().dynamicClipC());
        PolicyLossConfig p = RlTrainConfig.defaults().with(List.of("loss_type=pacs", "pacs_beta=2", "num_generations=4")).settings().loss();
        assertEquals(PolicyLossType.PACS, p.type());
        assertEquals(2.0, p.pacsBeta());
        assertEquals(4, p.groupSize());
        GrpoVariants g = RlTrainConfig.defaults().with(List.of("loss_type=gtpo", "gtpo_entropy_threshold=1.5", "gtpo_entropy_scale=0.2", "gtpo_conflict_weight=3")).variants();
        assertEquals(new GrpoVariants(RewardDithering.NONE, 0.05, Double.NaN, 0, 1.0, false, 10, 0.0, 0.0, 0.0, false, 1.5, 0.2, 3.0), g);
        // the defaults are plain GRPO
        assertEquals(GrpoVariants.NONE, RlTrainConfig.defaults().variants());
        assertTrue(!RlTrainConfig.defaults().settings().loss().dynamicClip());
    }

    static void refused(String key, List<String> keys, boolean settings) {
        ConfigException e = assertThrows(ConfigException.class, () -> {
            RlTrainConfig c = RlTrainConfig.defaults().with(keys);
            if (settings) c.settings();
            else c.variants();
        });
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        refused("lens_penalty", List.of("lens_penalty=-1"), false);
        refused("clip_ratio_c", List.of("dynamic_clip=true", "clip_ratio_c=1"), true);
        refused("smooth_advantages", List.of("smooth_advantages=true", "scale_rewards=batch"), false);
        refused("pacs_beta", List.of("loss_type=pacs", "pacs_beta=0"), true);
        refused("beta", List.of("loss_type=pacs", "beta=0.1"), true);
        refused("pruning_rate", List.of("loss_type=gtpo", "pruning_rate=0.5"), false);
        refused("gtpo_entropy_scale", List.of("loss_type=gtpo", "gtpo_entropy_scale=-0.1"), false);
        refused("loss_type", List.of("loss_type=ppo"), true);
        // library-level checks name the key too
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyLoss.evaluate(pacs(), new PolicyBatch(B, T, OLD, null, MASK, ADV, null), LOGP));
        assertTrue(e.getMessage().contains("rewards"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PolicyBatch(B, T, OLD, null, MASK, ADV, null).withRewards(new float[]{1, 0, 2, 0, 0, 0}));
        assertTrue(e.getMessage().contains("rewards must be in [0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyLossConfig.defaults(PolicyLossType.DAPO).withDynamicClip(0.5));
        assertTrue(e.getMessage().contains("clip_ratio_c"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Lens.apply(new double[]{0}, new double[]{0.5}, 0.5));
        assertTrue(e.getMessage().contains("log-probability"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Gtpo.tokenWeights(TOKENS, MASK, GT_ADV, B, T, 4, 2));
        assertTrue(e.getMessage().contains("num_generations"), e.getMessage());
    }

    // ---------------- in the online trainer

    /** A task no completion solves: GRPO's groups are all negative. */
    static final class AllWrong implements RlTask<String> {
        @Override public String name() { return "all-wrong"; }
        @Override public String problem(long seed, long index) { return index % 2 == 0 ? "a" : "aa"; }
        @Override public String prompt(String problem) { return problem; }
        @Override public double reward(String problem, String completion) { return 0; }
        @Override public String alphabet() { return "ab."; }
        @Override public char stop() { return '.'; }
    }

    /** The gradient norm of one step of GRPO with {@code variants} and {@code loss} on {@code task}. */
    static double firstGradNorm(RlTask<String> task, GrpoVariants variants, PolicyLossConfig loss) {
        dev.descent.nn.Gpt policy = GrpoObjectiveTest.policy();
        GrpoSettings s = GrpoSettings.defaults(2, 6, 4, PolicyLossType.DAPO, 11).withLoss(loss);
        GrpoObjective<String> objective = new GrpoObjective<>(policy, null, task, s, variants);
        objective.prepare(0);
        double l = objective.lossAndGradient();
        assertTrue(Double.isFinite(l), "loss " + l);
        return objective.lastMetrics().gradNorm();
    }

    @Test
    void lensGivesAllWrongGroupsAGradientWhereGrpoHasNone() {
        PolicyLossConfig dapo = PolicyLossConfig.defaults(PolicyLossType.DAPO);
        assertEquals(0.0, firstGradNorm(new AllWrong(), GrpoVariants.NONE, dapo));
        assertTrue(firstGradNorm(new AllWrong(), GrpoVariants.NONE.withLens(0.5), dapo) > 0);
    }

    @Test
    void eachVariantTrainsOnlineWithFiniteLosses() {
        RlTask<String> task = new GrpoObjectiveTest.MoreBs();
        PolicyLossConfig dapo = PolicyLossConfig.defaults(PolicyLossType.DAPO);
        assertTrue(firstGradNorm(task, GrpoVariants.NONE.withSmoothAdvantages(true), dapo.withEpsilon(0.2, 0.28).withDynamicClip(10)) > 0);
        assertTrue(firstGradNorm(task, GrpoVariants.NONE, PolicyLossConfig.defaults(PolicyLossType.PACS)) > 0);
        assertTrue(firstGradNorm(task, GrpoVariants.NONE.withGtpo(5, 0.1, 2), PolicyLossConfig.defaults(PolicyLossType.GTPO)) > 0);
        // PACS and GTPO need whole groups: CPPO's pruning is refused
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> firstGradNorm(task, GrpoVariants.NONE.withPruningRate(0.5), PolicyLossConfig.defaults(PolicyLossType.PACS)));
        assertTrue(e.getMessage().contains("pruning_rate"), e.getMessage());
    }
}
