package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy-matrix page: written, with a chart and heat table for every stream and strategy and every task named. */
class ContinualReportTest {
    @TempDir
    Path dir;

    @Test
    void writesEveryStreamStrategyAndTask() throws Exception {
        Path json = dir.resolve("continual-gpt.json");
        Files.writeString(json, """
                {"tasks": ["addition", "sorting", "multiplication"], "runs": [
                 {"stream": "gpt-tasks", "strategy": "finetune", "seed": 1, "accuracy_matrix": [[0.9, 0, 0], [0.2, 0.8, 0], [0.1, 0.3, 0.7]]},
                 {"stream": "gpt-tasks", "strategy": "finetune", "seed": 2, "accuracy_matrix": [[0.7, 0, 0], [0.4, 0.6, 0], [0.3, 0.1, 0.5]]},
                 {"stream": "gpt-tasks", "strategy": "ewc", "seed": 1, "accuracy_matrix": [[0.9, 0, 0], [0.6, 0.7, 0], [0.5, 0.6, 0.6]]},
                 {"stream": "other <stream>", "strategy": "joint", "seed": 1, "accuracy_matrix": [[1, 0, 0], [1, 1, 0], [1, 1, 1]]}]}
                """);
        Path html = dir.resolve("continual-gpt.html");
        ContinualReport.write(json, html);
        String page = Files.readString(html);
        for (String s : new String[] {"<h2>gpt-tasks</h2>", "<h2>other &lt;stream&gt;</h2>", "<h3>finetune <small>(2 seeds)", "<h3>ewc <small>(1 seed)", "<h3>joint",
                ">addition<", ">sorting<", ">multiplication<"}) {
            assertTrue(page.contains(s), s);
        }
        assertEquals(3, count(page, "<svg"), "one chart per stream and strategy");
        assertEquals(3, count(page, "<table class=\"heat\">"), "one heat table per stream and strategy");
        // the mean over the two finetune seeds: R[2][0] = (0.1 + 0.3) / 2, forgetting ((0.8 − 0.2) + (0.7 − 0.2)) / 2 = 0.55
        assertTrue(page.contains(">0.20</td>"), page);
        assertTrue(page.contains("forgetting 0.550"), page);
        assertTrue(page.endsWith("</html>\n"));
    }

    @Test
    void refusesAFileWithoutRuns() throws Exception {
        Path json = dir.resolve("x.json");
        Files.writeString(json, "{\"lr\": 1}");
        assertThrows(IllegalArgumentException.class, () -> ContinualReport.write(json, dir.resolve("x.html")));
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }
}
