package dev.descent.optim.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.problems.Problems;
import org.junit.jupiter.api.Test;

/** The DeepZero-family suite cases converge when run with the ZO context set (what the battery does). */
class DeepZeroCasesConvergenceTest {
    @Test
    void casesConverge() {
        for (var e : DeepZeroCases.cases().entrySet()) {
            SuiteCase c = e.getValue();
            double q = DeepZeroCases.run(e.getKey(), Problems.byName("quadratic"), c.quadratic(), c.quadraticSteps());
            double r = DeepZeroCases.run(e.getKey(), Problems.byName("rosenbrock"), c.rosenbrock(), c.rosenbrockSteps());
            System.out.printf("[deepzero-cases] %s quadratic %.3g rosenbrock %.3g%n", e.getKey(), q, r);
            assertTrue(q <= c.quadraticTol(), e.getKey() + " quadratic " + q);
            assertTrue(r <= c.rosenbrockTol(), e.getKey() + " rosenbrock " + r);
        }
    }
}
