package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.zo.HessianComparison;
import dev.descent.zo.HessianEstimator;
import dev.descent.zo.HessianRosenbrock;
import org.junit.jupiter.api.Test;

class ZoCommandTest {
    @Test
    void hessianJsonIsTheComparisonOfTheLibrary() throws Exception {
        CliRun r = run("zo", "hessian", "--function", "rosenbrock", "--dim", "6", "--queries", "50", "--estimator", "zovh", "--seed", "3", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonNode n = new ObjectMapper().readTree(lines[0]);
        HessianComparison c = HessianComparison.run(new HessianRosenbrock(6), HessianEstimator.ZOVH, 50, 0.1, 0.1, 3);
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
    }

    @Test
    void badInputExitsWithCodeTwoAndOneLine() {
        CliRun r = run("zo", "hessian", "--function", "quadratic", "--queries", "20", "--estimator", "newton");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("valid: stein1, stein2, stein3, cd, zovh, stein-optimal"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());

        for (String[] bad : new String[][] {{"--mu", "0"}, {"--mu", "-1"}, {"--queries", "0"}, {"--queries", "-5"}, {"--lambda", "0"}}) {
            String queries = bad[0].equals("--queries") ? bad[1] : "20";
            String[] args = bad[0].equals("--queries")
                    ? new String[] {"zo", "hessian", "--function", "quadratic", "--estimator", "zovh", "--queries", queries}
                    : new String[] {"zo", "hessian", "--function", "quadratic", "--queries", queries, "--estimator", "zovh", bad[0], bad[1]};
            CliRun b = run(args);
            assertEquals(2, b.exit(), String.join(" ", bad) + ": " + b.err());
            assertTrue(b.err().contains(bad[0]), b.err());
            assertEquals(1, b.err().strip().split("\n").length, b.err());
        }
        CliRun q = run("zo", "hessian", "--function", "quadratic", "--queries", "2", "--estimator", "zovh");
        assertEquals(2, q.exit());
        assertTrue(q.err().contains(">= 3"), q.err());
        CliRun d = run("zo", "hessian", "--function", "logreg-breast-cancer", "--dim", "10", "--queries", "20", "--estimator", "zovh");
        assertEquals(2, d.exit());
        assertTrue(d.err().contains("31"), d.err());
        CliRun f = run("zo", "hessian", "--function", "sphere", "--queries", "20", "--estimator", "zovh");
        assertEquals(2, f.exit());
        assertTrue(f.err().contains("logreg-breast-cancer"), f.err());
    }
}
