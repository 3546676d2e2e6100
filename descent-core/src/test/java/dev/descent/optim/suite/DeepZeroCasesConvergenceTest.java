package dev.descent.optim.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.problems.Problems;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DeepZero-family suite cases converge when run with the ZO context set (what the battery does). */
class DeepZeroCasesConvergenceTest {
    @Test
    void casesConverge() {
        for (var e : DeepZeroCases.cases().entrySet()) {
            SuiteCase c = e.getValue();
            double q = finalLoss(e.getKey(), "quadratic", c.quadratic(), c.quadraticSteps());
            double r = finalLoss(e.getKey(), "rosenbrock", c.rosenbrock(), c.rosenbrockSteps());
            System.out.printf("[deepzero-cases] %s quadratic %.3g rosenbrock %.3g%n", e.getKey(), q, r);
            assertTrue(q <= c.quadraticTol(), e.getKey() + " quadratic " + q);
            assertTrue(r <= c.rosenbrockTol(), e.getKey() + " rosenbrock " + r);
        }
    }

    /** The loss after {@code steps} steps of the battery's own run (ZO context set, gradient skipped when not needed). */
    private static double finalLoss(String name, String problem, Map<String, String> hyper, int steps) {
        OptimizerSuiteTest.Run run = new OptimizerSuiteTest.Run(name, Problems.byName(problem), hyper);
        run.steps(steps);
        return run.problem.loss(run.values);
    }
}
