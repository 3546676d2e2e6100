package dev.descent.bench.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.problems.MatrixFit;
import dev.descent.optim.problems.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToyProblemTest {
    @Test
    void theCanonicalProblemsAreRegisteredWithTheirLossTargets() {
        assertTrue(BenchProblems.names().containsAll(List.of("quadratic", "rosenbrock", "matrix-fit")));
        // f* + 1e-3 (f(x0) - f*): quadratic f(x0) = 1/2 * (1 + ... + 10) = 27.5.
        assertEquals(0.0275, BenchProblems.byName("quadratic").lossTarget(), 1e-15);
        var r = Problems.byName("rosenbrock");
        assertEquals(1e-3 * r.loss(r.start()), BenchProblems.byName("rosenbrock").lossTarget(), 1e-15);
        MatrixFit m = new MatrixFit();
        assertEquals(m.minimumLoss() + 1e-3 * (m.loss(m.start()) - m.minimumLoss()), BenchProblems.byName("matrix-fit").lossTarget(), 1e-12);
        for (String n : List.of("quadratic", "rosenbrock", "matrix-fit")) {
            BenchProblem p = BenchProblems.byName(n);
            assertEquals(n, p.name());
            assertEquals("loss", p.metric());
            assertFalse(p.higherIsBetter());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchProblems.byName("rosenbrok"));
        assertEquals("unknown problem 'rosenbrok'; valid: " + String.join(", ", BenchProblems.names()), e.getMessage());
    }

    @Test
    void anInstanceIsTheProblemOnItsOwnBuffer() {
        MatrixFit m = new MatrixFit();
        try (ProblemInstance a = BenchProblems.byName("matrix-fit").instantiate(0);
             ProblemInstance b = BenchProblems.byName("matrix-fit").instantiate(0)) {
            assertEquals(m.loss(m.start()), a.loss(), 0.0);
            a.setBatch(5);
            assertEquals(a.loss(), a.lossAndGradients(), 0.0);
            float[] g = new float[m.start().length];
            m.lossAndGradient(m.start(), g);
            assertEquals(List.of(), mismatches(g, a.grads()));
            a.params().values()[0] += 1f;
            assertEquals(m.loss(m.start()), b.loss(), 0.0); // instances do not share parameters
            assertEquals(a.loss(), a.evaluate().get("loss"), 0.0);
            assertEquals(List.of("loss"), List.copyOf(a.evaluate().keySet()));
        }
    }

    @Test
    void theObjectiveCarriesTheCurvatureAndReadsTheBufferAsItIsNow() {
        try (ProblemInstance inst = BenchProblems.byName("quadratic").instantiate(3)) {
            var objective = inst.objective(3);
            assertNotNull(objective.curvature().gaussNewtonBartlett());
            assertNotNull(objective.curvature().hutchinson());
            inst.params().values()[0] = 3f; // the objective reads the buffer as it is now
            assertEquals(inst.loss(), objective.loss(), 0.0);
        }
    }

    private static List<Integer> mismatches(float[] a, float[] b) {
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < a.length; i++) if (Float.compare(a[i], b[i]) != 0) out.add(i);
        return out;
    }
}
