package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.zo.HessianComparison;
import dev.descent.zo.HessianEstimator;
import dev.descent.optim.problems.Rosenbrock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoCommandTest {
    @Test
    void hessianJsonIsTheComparisonOfTheLibrary() throws Exception {
        CliRun r = run("zo", "hessian", "--function", "rosenbrock", "--dim", "6", "--queries", "50", "--estimator", "zovh", "--seed", "3", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonNode n = new ObjectMapper().readTree(lines[0]);
        HessianComparison c = HessianComparison.run(new Rosenbrock(6), HessianEstimator.ZOVH, 50, 0.1, 0.1, 3);
        assertEquals(c.hessianError(), n.get("hessian_error").asDouble(), 0);
        assertEquals(c.inverseError(), n.get("inverse_error").asDouble(), 0);
        assertEquals(c.productError(), n.get("product_error").asDouble(), 0);
        assertEquals(c.productEq16Error(), n.get("product_eq16_error").asDouble(), 0);
        assertEquals(6, n.get("dim").asInt());
        assertEquals(50, n.get("queries_used").asInt());
    }

    @Test
    void hessianText() {
        CliRun r = run("zo", "hessian", "--function", "quadratic", "--dim", "5", "--queries", "20", "--estimator", "stein3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("19 of 20 queries") && r.out().contains("relative Frobenius error of the Hessian"), r.out());
        // Numbers are printed the same in every locale (a German one would write 0,100000).
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            CliRun de = run("zo", "hessian", "--function", "quadratic", "--dim", "5", "--queries", "20", "--estimator", "stein3");
            assertEquals(r.out(), de.out());
            assertTrue(de.out().contains("mu=0.100000"), de.out());
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void badInputExitsWithCodeTwoAndOneLine() {
        run("zo", "hessian", "--function", "quadratic", "--queries", "20", "--estimator", "newton")
                .assertBadInput("valid: stein1, stein2, stein3, cd, zovh, stein-optimal");

        for (String[] bad : new String[][] {{"--mu", "0"}, {"--mu", "-1"}, {"--queries", "0"}, {"--queries", "-5"}, {"--lambda", "0"}}) {
            String queries = bad[0].equals("--queries") ? bad[1] : "20";
            String[] args = bad[0].equals("--queries")
                    ? new String[] {"zo", "hessian", "--function", "quadratic", "--estimator", "zovh", "--queries", queries}
                    : new String[] {"zo", "hessian", "--function", "quadratic", "--queries", queries, "--estimator", "zovh", bad[0], bad[1]};
            run(args).assertBadInput(bad[0] + " must be > 0, got ");
        }
        run("zo", "hessian", "--function", "quadratic", "--queries", "2", "--estimator", "zovh").assertBadInput("--queries must be >= 3 for zovh, got 2");
        run("zo", "hessian", "--function", "quadratic", "--dim", "0", "--queries", "20", "--estimator", "zovh").assertBadInput("--dim must be >= 1, got 0");
        run("zo", "hessian", "--function", "logreg-breast-cancer", "--dim", "10", "--queries", "20", "--estimator", "zovh").assertBadInput("31");
        run("zo", "hessian", "--function", "sphere", "--queries", "20", "--estimator", "zovh").assertBadInput("logreg-breast-cancer");
        run("zo", "hessian", "--function", "quadratic", "--queries", "many", "--estimator", "zovh").assertBadInput("--queries", "'many'");
    }

    @Test
    void benchRefusesBadSettingsBeforeRunning(@TempDir Path dir) {
        String out = dir.resolve("zovh").toString();
        run("zo", "bench", "--claim", "speed", "--seeds", "1", "--out", out).assertBadInput("unknown claim 'speed'; valid: hessian, convergence");
        run("zo", "bench", "--claim", "hessian", "--seeds", "0", "--out", out).assertBadInput("--seeds must be >= 1, got 0");
        run("zo", "bench", "--claim", "convergence", "--budget", "999", "--out", out).assertBadInput("--budget must be >= 1000, got 999");
        run("zo", "bench", "--claim", "hessian", "--mu", "0", "--out", out).assertBadInput("--mu must be > 0, got 0");
        run("zo", "bench", "--claim", "hessian", "--lambda", "-1", "--out", out).assertBadInput("--lambda must be > 0, got -1");
        run("zo", "bench", "--claim", "hessian", "--mu", "Infinity", "--out", out).assertBadInput("--mu must be > 0, got Infinity");
        assertFalse(Files.exists(dir.resolve("zovh")), "nothing is written before the settings are valid");
    }
}
