package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The GRPO-family policy loss against golden values computed independently with torch 1.13 in
 * float64 from TRL's formulas ({@code src/test/resources/golden/rl_golden.py}, whose output the
 * numbers below are copied from), by hand on single tokens, and by central differences.
 */
class RlLossTest {
    static final int B = 3, T = 5;
    static final float[] LOGP = {-1.0f, -0.5f, -2.0f, -0.3f, -1.2f, -0.7f, -1.5f, -0.2f, -0.9f, -0.4f, -2.2f, -0.1f, -0.8f, -1.1f, -0.6f};
    static final float[] OLD = {-1.5f, -0.45f, -1.5f, -0.3f, -0.2f, -0.2f, -1.6f, -0.7f, -0.1f, -0.4f, -2.0f, -0.6f, -0.3f, -1.0f, -0.9f};
    static final float[] REF = {-1.1f, -0.6f, -1.8f, -0.5f, -1.0f, -0.9f, -1.2f, -0.4f, -0.8f, -0.3f, -2.0f, -0.3f, -0.5f, -1.4f, -0.7f};
    static final float[] MASK = {1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
    static final float[] ADV = {0.8f, -1.3f, 0.5f};
    static final float[] POLICY_MASK = {1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1};

    static PolicyBatch batch(float[] policyMask) {
        return new PolicyBatch(B, T, OLD, REF, MASK, ADV, policyMask);
    }

    /** The golden script's inputs are float64 of the decimal literals; ours are their float32 roundings. */
    static final double TOL = 2e-7;

    static void check(PolicyLossConfig cfg, float[] pmask, double loss, double[][] grad) {
        PolicyLoss.Result r = PolicyLoss.evaluate(cfg, batch(pmask), LOGP);
        assertEquals(loss, r.loss(), TOL, cfg.type() + " loss");
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) assertEquals(grad[b][t], r.grad()[b * T + t], TOL, cfg.type() + " grad " + b + "," + t);
        }
        // TRL's logged fractions on this batch: 1 low-clipped and 3 high-clipped tokens of 12
        assertEquals(1.0 / 12, r.clip().low(), 1e-15);
        assertEquals(0.25, r.clip().high(), 1e-15);
        assertEquals(1.0 / 3, r.clip().region(), 1e-15);
        assertEquals(0.022731384881155853, r.kl(), TOL);
    }

    static PolicyLossConfig cfg(PolicyLossType type) {
        return PolicyLossConfig.defaults(type).withEpsilon(0.2, 0.28).withBeta(0.04).withMaxCompletionLength(6);
    }

    @Test
    void grpoNormalisesEachSequenceByItsLength() {
        check(cfg(PolicyLossType.GRPO), null, 0.09540186217576367, new double[][]{
                {0.00031720860654680175, -0.06309808636016746, -0.041173386508042795, -0.06606243584359327, 0.0},
                {0.0008056410974311918, 0.15808087124392242, 0.23895426908744966, 0.0, 0.0},
                {-0.027881432457693176, 0.00048338465845871497, -0.021150645477290456, -0.029470095856349895, 0.00025376688523744096}});
    }

    static final double[][] BNPO_GRAD = {
            {0.00031720860654680175, -0.06309808636016746, -0.041173386508042795, -0.06606243584359327, 0.0},
            {0.000604230823073394, 0.11856065343294182, 0.17921570181558727, 0.0, 0.0},
            {-0.034851790572116466, 0.0006042308230733936, -0.026438306846613066, -0.03683761982043737, 0.0003172086065468013}};

    @Test
    void bnpoAndDapoDivideByTheTokensOfTheBatch() {
        check(cfg(PolicyLossType.BNPO), null, -0.07369054771937521, BNPO_GRAD);
        check(cfg(PolicyLossType.DAPO), null, -0.07369054771937521, BNPO_GRAD);
    }

    @Test
    void drGrpoDividesByBatchTimesMaxCompletionLength() {
        check(cfg(PolicyLossType.DR_GRPO), null, -0.049127031812916805, new double[][]{
                {0.00021147240436453435, -0.04206539090677831, -0.0274489243386952, -0.04404162389572885, 0.0},
                {0.0004028205487155959, 0.07904043562196121, 0.11947713454372483, 0.0, 0.0},
                {-0.023234527048077647, 0.00040282054871559566, -0.017625537897742048, -0.024558413213624914, 0.00021147240436453435}});
    }

    @Test
    void withoutKlAndSymmetricClip() {
        PolicyLossConfig base = PolicyLossConfig.defaults(PolicyLossType.GRPO);
        check(base, null, 0.10515268284805868, new double[][]{
                {0.0, -0.06341529496671426, -0.04043537731417556, -0.06666666666666667, 0.0},
                {0.0, 0.15963579927759355, 0.23814862799001846, 0.0, 0.0},
                {-0.02729102510259939, 0.0, -0.02021768865708778, -0.030161247267865315, 0.0}});
        check(PolicyLossConfig.defaults(PolicyLossType.BNPO), null, -0.06259980311462139, new double[][]{
                {0.0, -0.06341529496671426, -0.04043537731417556, -0.06666666666666667, 0.0},
                {0.0, 0.11972684945819517, 0.17861147099251387, 0.0, 0.0},
                {-0.03411378137824923, 0.0, -0.025272110821359724, -0.037701559084831644, 0.0}});
        // max_completion_length defaults to T = 5
        check(PolicyLossConfig.defaults(PolicyLossType.DR_GRPO), null, -0.050079842491697106, new double[][]{
                {0.0, -0.05073223597337142, -0.03234830185134045, -0.05333333333333334, 0.0},
                {0.0, 0.09578147956655614, 0.14288917679401109, 0.0, 0.0},
                {-0.02729102510259939, 0.0, -0.02021768865708778, -0.030161247267865315, 0.0}});
        // DAPO over a global batch of 30 tokens of which this micro-batch holds 12
        check(PolicyLossConfig.defaults(PolicyLossType.DAPO).withGlobalTokens(30), null, -0.025039921245848553, new double[][]{
                {0.0, -0.02536611798668571, -0.016174150925670226, -0.02666666666666667, 0.0},
                {0.0, 0.04789073978327807, 0.07144458839700554, 0.0, 0.0},
                {-0.013645512551299695, 0.0, -0.01010884432854389, -0.015080623633932658, 0.0}});
    }

    @Test
    void policyMaskDropsThePolicyTermButKeepsTheKl() {
        check(cfg(PolicyLossType.BNPO), POLICY_MASK, -0.1547729423669256, new double[][]{
                {0.00031720860654680175, 0.0003172086065468013, -0.041173386508042795, -0.06606243584359327, 0.0},
                {0.000604230823073394, 0.11856065343294182, 0.000604230823073394, 0.0, 0.0},
                {-0.0007380091938672334, 0.0006042308230733936, -0.026438306846613066, -0.03683761982043737, 0.0003172086065468013}});
    }

    /** One token at a time, by hand: inside the clip range, above it, below it, and the k3 term. */
    @Test
    void singleTokensByHand() {
        PolicyLossConfig c = PolicyLossConfig.defaults(PolicyLossType.BNPO).withEpsilon(0.2, 0.28);
        // r = 1, A = 2: L = −r A = −2, dL/dlp = −A r = −2
        PolicyLoss.Result in = PolicyLoss.evaluate(c, one(0f, 2f, null), new float[]{0f});
        assertEquals(-2, in.loss(), 1e-12);
        assertEquals(-2, in.grad()[0], 1e-12);
        // r = 1.5 > 1.28, A = 1: L = −min(1.5, 1.28) = −1.28, no gradient, high-clipped
        PolicyLoss.Result hi = PolicyLoss.evaluate(c, one(0f, 1f, null), new float[]{(float) Math.log(1.5)});
        assertEquals(-1.28, hi.loss(), 1e-7);
        assertEquals(0, hi.grad()[0]);
        assertEquals(1, hi.clip().high());
        // r = 1.5, A = −1: the unclipped −1.5 is the min, L = 1.5, gradient −A r = 1.5
        PolicyLoss.Result hiNeg = PolicyLoss.evaluate(c, one(0f, -1f, null), new float[]{(float) Math.log(1.5)});
        assertEquals(1.5, hiNeg.loss(), 1e-7);
        assertEquals(1.5, hiNeg.grad()[0], 1e-7);
        assertEquals(0, hiNeg.clip().region());
        // r = 0.5 < 0.8, A = −1: L = −min(−0.5, −0.8) = 0.8, no gradient, low-clipped
        PolicyLoss.Result lo = PolicyLoss.evaluate(c, one(0f, -1f, null), new float[]{(float) Math.log(0.5)});
        assertEquals(0.8, lo.loss(), 1e-7);
        assertEquals(0, lo.grad()[0]);
        assertEquals(1, lo.clip().low());
        // r = 1, A = 0, β = 0.5, ref − lp = ln 2: k3 = 2 − ln 2 − 1, dk3/dlp = 1 − 2 = −1
        PolicyLoss.Result kl = PolicyLoss.evaluate(c.withBeta(0.5), one(0f, 0f, (float) Math.log(2)), new float[]{0f});
        assertEquals(0.5 * (1 - Math.log(2)), kl.loss(), 1e-7);
        assertEquals(-0.5, kl.grad()[0], 1e-7);
        assertEquals(1 - Math.log(2), kl.kl(), 1e-7);
    }

    static PolicyBatch one(float old, float adv, Float ref) {
        return new PolicyBatch(1, 1, new float[]{old}, ref == null ? null : new float[]{ref}, new float[]{1}, new float[]{adv}, null);
    }

    /** Central differences of the loss in the log-probabilities (no ratio on a clip bound here). */
    @Test
    void gradientMatchesCentralDifferences() {
        for (PolicyLossType type : PolicyLossType.values()) {
            if (!type.clipped()) continue; // PACS and GTPO: GrpoFamilyTest
            for (float[] pm : new float[][]{null, POLICY_MASK}) {
                PolicyLossConfig c = cfg(type);
                PolicyBatch in = batch(pm);
                double[] g = PolicyLoss.evaluate(c, in, LOGP).grad();
                for (int i = 0; i < LOGP.length; i++) {
                    double h = 1e-3;
                    float[] plus = LOGP.clone();
                    float[] minus = LOGP.clone();
                    plus[i] += (float) h;
                    minus[i] -= (float) h;
                    double hp = plus[i] - LOGP[i], hm = LOGP[i] - minus[i];
                    double fd = (PolicyLoss.evaluate(c, in, plus).loss() - PolicyLoss.evaluate(c, in, minus).loss()) / (hp + hm);
                    assertEquals(fd, g[i], 2e-6, type + " token " + i);
                }
            }
        }
    }

    @Test
    void autogradOpBackPropagatesTheGradient() {
        Variable lp = new Variable(Tensor.of(LOGP.clone(), B, T), true);
        Variable loss = PolicyLoss.apply(cfg(PolicyLossType.GRPO), batch(null), lp);
        assertEquals((float) 0.09540186217576367, loss.item(), 1e-7);
        loss.backward();
        double[] g = PolicyLoss.evaluate(cfg(PolicyLossType.GRPO), batch(null), LOGP).grad();
        float[] expected = new float[g.length];
        for (int i = 0; i < g.length; i++) expected[i] = (float) g[i];
        assertArrayEquals(expected, lp.grad().data(), 0f);
    }

    @Test
    void emptyMaskGivesZeroAndBadInputIsRefused() {
        float[] zeros = new float[B * T];
        PolicyBatch empty = new PolicyBatch(B, T, OLD, REF, zeros, ADV, null);
        for (PolicyLossType type : PolicyLossType.values()) if (type.clipped()) assertEquals(0, PolicyLoss.evaluate(cfg(type), empty, LOGP).loss());
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyLossType.byName("ppo"));
        assertTrue(e.getMessage().contains("grpo, bnpo, dr_grpo, dapo"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PolicyBatch(B, T, OLD, REF, new float[]{1}, ADV, null));
        float[] half = MASK.clone();
        half[0] = 0.5f;
        assertThrows(IllegalArgumentException.class, () -> new PolicyBatch(B, T, OLD, REF, half, ADV, null));
        assertThrows(IllegalArgumentException.class, () -> PolicyLoss.evaluate(cfg(PolicyLossType.GRPO), new PolicyBatch(B, T, OLD, null, MASK, ADV, null), LOGP));
        assertThrows(IllegalArgumentException.class, () -> PolicyLossConfig.defaults(PolicyLossType.GRPO).withEpsilon(-0.1, 0.2));
    }
}
