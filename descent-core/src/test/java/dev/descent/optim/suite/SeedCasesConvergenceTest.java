package dev.descent.optim.suite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.Problems;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the seed family's suite cases (until the shared battery does): convergence and refused settings. */
class SeedCasesConvergenceTest {
    static double run(String name, String problem, Map<String, String> hyper, int steps) {
        Problem p = Problems.byName(problem);
        float[] x = p.start();
        float[] g = new float[x.length];
        Optimizer o = OptimizerRegistry.defaults().create(name, ParamSet.of(x, p.names(), p.shapes()), g, new HyperParams(hyper));
        for (int t = 0; t < steps; t++) {
            p.lossAndGradient(x, g);
            o.step();
        }
        return p.loss(x);
    }

    @Test
    void seedCasesConverge() {
        StringBuilder report = new StringBuilder();
        boolean ok = true;
        for (var e : SeedCases.cases().entrySet()) {
            SuiteCase c = e.getValue();
            double q = run(e.getKey(), "quadratic", c.quadratic(), c.quadraticSteps());
            double r = run(e.getKey(), "rosenbrock", c.rosenbrock(), c.rosenbrockSteps());
            report.append(String.format("%-18s quadratic %.3e (tol %.0e)  rosenbrock %.3e (tol %.0e)%n", e.getKey(), q, c.quadraticTol(), r, c.rosenbrockTol()));
            ok &= q <= c.quadraticTol() && r <= c.rosenbrockTol();
        }
        System.out.print(report);
        assertTrue(ok, report.toString());
    }

    @Test
    void seedCasesRefuseInvalidSettings() {
        for (var e : SeedCases.cases().entrySet()) {
            for (String bad : e.getValue().invalid()) {
                String key = bad.substring(0, bad.indexOf('='));
                var ex = assertThrows(IllegalArgumentException.class,
                        () -> OptimizerRegistry.defaults().create(e.getKey(), ParamSet.of(new float[2], List.of("x"), List.of(new int[] {2})),
                                new float[2], HyperParams.parse(List.of(bad))), e.getKey() + " " + bad);
                assertTrue(ex.getMessage().startsWith(key + " "), e.getKey() + " " + bad + ": " + ex.getMessage());
            }
        }
    }
}
