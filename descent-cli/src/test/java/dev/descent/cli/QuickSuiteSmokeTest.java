package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.OptimizerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke test of the benchmark harness, end to end as a user runs it: {@code bench run --suite
 * quick} (every registered optimizer on every quick problem, 3 seeds), then {@code report}. No run
 * may fail with an exception (a diverged run is a result, not an error), and every problem's charts
 * draw one series per optimizer that finished on it.
 */
class QuickSuiteSmokeTest {
    @Test
    void quickSuiteRunsEveryOptimizerOnEveryProblemAndReports(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("quick");
        CliRun bench = CliRun.run("bench", "run", "--suite", "quick", "--out", out.toString());
        assertEquals(0, bench.exit(), bench.out() + "\n" + bench.err());

        int optimizers = OptimizerRegistry.defaults().all().size();
        assertTrue(bench.out().contains("quick: " + 5 * optimizers * 3 + " runs in "), bench.out());
        Path db = out.resolve("runs.db");
        Map<String, Integer> finishedPerProblem = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT problem), COUNT(DISTINCT optimizer), SUM(status = 'failed') FROM runs")) {
                r.next();
                assertEquals(5 * optimizers * 3, r.getInt(1), "5 problems x every optimizer x 3 seeds");
                assertEquals(5, r.getInt(2));
                assertEquals(optimizers, r.getInt(3));
                assertEquals(0, r.getInt(4), "runs failed with an exception:\n" + bench.out());
            }
            try (ResultSet r = s.executeQuery("SELECT problem, COUNT(DISTINCT optimizer) FROM runs WHERE status = 'finished' GROUP BY problem")) {
                while (r.next()) finishedPerProblem.put(r.getString(1), r.getInt(2));
            }
        }

        Path html = dir.resolve("report.html");
        CliRun report = CliRun.run("report", "--db", db.toString(), "--out", html.toString());
        assertEquals(0, report.exit(), report.err());
        assertTrue(report.out().startsWith("wrote " + html + ": " + 5 * optimizers * 3 + " runs, 5 problems, 15 charts"), report.out());
        String page = Files.readString(html);
        Matcher m = Pattern.compile("<svg class=\"chart\"[^>]*data-series=\"(\\d+)\" data-problem=\"([^\"]+)\" data-kind=\"loss-step\"").matcher(page);
        int charts = 0;
        while (m.find()) {
            charts++;
            int series = Integer.parseInt(m.group(1));
            String problem = m.group(2);
            assertEquals(finishedPerProblem.get(problem), series, "loss chart of " + problem + " draws one series per optimizer that finished");
            assertTrue(series >= optimizers / 2, problem + ": only " + series + " of " + optimizers + " optimizers finished");
        }
        assertEquals(5, charts, "one loss-vs-step chart per problem");
    }
}
