package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.problems.Problem;
import dev.descent.optim.problems.Problems;
import org.junit.jupiter.api.Test;

class OptimCommandTest {
    /** The first registered optimizer. */
    private static String anOptimizer() {
        var all = OptimizerRegistry.defaults().all();
        assertFalse(all.isEmpty(), "no optimizer is registered");
        return all.iterator().next().name();
    }

    @Test
    void zerothOrderOptimizerRunsOnTheProblemsLossAlone() throws Exception {
        CliRun r = run("optim", "run", "--optimizer", "mezo", "--problem", "quadratic", "--steps", "500", "--set", "lr=0.01", "--json");
        assertEquals(0, r.exit(), r.err());
        double loss = new ObjectMapper().readTree(r.out().strip()).get("loss").asDouble();
        assertTrue(loss < 1e-3, "500 MeZO steps on the quadratic: " + r.out());
        run("optim", "run", "--optimizer", "mezo", "--problem", "quadratic", "--steps", "5", "--set", "mu=0").assertBadInput("mu");
    }

    @Test
    void runPrintsOneJsonLine() throws Exception {
        String name = anOptimizer();
        CliRun r = run("optim", "run", "--optimizer", name, "--problem", "quadratic", "--steps", "50", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonNode n = new ObjectMapper().readTree(lines[0]);
        assertEquals(name, n.get("optimizer").asText());
        assertEquals("quadratic", n.get("problem").asText());
        assertEquals(50, n.get("steps").asInt());
        Problem q = Problems.byName("quadratic");
        JsonNode params = n.get("params");
        assertTrue(params.isArray());
        assertEquals(q.start().length, params.size());
        float[] x = new float[params.size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) params.get(i).asDouble();
        // The loss printed is the problem's loss at the printed parameters (float values round-trip).
        assertEquals(q.loss(x), n.get("loss").asDouble(), 0.0);
        assertTrue(n.get("loss").asDouble() < q.loss(q.start()), "50 steps of " + name + " should lower the quadratic's loss: " + r.out());
    }

    @Test
    void humanOutputHasTheSameNumbers() {
        String name = anOptimizer();
        CliRun r = run("optim", "run", "--optimizer", name, "--problem", "rosenbrock", "--steps", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(name + " on rosenbrock: 3 steps, loss "), r.out());
        assertTrue(r.out().contains("params ["), r.out());
    }

    @Test
    void unknownOptimizerListsTheValidNames() {
        String name = anOptimizer();
        CliRun r = run("optim", "run", "--optimizer", "no-such-optimizer", "--problem", "quadratic", "--steps", "5", "--json")
                .assertBadInput("unknown optimizer 'no-such-optimizer'");
        for (OptimizerInfo i : OptimizerRegistry.defaults().all()) assertTrue(r.err().contains(i.name()), r.err());
        assertTrue(r.err().contains(name));
    }

    @Test
    void unknownProblemAndHyperparameterAreRefused() {
        String name = anOptimizer();
        run("optim", "run", "--optimizer", name, "--problem", "nope", "--steps", "5").assertBadInput("unknown problem 'nope'", "rosenbrock, quadratic, matrix-fit");
        run("optim", "run", "--optimizer", name, "--problem", "quadratic", "--steps", "5", "--set", "bogus=1").assertBadInput("unknown hyperparameter 'bogus'", "valid: ");
        run("optim", "run", "--optimizer", name, "--problem", "quadratic", "--steps", "-1").assertBadInput("--steps must be >= 0, got -1");
        run("optim", "run", "--optimizer", name, "--problem", "quadratic").assertBadInput("Missing required option: '--steps=N'", "(see: descent optim run --help)");
    }

    @Test
    void optimizersListsEveryRegisteredOne() throws Exception {
        CliRun r = run("optimizers", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode a = new ObjectMapper().readTree(r.out());
        assertEquals(OptimizerRegistry.defaults().all().size(), a.size());
        int k = 0;
        for (OptimizerInfo i : OptimizerRegistry.defaults().all()) {
            JsonNode n = a.get(k++);
            assertEquals(i.name(), n.get("name").asText());
            assertEquals(i.license(), n.get("license").asText());
            assertEquals(4 * i.stateFloatsPerParam(), n.get("stateBytesPerParam").asDouble(), 0.0);
            assertEquals(i.matrixAware(), n.get("matrixAware").asBoolean());
            for (String f : new String[] {"summary", "paper", "reference"}) assertTrue(n.hasNonNull(f), f);
        }
        CliRun text = run("optimizers");
        assertEquals(0, text.exit());
        for (OptimizerInfo i : OptimizerRegistry.defaults().all()) assertTrue(text.out().contains(i.name()), text.out());
    }
}
