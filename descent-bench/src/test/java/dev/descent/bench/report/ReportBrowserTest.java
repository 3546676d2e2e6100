package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a fixture report in headless Chromium: the live DOM must hold every chart's series with a
 * non-empty geometry, and a screenshot must show a real picture. Skipped when no Chromium is
 * installed. The report, the fixture store and the screenshot are kept under
 * {@code target/test-artifacts/} for a human to look at.
 */
class ReportBrowserTest {
    private static final long TIMEOUT_SECONDS = 60;
    private static final Path ARTIFACTS = Path.of("target", "test-artifacts");

    /**
     * Injected into a copy of the report for the DOM check only (the report itself has no script):
     * per chart, the series expected ({@code data-series}), found ({@code path.series}) and drawn
     * (a path with non-zero length and bounding box), one line each in {@code <pre id="render-check">}.
     */
    private static final String RENDER_CHECK = """
            <script>
            (function () {
              var lines = [];
              document.querySelectorAll('svg.chart').forEach(function (svg, i) {
                var paths = svg.querySelectorAll('path.series'), drawn = 0;
                paths.forEach(function (p) {
                  var box = p.getBBox();
                  if (p.getTotalLength() > 0 && (box.width > 0 || box.height > 0)) drawn++;
                });
                var r = svg.getBoundingClientRect();
                lines.push('chart ' + i + ' ' + svg.dataset.kind + ' expected=' + svg.dataset.series + ' found=' + paths.length
                    + ' drawn=' + drawn + ' width=' + Math.round(r.width));
              });
              var pre = document.createElement('pre');
              pre.id = 'render-check';
              pre.textContent = lines.join('\\n');
              document.body.appendChild(pre);
            })();
            </script>
            """;

    static String chromium;
    static Path report;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        chromium = findChromium();
        Assumptions.assumeTrue(chromium != null,
                "no Chromium found (/usr/bin/chromium, or chromium, chromium-browser, google-chrome on PATH): browser check skipped");
        Files.createDirectories(ARTIFACTS);
        Path db = ARTIFACTS.resolve("report-fixture.sqlite");
        Files.deleteIfExists(db);
        FixtureStore.write(db);
        report = ARTIFACTS.resolve("report-fixture.html").toAbsolutePath();
        HtmlReport.write(db, report, HtmlReport.DEFAULT_MAX_POINTS);
    }

    @Test
    void everyChartRendersItsSeriesInTheLiveDom() throws Exception {
        String html = Files.readString(report, StandardCharsets.UTF_8);
        Path checked = tmp.resolve("render-check.html");
        Files.writeString(checked, html.replace("</body>", RENDER_CHECK + "</body>"), StandardCharsets.UTF_8);
        Path dom = tmp.resolve("dom.html");
        run(List.of("--dump-dom", checked.toUri().toString()), dom);
        String dumped = Files.readString(dom, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<pre id=\"render-check\">(.*?)</pre>", Pattern.DOTALL).matcher(dumped);
        assertTrue(m.find(), "no render-check element in the dumped DOM (" + dumped.length() + " chars)");
        String[] lines = m.group(1).strip().split("\n");
        assertEquals(FixtureStore.PROBLEMS.size() * 3, lines.length, m.group(1));
        Pattern line = Pattern.compile("chart \\d+ \\S+ expected=(\\d+) found=(\\d+) drawn=(\\d+) width=(\\d+)");
        for (String l : lines) {
            Matcher c = line.matcher(l);
            assertTrue(c.matches(), l);
            assertEquals("3", c.group(1), l);
            assertEquals(c.group(1), c.group(2), l);
            assertEquals(c.group(1), c.group(3), l);
            assertTrue(Integer.parseInt(c.group(4)) > 300, "chart laid out at a readable width: " + l);
        }
    }

    @Test
    void screenshotShowsAPicture() throws Exception {
        Path png = ARTIFACTS.resolve("report-fixture.png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png, "--window-size=1400,2400", report.toUri().toString()), tmp.resolve("screenshot.log"));
        assertTrue(Files.exists(png), "Chromium wrote no screenshot");
        assertTrue(Files.size(png) > 20_000, "screenshot suspiciously small: " + Files.size(png) + " bytes");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1400, img.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) colours.add(img.getRGB(x, y));
        }
        assertTrue(colours.size() > 100, "screenshot looks blank: " + colours.size() + " distinct colours");
    }

    /** Runs Chromium headless with a fresh profile; stdout goes to {@code stdout}; killed after the timeout. */
    private static void run(List<String> args, Path stdout) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path stderr = Files.createTempFile(tmp, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("Chromium exited with " + p.exitValue() + ": " + Files.readString(stderr));
        }
    }

    static String findChromium() {
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) return "/usr/bin/chromium";
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) return candidate.toString();
            }
        }
        return null;
    }
}
