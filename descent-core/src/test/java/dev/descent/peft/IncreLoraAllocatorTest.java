package dev.descent.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncreLoraAllocatorTest {
    private static final List<String> MODULES = List.of("m0", "m1", "m2");

    private static Map<String, Integer> maxRanks() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("m0", 4);
        m.put("m1", 6);
        m.put("m2", 6);
        return m;
    }

    /** The schedule of bench/golden/increlora.py: initial rank 1, budget 8, warm-up 2, interval 3, top_h 2, 2 per add. */
    private static IncreLoraAllocator scheduled() {
        return new IncreLoraAllocator(new IncreLoraAllocator.Settings(1, 8, 2, 3, 2, 2, 0.85, 0.85), maxRanks());
    }

    /** The golden importances I_m(t) = |sin(0.7 t + m)|·(m + 1). */
    private static double importance(int m, long t) { return Math.abs(Math.sin(0.7 * t + m)) * (m + 1); }

    /** One step of the trainer's order: observe every module while growing, then allocate. */
    private static Map<String, Integer> step(IncreLoraAllocator a, long t) {
        if (a.growing()) for (int m = 0; m < MODULES.size(); m++) a.observe(MODULES.get(m), importance(m, t));
        return a.allocate(t);
    }

    private static double[] fill(int k, int n, double scale) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.sin(0.37 * i * k + 0.1 * k) * scale;
        return out;
    }

    /**
     * A 5→4 module in IncreLoRA's form ΔW = s·B diag(E) A / r (r = 3, s = 2) under L = Σ c ⊙ (x W0ᵀ + x ΔWᵀ),
     * so G = ∂L/∂ΔW = cᵀ x; golden I = Σ|ΔW ⊙ G|/√20 from bench/golden/increlora.py (numpy).
     */
    @Test
    void importanceMatchesNumpy() {
        int in = 5, out = 4, r = 3, n = 3;
        double s = 2.0;
        double[] a = fill(4, r * in, 0.4), b = fill(5, out * r, 0.3), e = fill(6, r, 0.5), x = fill(2, n * in, 1.0), c = fill(3, n * out, 1.0);
        double[] delta = new double[out * in];
        double[] grad = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < in; j++) {
                double d = 0;
                for (int k = 0; k < r; k++) d += b[o * r + k] * e[k] * a[k * in + j];
                delta[o * in + j] = s * d / r;
                double g = 0;
                for (int i = 0; i < n; i++) g += c[i * out + o] * x[i * in + j];
                grad[o * in + j] = g;
            }
        }
        assertEquals(0.058549956726075034, IncreLoraAllocator.importance(delta, grad), 1e-15);
    }

    /** The averages, scores and ranks of the golden schedule, step by step. */
    @Test
    void scheduleMatchesNumpy() {
        IncreLoraAllocator a = scheduled();
        List<Map<String, Integer>> added = new ArrayList<>();
        for (long t = 0; t < 8; t++) {
            Map<String, Integer> got = step(a, t);
            if (!got.isEmpty()) added.add(got);
            if (t == 3) {
                assertEquals(List.of(1, 3, 3), ranks(a));
                assertEquals(0.47806688910299555, a.score("m2"), 1e-14);
                assertEquals(0.25119924232995267, a.score("m1"), 1e-14);
            }
        }
        assertEquals(List.of(Map.of("m1", 2, "m2", 2), Map.of("m2", 1)), added, "step 3: the two best get 2 each; step 6: the budget's last one");
        assertEquals(List.of(1, 3, 4), ranks(a));
        double[] sens = {0.41132139526188927, 0.9875764881302642, 1.1569580550271255};
        double[] unc = {0.21778586019966778, 0.5975334412935811, 0.7774084194687679};
        for (int m = 0; m < 3; m++) {
            Map<String, Double> st = a.state();
            assertEquals(sens[m], st.get("increlora.m" + m + ".sensitivity"), 1e-14);
            assertEquals(unc[m], st.get("increlora.m" + m + ".uncertainty"), 1e-14);
        }
        assertFalse(a.growing(), "the budget is reached: importances are no longer tracked");
    }

    private static List<Integer> ranks(IncreLoraAllocator a) {
        List<Integer> out = new ArrayList<>();
        for (String m : MODULES) out.add(a.rank(m));
        return out;
    }

    /** Over many random schedules: the total never exceeds the budget, ranks only grow, and only on schedule. */
    @Test
    void totalRankStaysWithinBudgetAndGrowsOnSchedule() {
        java.util.Random rnd = new java.util.Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int budget = 3 + rnd.nextInt(20);
            int warm = rnd.nextInt(5);
            int interval = 1 + rnd.nextInt(4);
            IncreLoraAllocator a = new IncreLoraAllocator(
                    new IncreLoraAllocator.Settings(1, budget, warm, interval, 1 + rnd.nextInt(3), 1 + rnd.nextInt(4), 0.85, 0.85), maxRanks());
            int before = a.totalRank();
            for (long t = 0; t < 60; t++) {
                for (String m : MODULES) if (a.growing()) a.observe(m, rnd.nextDouble());
                boolean scheduled = t > warm && t % interval == 0 && before < budget;
                Map<String, Integer> added = a.allocate(t);
                int sum = added.values().stream().mapToInt(Integer::intValue).sum();
                assertEquals(before + sum, a.totalRank());
                assertTrue(a.totalRank() <= budget, "total " + a.totalRank() + " > budget " + budget);
                if (!scheduled) assertTrue(added.isEmpty(), "no allocation off the schedule (t = " + t + ")");
                else assertTrue(sum > 0 || before == 4 + 6 + 6, "an allocation step adds ranks while room is left");
                for (String m : MODULES) assertTrue(a.rank(m) <= maxRanks().get(m));
                before = a.totalRank();
            }
            assertEquals(Math.min(budget, 16), a.totalRank(), "60 steps reach the budget (or every module's maximum)");
        }
    }

    /** The state is doubles: an allocator restored mid-schedule continues exactly as the uninterrupted one. */
    @Test
    void resumeIsExact() {
        IncreLoraAllocator whole = scheduled();
        IncreLoraAllocator first = scheduled();
        for (long t = 0; t < 5; t++) {
            step(whole, t);
            step(first, t);
        }
        IncreLoraAllocator resumed = scheduled();
        resumed.loadState(first.state());
        for (long t = 5; t < 8; t++) assertEquals(step(whole, t), step(resumed, t));
        assertEquals(whole.state(), resumed.state());
    }

    @Test
    void refusesBadSettings() {
        PeftException e = assertThrows(PeftException.class,
                () -> new IncreLoraAllocator(new IncreLoraAllocator.Settings(2, 5, 0, 1, 1, 1, 0.85, 0.85), maxRanks()));
        assertEquals("'peft.increlora_target_rank' gives a total rank budget of 5, smaller than the initial total rank 6 (r = 2 × 3 modules); allowed: a budget ≥ 6",
                e.getMessage());
        e = assertThrows(PeftException.class, () -> new IncreLoraAllocator.Settings(1, 8, 0, 1, 1, 1, 1.0, 0.85));
        assertTrue(e.getMessage().startsWith("'peft.increlora_beta1' = 1.0"), e.getMessage());
        e = assertThrows(PeftException.class, () -> new IncreLoraAllocator.Settings(1, 8, 0, 0, 1, 1, 0.5, 0.85));
        assertTrue(e.getMessage().startsWith("'peft.increlora_interval' = 0"), e.getMessage());
        Map<String, Double> bad = scheduled().state();
        bad.put("increlora.m0.rank", 5.0);
        assertThrows(PeftException.class, () -> scheduled().loadState(bad));
    }
}
