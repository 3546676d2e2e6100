package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    static Path dir;
    static Path db;
    static String html;

    @BeforeAll
    static void build() throws Exception {
        db = dir.resolve("runs.sqlite");
        FixtureStore.write(db);
        html = new HtmlReport(ReportData.load(db), HtmlReport.DEFAULT_MAX_POINTS, Instant.parse("2026-11-24T06:00:00Z")).render();
    }

    private static List<String> charts() {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg class=\"chart\".*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }

    private static String attr(String element, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(element);
        assertTrue(m.find(), name + " missing in " + element);
        return m.group(1);
    }

    @Test
    void threeChartsPerProblemWithOneLinePerOptimizer() {
        List<String> charts = charts();
        assertEquals(FixtureStore.PROBLEMS.size() * 3, charts.size());
        for (String chart : charts) {
            // three optimizers; adamw's two settings are one line (its best), the diverged sgd seed leaves two seeds to draw
            assertEquals("3", attr(chart, "data-series"), chart.substring(0, 200));
            assertEquals(3, count(chart, "<path class=\"series\""));
            assertEquals(3, count(chart, "<path class=\"band\""));
        }
        for (String problem : FixtureStore.PROBLEMS) {
            assertEquals(3, charts.stream().filter(c -> attr(c, "data-problem").equals(problem)).count(), problem);
        }
    }

    @Test
    void logScaleOnlyWhereTheLossSpansDecades() {
        for (String chart : charts()) {
            boolean toy = attr(chart, "data-problem").equals(FixtureStore.TOY);
            boolean accuracy = attr(chart, "data-kind").equals("metric-step") && !toy;
            assertEquals(toy && !accuracy ? "log" : "linear", attr(chart, "data-yscale"), attr(chart, "data-kind"));
        }
        assertTrue(html.contains("training loss (log scale)"));
    }

    @Test
    void chartsTheBestSettingOfEachOptimizer() {
        // adamw lr=0.01 decays faster (setting index 1): better final metric on both problems
        for (String chart : charts()) {
            Matcher m = Pattern.compile("<path class=\"series\" [^>]*data-optimizer=\"adamw\" data-hyper=\"([^\"]*)\"").matcher(chart);
            assertTrue(m.find());
            assertEquals("lr=0.01", m.group(1));
        }
    }

    @Test
    void longSeriesAreDownsampled() {
        for (String chart : charts()) {
            Matcher m = Pattern.compile("<path class=\"series\"[^>]* d=\"([^\"]*)\"").matcher(chart);
            while (m.find()) {
                int points = count(m.group(1), ","); // one comma per x,y pair
                assertTrue(points <= HtmlReport.DEFAULT_MAX_POINTS, points + " points");
                if (attr(chart, "data-kind").startsWith("loss") && attr(chart, "data-problem").equals(FixtureStore.LOGREG)) {
                    assertEquals(HtmlReport.DEFAULT_MAX_POINTS, points, "600 steps → 400 points");
                }
            }
        }
    }

    /** Every table row's final-metric cell against a mean and sample std recomputed here from the fixture's formulas. */
    @Test
    void tableValuesMatchIndependentStatistics() {
        for (String problem : FixtureStore.PROBLEMS) {
            String section = section(problem);
            for (int k = 0; k < FixtureStore.SETTINGS.size(); k++) {
                List<Double> values = new ArrayList<>();
                int reached = 0;
                double toTargetSum = 0;
                for (int seed = 0; seed < FixtureStore.SEEDS; seed++) {
                    Double v = FixtureStore.finalMetric(problem, k, seed);
                    if (v != null) values.add(v);
                    Long t = FixtureStore.stepsToTarget(problem, k, seed);
                    if (t != null) {
                        reached++;
                        toTargetSum += t;
                    }
                }
                double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
                double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
                double std = Math.sqrt(ss / (values.size() - 1));

                String row = row(section, FixtureStore.SETTINGS.get(k));
                String cell = cell(row, "final");
                assertEquals(mean, Double.parseDouble(attr(cell, "data-mean")), 1e-12);
                assertEquals(std, Double.parseDouble(attr(cell, "data-std")), 1e-12);
                Matcher shown = Pattern.compile(">([-0-9.e]+) ± ([-0-9.e]+)<").matcher(cell);
                assertTrue(shown.find(), cell);
                assertEquals(mean, Double.parseDouble(shown.group(1)), Math.abs(mean) * 1e-3);
                assertEquals(std, Double.parseDouble(shown.group(2)), std * 0.05);
                assertTrue(row.contains(">" + reached + "/3<"), row);
                if (reached > 0) {
                    assertEquals(toTargetSum / reached, Double.parseDouble(attr(cell(row, "to-target"), "data-mean")), 1e-9);
                }
            }
        }
    }

    @Test
    void rowsAreSortedBestFirstInTheMetricsDirection() {
        for (String problem : FixtureStore.PROBLEMS) {
            String table = section(problem).substring(section(problem).indexOf("<table class=\"results\""));
            Matcher m = Pattern.compile("class=\"num final\" data-n=\"\\d+\" data-mean=\"([^\"]*)\"").matcher(table);
            List<Double> means = new ArrayList<>();
            while (m.find()) means.add(Double.parseDouble(m.group(1)));
            assertEquals(FixtureStore.SETTINGS.size(), means.size());
            for (int i = 1; i < means.size(); i++) {
                boolean ordered = FixtureStore.higherIsBetter(problem) ? means.get(i - 1) >= means.get(i) : means.get(i - 1) <= means.get(i);
                assertTrue(ordered, problem + " " + means);
            }
        }
    }

    @Test
    void divergedRunIsCountedNotDrawn() {
        String row = row(section(FixtureStore.LOGREG), FixtureStore.SETTINGS.get(2));
        assertTrue(row.contains("2 finished, 1 diverged"), row);
        assertEquals("2", attr(cell(row, "final"), "data-n"));
        assertTrue(section(FixtureStore.LOGREG).contains("seed 2: diverged after 300 of 600 steps"));
        assertFalse(section(FixtureStore.TOY).contains("did not finish"));
    }

    @Test
    void namesAreEscaped() {
        assertFalse(html.contains(FixtureStore.WEIRD));
        assertFalse(html.contains("we<ird"));
        String escaped = "we&lt;ird&gt;&amp;&quot;opt&#39;";
        assertTrue(html.contains("data-optimizer=\"" + escaped + "\""));
        assertTrue(html.contains(">" + escaped + "</td>"));
    }

    @Test
    void selfContained() {
        assertFalse(html.contains("http://"), "no external reference");
        assertFalse(html.contains("https://"), "no external reference");
        assertFalse(html.toLowerCase().contains("<script"), "charts need no script");
        assertFalse(html.contains(" src="));
        assertFalse(html.contains("<link"));
        assertEquals(count(html, "url("), count(html, "url(#clip-"), "only in-page clip paths");
    }

    @Test
    void headerSummarizesTheStore() {
        assertTrue(html.contains("24 (23 finished, 1 diverged)"), "runs");
        assertTrue(html.contains("JDK 25.0.1 · 2 cores · git 0123456789ab · Linux amd64 — 24 runs"));
        assertTrue(html.contains("fixture-suite"));
        assertTrue(html.contains("2026-11-24T06:00:00Z"));
    }

    /** The rank table against ranks recomputed here: each optimizer's best mean final metric, ordered per problem. */
    @Test
    void summaryRanksMatchIndependentRanking() {
        Matcher table = Pattern.compile("<table class=\"summary\">.*?</table>", Pattern.DOTALL).matcher(html);
        assertTrue(table.find());
        List<String> optimizers = FixtureStore.SETTINGS.stream().map(s -> s[0]).distinct().toList();
        for (int p = 0; p < FixtureStore.PROBLEMS.size(); p++) {
            String problem = FixtureStore.PROBLEMS.get(p);
            boolean higher = FixtureStore.higherIsBetter(problem);
            java.util.Map<String, Double> best = new java.util.HashMap<>();
            for (int k = 0; k < FixtureStore.SETTINGS.size(); k++) {
                double sum = 0;
                int n = 0;
                for (int seed = 0; seed < FixtureStore.SEEDS; seed++) {
                    Double v = FixtureStore.finalMetric(problem, k, seed);
                    if (v != null) {
                        sum += v;
                        n++;
                    }
                }
                best.merge(FixtureStore.SETTINGS.get(k)[0], sum / n, (a, b) -> higher ? Math.max(a, b) : Math.min(a, b));
            }
            for (String opt : optimizers) {
                int rank = 1;
                for (String other : optimizers) {
                    if (higher ? best.get(other) > best.get(opt) : best.get(other) < best.get(opt)) rank++;
                }
                Matcher row = Pattern.compile("<tr data-optimizer=\"" + Pattern.quote(Html.esc(opt)) + "\">(.*?)</tr>", Pattern.DOTALL)
                        .matcher(table.group());
                assertTrue(row.find(), opt);
                List<String> cells = new ArrayList<>();
                Matcher td = Pattern.compile("<td class=\"num rank[^\"]*\">(\\d+)<small>/(\\d+)</small></td>").matcher(row.group(1));
                while (td.find()) cells.add(td.group(1) + "/" + td.group(2));
                assertEquals(rank + "/3", cells.get(p), problem + " " + opt);
            }
        }
    }

    @Test
    void writesAtomicallyAndReportsWhatItWrote() throws Exception {
        Path out = dir.resolve("report.html");
        HtmlReport.Written w = HtmlReport.write(db, out, 50);
        assertEquals(24, w.runs());
        assertEquals(2, w.problems());
        assertEquals(6, w.charts());
        assertEquals(Files.size(out), w.bytes());
        String small = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(small.length() < html.length(), "50 points per line make a smaller file");
    }

    @Test
    void missingStore() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReportData.load(dir.resolve("nope.sqlite")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("nope.sqlite"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("nope.sqlite")), "a report must not create a store");
    }

    @Test
    void notASqliteFile() throws Exception {
        Path junk = dir.resolve("junk.sqlite");
        byte[] bytes = new byte[8192];
        new java.util.Random(1).nextBytes(bytes);
        Files.write(junk, bytes);
        var e = assertThrows(IllegalArgumentException.class, () -> ReportData.load(junk));
        assertTrue(e.getMessage().contains("junk.sqlite") && e.getMessage().contains("not a database"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void sqliteWithoutRunTables() throws Exception {
        Path other = dir.resolve("other.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t (x INTEGER)");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> ReportData.load(other));
        assertTrue(e.getMessage().contains("not a run store") && e.getMessage().contains("runs"), e.getMessage());
        Path empty = dir.resolve("zero-bytes.sqlite");
        Files.write(empty, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> ReportData.load(empty));
    }

    @Test
    void storeWithoutRuns() throws Exception {
        Path empty = dir.resolve("empty.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + empty)) {
            FixtureStore.createSchema(c);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> ReportData.load(empty));
        assertTrue(e.getMessage().contains("holds no runs"), e.getMessage());
    }

    @Test
    void unwritableOutput() {
        var e = assertThrows(IllegalArgumentException.class, () -> HtmlReport.write(db, dir.resolve("no/such/folder/r.html"), 400));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> HtmlReport.write(db, dir, 400));
        assertTrue(e2.getMessage().contains("is a folder"), e2.getMessage());
    }

    private static String section(String problem) {
        Matcher m = Pattern.compile("<section class=\"problem\" [^>]*data-problem=\"" + Pattern.quote(problem) + "\">.*?</section>",
                Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), problem);
        return m.group();
    }

    private static String row(String section, String[] setting) {
        String hyper = HyperLabel.of(setting[1]);
        String optimizer = Html.esc(setting[0]);
        Matcher m = Pattern.compile("<tr data-optimizer=\"" + Pattern.quote(optimizer) + "\" data-hyper=\"" + Pattern.quote(Html.esc(hyper))
                + "\".*?</tr>", Pattern.DOTALL).matcher(section);
        assertTrue(m.find(), setting[0] + " " + hyper);
        return m.group();
    }

    private static String cell(String row, String cls) {
        Matcher m = Pattern.compile("<td class=\"num " + cls + "\"[^>]*>[^<]*</td>").matcher(row);
        assertTrue(m.find(), cls + " in " + row);
        return m.group();
    }
}
