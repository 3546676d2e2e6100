package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Advantages, token masks, GAE and the value loss against the torch re-implementations of TRL and
 * verl in {@code src/test/resources/golden/rl_golden.py} (values copied from its output), and GAE
 * against a direct computation.
 */
class RlAdvantagesTest {
    static final double[] REWARDS = {1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5, 2, 0, 1, 0};

    static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals((float) expected[i], actual[i], 1e-6, "index " + i);
    }

    static void assertClose(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, "index " + i);
    }

    @Test
    void groupBatchAndNoScalingAsTrl() {
        GroupAdvantages.Result g = GroupAdvantages.of(REWARDS, 4, RewardScaling.GROUP);
        assertClose(new double[]{0.8658754297607016, -0.8658754297607016, -0.8658754297607016, 0.8658754297607016, 0, 0, 0, 0,
                1.3054460702726, -0.78326764216356, 0.26108921405452, -0.78326764216356}, g.advantages());
        assertEquals(1.0 / 3, g.fracZeroStd(), 1e-15);
        assertClose(new double[]{0.8377901795939037, -0.8377901795939037, -0.8377901795939037, 0.8377901795939037, 0, 0, 0, 0,
                2.0944754489847592, -1.2566852693908555, 0.41889508979695184, -1.2566852693908555},
                GroupAdvantages.of(REWARDS, 4, RewardScaling.BATCH).advantages());
        GroupAdvantages.Result none = GroupAdvantages.of(REWARDS, 4, RewardScaling.NONE);
        assertClose(new double[]{0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 1.25, -0.75, 0.25, -0.75}, none.advantages());
        assertEquals(1.0 / 3, none.fracZeroStd(), 1e-15);
        // std is Bessel-corrected: group {1, 0, 0, 1} has sample variance 1/3
        assertEquals(Math.sqrt(1.0 / 3), g.std()[0], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.of(REWARDS, 5, RewardScaling.GROUP));
        assertThrows(IllegalArgumentException.class, () -> RewardScaling.byName("token"));
    }

    static final float[] MASK = {1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
    static final float[] ENTROPIES = {0.3f, 1.2f, 0.05f, 2.0f, 9.0f, 0.7f, 0.7f, 1.5f, 9.0f, 9.0f, 0.1f, 0.9f, 2.5f, 0.4f, 1.1f};

    @Test
    void highEntropyMaskKeepsTheTopQuantileAsTrl() {
        assertArrayEquals(new float[]{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0}, TokenMasks.highEntropy(ENTROPIES, MASK, 0.2));
        assertArrayEquals(new float[]{0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1}, TokenMasks.highEntropy(ENTROPIES, MASK, 0.5));
        assertArrayEquals(MASK, TokenMasks.highEntropy(ENTROPIES, MASK, 1.0));
        // the 0.8-quantile of the 12 unmasked entropies (sorted below): position 0.8 · 11 = 8.8,
        // 1.2 + 0.8 · (1.5 − 1.2) = 1.44 (torch.quantile: 1.4400000000000002)
        float[] sorted = {0.05f, 0.1f, 0.3f, 0.4f, 0.7f, 0.7f, 0.9f, 1.1f, 1.2f, 1.5f, 2.0f, 2.5f};
        assertEquals(1.44, TokenMasks.quantile(sorted, 0.8), 1e-6);
        assertArrayEquals(new float[15], TokenMasks.highEntropy(ENTROPIES, new float[15], 0.2));
    }

    @Test
    void truncatedCompletionsAreMaskedOut() {
        float[] m = TokenMasks.maskTruncated(MASK, new boolean[]{false, true, false}, 5);
        assertArrayEquals(new float[]{1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, m);
    }

    @Test
    void entropyOfUniformAndPeakedRows() {
        float[] h = TokenMasks.entropies(new float[]{0, 0, 0, 0, 100, 0, 0, 0}, 2, 4);
        assertEquals(Math.log(4), h[0], 1e-6);
        assertEquals(0, h[1], 1e-6);
    }

    static final double[] TOKEN_REWARDS = {0, 0, 0, 1, 0, 0, 0, -0.5, 0, 0, 0.1, 0, 0, 0, 2};
    static final double[] VALUES = {0.2, 0.4, 0.1, 0.6, 0.3, 0.5, -0.2, 0.3, 0.9, 0, 0, 0.7, 0.2, 0.4, 1.1};

    @Test
    void gaeAsVerl() {
        Gae.Result one = Gae.compute(TOKEN_REWARDS, VALUES, MASK, 3, 5, 1, 1);
        assertClose(new double[]{0.8, 0.6, 0.9, 0.4, 0, -1, -0.3, -0.8, 0, 0, 2.1, 1.3, 1.8, 1.6, 0.9}, one.advantages(), 1e-12);
        assertClose(new double[]{1, 1, 1, 1, 0.3, -0.5, -0.5, -0.5, 0.9, 0, 2.1, 2, 2, 2, 2}, one.returns(), 1e-12);
        assertClose(new double[]{0.1100001302417811, -0.09307703220103251, 0.21153871146318787, -0.296154194643846, -0.7023085195294732,
                -1.7176943317435407, -1.0069242631936934, -1.5146171693007275, -0.7023085195294732, -0.7023085195294732,
                1.4300016861200693, 0.617693036348815, 1.1253859424558488, 0.9223087800130354, 0.21153871146318776},
                Gae.whiten(one.advantages(), MASK), 1e-12);
        Gae.Result r = Gae.compute(TOKEN_REWARDS, VALUES, MASK, 3, 5, 0.9, 0.8);
        assertClose(new double[]{0.3141952000000002, 0.21416000000000018, 0.7280000000000001, 0.4, 0, -0.7563200000000001, -0.10600000000000004,
                -0.8, 0, 0, 0.9006250240000002, 0.2369792000000004, 1.0513600000000003, 1.238, 0.8999999999999999}, r.advantages(), 1e-12);
        assertClose(new double[]{0.5141952000000002, 0.6141600000000003, 0.8280000000000001, 1, 0.3, -0.2563200000000001, -0.30600000000000005,
                -0.5, 0.9, 0, 0.9006250240000002, 0.9369792000000003, 1.2513600000000002, 1.638, 2}, r.returns(), 1e-12);
    }

    /** On an unmasked row GAE is Σ_l (γλ)^l δ_{t+l}, δ_t = r_t + γ V_{t+1} − V_t (V_T = 0), computed directly. */
    @Test
    void gaeEqualsTheDirectSumOfDiscountedTdErrors() {
        int t = 6;
        double[] rew = {0.3, -0.1, 0.0, 0.7, 0.2, 1.0};
        double[] val = {0.5, 0.1, -0.4, 0.8, 0.6, 0.2};
        float[] mask = {1, 1, 1, 1, 1, 1};
        double gamma = 0.95, lambda = 0.7;
        Gae.Result r = Gae.compute(rew, val, mask, 1, t, gamma, lambda);
        for (int s = 0; s < t; s++) {
            double a = 0;
            for (int l = 0; s + l < t; l++) {
                int k = s + l;
                double delta = rew[k] + gamma * (k + 1 < t ? val[k + 1] : 0) - val[k];
                a += Math.pow(gamma * lambda, l) * delta;
            }
            assertEquals(a, r.advantages()[s], 1e-12);
            assertEquals(a + val[s], r.returns()[s], 1e-12);
        }
        // γ = λ = 1 (Open-Reasoner-Zero): the advantage is the reward-to-go minus the value
        Gae.Result orz = Gae.compute(rew, val, mask, 1, t, 1, 1);
        for (int s = 0; s < t; s++) {
            double togo = 0;
            for (int k = s; k < t; k++) togo += rew[k];
            assertEquals(togo - val[s], orz.advantages()[s], 1e-12);
        }
    }

    @Test
    void clippedValueLossAsVerl() {
        double[] vp = {0.5, 0.1, 0.9, 0.2, 0, 0.35, 0.4, -0.6, 0, 0, 0.15, 0.45, 0.6, 0.1, 1.6};
        double[] ret = {1, 1, 1, 1, 0, -0.5, -0.5, -0.5, 0, 0, 2.1, 2, 2, 2, 2};
        ValueLoss.Result r = ValueLoss.evaluate(vp, VALUES, ret, MASK, 0.2);
        // no prediction sits exactly on a clip bound, where PyTorch's max/clamp split the gradient of a tie
        assertEquals(0.7107291666666667, r.loss(), 1e-12);
        assertEquals(0.41666666631944443, r.clipFraction(), 1e-12);
        assertClose(new double[]{0, -0.075, 0, -0.06666666666666667, 0, 0.07083333333333333, 0.075, 0, 0, 0, -0.1625, -0.12916666666666665, 0, -0.15833333333333333, 0},
                r.grad(), 1e-12);
        // central differences
        for (int i = 0; i < vp.length; i++) {
            double[] p = vp.clone(), m = vp.clone();
            p[i] += 1e-6;
            m[i] -= 1e-6;
            double fd = (ValueLoss.evaluate(p, VALUES, ret, MASK, 0.2).loss() - ValueLoss.evaluate(m, VALUES, ret, MASK, 0.2).loss()) / 2e-6;
            assertEquals(fd, r.grad()[i], 1e-7, "index " + i);
        }
    }
}
