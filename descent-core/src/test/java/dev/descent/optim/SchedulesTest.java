package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedules against their closed forms (optax's definitions), evaluated by hand in the comments. */
class SchedulesTest {
    private static final double TOL = 1e-12;

    @Test
    void linearAndCosine() {
        Schedule lin = Schedules.linear(1.0, 0.0, 10);
        assertEquals(1.0, lin.at(0), TOL);
        assertEquals(0.7, lin.at(3), TOL);
        assertEquals(0.0, lin.at(10), TOL);
        assertEquals(0.0, lin.at(50), TOL);
        // cosine from 2 to 2·0.1 over 10: at 5, 2·(0.9·½(1 + cos(π/2)) + 0.1) = 2·0.55 = 1.1
        Schedule cos = Schedules.cosineDecay(2.0, 10, 0.1);
        assertEquals(2.0, cos.at(0), TOL);
        assertEquals(1.1, cos.at(5), TOL);
        assertEquals(0.2, cos.at(10), TOL);
        assertEquals(0.2, cos.at(11), TOL);
    }

    @Test
    void warmupCosine() {
        // 0 → 1 over 4 steps, then cosine to 0.1 at step 14 (10 steps of decay)
        Schedule s = Schedules.warmupCosine(0.0, 1.0, 4, 14, 0.1);
        assertEquals(0.0, s.at(0), TOL);
        assertEquals(0.5, s.at(2), TOL);
        assertEquals(1.0, s.at(4), TOL);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.5)), s.at(9), TOL);
        assertEquals(0.1, s.at(14), 1e-12);
        assertEquals(0.1, s.at(100), 1e-12);
    }

    @Test
    void warmupStableDecay() {
        // peak 1, warm-up 3 (nanoGPT's (t+1)/(w+1) ramp), stable until 10 − 4 = 6, linear to 0 at 10
        Schedule s = Schedules.wsd(1.0, 3, 10, 4, 0.0);
        assertEquals(0.25, s.at(0), TOL);
        assertEquals(0.75, s.at(2), TOL);
        assertEquals(1.0, s.at(3), TOL);
        assertEquals(1.0, s.at(5), TOL);
        assertEquals(0.5, s.at(8), TOL);
        assertEquals(0.0, s.at(10), TOL);
        assertThrows(IllegalArgumentException.class, () -> Schedules.wsd(1, 8, 10, 4, 0));
    }

    @Test
    void exponentialPiecewiseAndJoin() {
        Schedule e = Schedules.exponential(1.0, 2, 0.5, false, 0.0);
        assertEquals(Math.pow(0.5, 1.5), e.at(3), TOL);
        Schedule stair = Schedules.exponential(1.0, 2, 0.5, true, 0.3);
        assertEquals(0.5, stair.at(3), TOL);
        assertEquals(0.3, stair.at(100), TOL);
        Schedule pw = Schedules.piecewiseConstant(1.0, new long[] {5, 8}, new double[] {0.1, 0.5});
        assertEquals(1.0, pw.at(4), TOL);
        assertEquals(0.1, pw.at(5), TOL);
        assertEquals(0.05, pw.at(9), TOL);
        Schedule j = Schedules.join(new Schedule[] {Schedules.constant(3), Schedules.linear(1, 0, 4)}, new long[] {10});
        assertEquals(3.0, j.at(9), TOL);
        assertEquals(1.0, j.at(10), TOL);
        assertEquals(0.5, j.at(12), TOL);
    }

    @Test
    void oneCycle() {
        // peak 1, 10 steps, 30% up: starts at 1/25, peaks at step 3, ends at 1/(25·1e4)
        Schedule s = Schedules.oneCycle(10, 1.0, 0.3, 25, 1e4);
        assertEquals(0.04, s.at(0), TOL);
        assertEquals(1.0, s.at(3), TOL);
        assertEquals(4e-6, s.at(10), 1e-15);
        // step 6: 3 of 7 decay steps, 4e-6 + (1 − 4e-6)·½(1 + cos(3π/7))
        assertEquals(4e-6 + (1 - 4e-6) * 0.5 * (1 + Math.cos(Math.PI * 3 / 7)), s.at(6), TOL);
    }
}
