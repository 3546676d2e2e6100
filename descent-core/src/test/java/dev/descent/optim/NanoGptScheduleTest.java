package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Schedules#nanoGpt}, the training loop's schedule. */
class NanoGptScheduleTest {
    // Golden values from nanoGPT's get_lr, run in CPython:
    //   def get_lr(it, lr=1e-3, mn=1e-4, w=100, d=5000):
    //       if it < w: return lr * (it + 1) / (w + 1)
    //       if it > d: return mn
    //       r = (it - w) / (d - w); c = 0.5 * (1.0 + math.cos(math.pi * r)); return mn + c * (lr - mn)
    static final Schedule S = Schedules.nanoGpt(1e-3, 1e-4, 100, 5000);

    @Test
    void warmup() {
        assertEquals(9.900990099009901e-06, S.at(0), 1e-18);
        assertEquals(0.000504950495049505, S.at(50), 1e-18);
        assertEquals(0.0009900990099009901, S.at(99), 1e-18);
    }

    @Test
    void cosineDecay() {
        assertEquals(0.001, S.at(100), 1e-18);
        assertEquals(0.0009271396472013282, S.at(1000), 1e-17);
        assertEquals(0.00055, S.at(2550), 1e-17);
        assertEquals(0.00010000009248900101, S.at(4999), 1e-17);
        assertEquals(0.0001, S.at(5000), 1e-18);
    }

    @Test
    void afterDecay() {
        assertEquals(0.0001, S.at(5001), 0);
        assertEquals(0.0001, S.at(1_000_000), 0);
    }

    @Test
    void disabledIsConstant() {
        // decay_lr=false: the training loop uses a constant schedule at the peak
        Schedule off = Schedules.constant(6e-4);
        for (long it : new long[] {0, 50, 100, 3000, 10000}) assertEquals(6e-4, off.at(it), 0);
    }

    @Test
    void noWarmup() {
        Schedule s = Schedules.nanoGpt(1e-3, 0, 0, 10);
        assertEquals(1e-3, s.at(0), 1e-18);
        assertEquals(0.5e-3, s.at(5), 1e-15);
        assertEquals(0, s.at(10), 1e-18);
    }
}
