package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.bench.run.Divergence;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing optimizers, charts by family, outlier time axes and runs that diverged without a NaN. */
class ReportChoicesTest {
    private static final Instant WHEN = Instant.parse("2026-12-07T02:00:00Z");

    private static String render(Path db, Set<String> optimizers, boolean byFamily) {
        return new HtmlReport(ReportData.load(db), new HtmlReport.Options(HtmlReport.DEFAULT_MAX_POINTS, optimizers, byFamily), WHEN).render();
    }

    @Test
    void optimizersCanBeChosenAndUnknownNamesAreRefused(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        FixtureStore.write(db);
        String html = render(db, Set.of("sgd"), false);
        assertTrue(html.contains("data-optimizer=\"sgd\""));
        assertFalse(html.contains("data-optimizer=\"adamw\""));
        String m = assertThrows(IllegalArgumentException.class, () -> render(db, Set.of("sgd", "adamz"), false)).getMessage();
        assertTrue(m.startsWith("--optimizers: 'adamz' has no run in ") && m.endsWith("; stored: adamw, sgd, " + FixtureStore.WEIRD), m);
    }

    @Test
    void chartsSplitByFamilyWithDistinctColoursInEach(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        FixtureStore.write(db);
        String html = render(db, Set.of(), true);
        assertTrue(html.contains("<h3 class=\"family\">Classic optimizers</h3>"), "adamw and sgd are Classic");
        assertTrue(html.contains("<h3 class=\"family\">other optimizers</h3>"), "a name no family registers");
        // Per problem: 3 charts for Classic + 3 for other, against 3 without families.
        assertEquals(2 * 6, html.split("<svg class=\"chart\"", -1).length - 1);
        assertEquals(2 * 3, render(db, Set.of(), false).split("<svg class=\"chart\"", -1).length - 1);
    }

    private static SvgLineChart.Series endingAt(String name, double end) {
        MeanCurve c = new MeanCurve(new double[] {end / 2, end}, new double[] {1, 0.5}, new double[] {1, 0.5}, new double[] {1, 0.5});
        return new SvgLineChart.Series(name, name, "defaults", SeriesStyle.of(0), c);
    }

    @Test
    void aRunFarSlowerThanTheMedianIsNamedAndTheTimeAxisTurnsLogarithmic() {
        List<SvgLineChart.Series> s = List.of(endingAt("adamw", 0.5), endingAt("sgd", 0.4), endingAt("lion", 0.6), endingAt("deepzero", 10));
        // median end (0.5 + 0.6) / 2 = 0.55; 10 / 0.55 = 18.2
        assertEquals(List.of("deepzero 10.0 s (18× the median)"), HtmlReport.timeOutliers(s));
        assertEquals(List.of(), HtmlReport.timeOutliers(s.subList(0, 3)));
    }

    @Test
    void theDivergenceRule() {
        assertNull(Divergence.reason(2.3, 0.1, 100));
        assertNull(Divergence.reason(2.3, 2000, 100)); // 870 times
        assertEquals("training loss grew from 2.3 at step 1 to 1e+105 at step 60 (more than 1000 times)", Divergence.reason(2.3, 1e105, 60));
        assertEquals("training loss is NaN at step 7", Divergence.reason(2.3, Double.NaN, 7));
        assertNull(Divergence.reason(Double.NaN, Double.NaN, 0)); // nothing recorded
    }

    @Test
    void aStoredFinishedRunWhoseLossExplodedIsReportedAsDiverged(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        FixtureStore.write(db);
        String id;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT run_id FROM runs WHERE status = 'finished' AND optimizer = 'sgd' ORDER BY run_id LIMIT 1");
            rs.next();
            id = rs.getString(1);
            s.executeUpdate("UPDATE runs SET final_loss = 1e105 WHERE run_id = '" + id + "'");
        }
        RunRecord r = ReportData.load(db).runs().stream().filter(x -> x.runId().equals(id)).findFirst().orElseThrow();
        assertEquals("diverged", r.status());
        assertTrue(r.error().startsWith("training loss grew from ") && r.error().contains("to 1e+105"), r.error());
    }
}
