package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The options for charts outside the HTML report: log x axis, line note, standalone file. */
class SvgLineChartOptionsTest {
    private static final List<SvgLineChart.Series> SERIES = List.of(new SvgLineChart.Series("a", "a", "", SeriesStyle.of(0),
            new MeanCurve(new double[] {100, 1000, 10000}, new double[] {5, 1, 0.01}, new double[] {4, 0.8, 0.005}, new double[] {6, 1.2, 0.02})));

    private static SvgLineChart chart() {
        return new SvgLineChart("t", "queries", "loss", "p", "loss-queries", "interquartile range");
    }

    @Test
    void defaultsAreUnchanged() {
        String svg = chart().render(SERIES, "x");
        assertTrue(svg.startsWith("<svg class=\"chart\""), svg.substring(0, 40));
        assertTrue(svg.contains("Line: mean over seeds · band: interquartile range"));
        assertFalse(svg.contains("<style>"));
        // linear x axis: the x ticks are 2000, 4000, … (no decade labels)
        assertTrue(svg.contains(">2000<") || svg.contains(">2k<") || svg.contains(">2,000<"), "linear ticks expected");
    }

    @Test
    void logXPlacesDecadesEvenly() {
        String svg = chart().withLogX().withLineNote("median over 10 seeds").render(SERIES, "x");
        assertTrue(svg.contains("Line: median over 10 seeds"));
        // the three points sit at 10², 10³, 10⁴ on an axis 10²…10⁴: equally spaced in x
        String d = svg.substring(svg.indexOf("class=\"series\""));
        d = d.substring(d.indexOf(" d=\"M") + 5, d.indexOf('"', d.indexOf(" d=\"M") + 5));
        String[] pts = d.split(" ");
        assertEquals(3, pts.length, d);
        double x0 = Double.parseDouble(pts[0].split(",")[0]), x1 = Double.parseDouble(pts[1].split(",")[0]), x2 = Double.parseDouble(pts[2].split(",")[0]);
        assertEquals(x1 - x0, x2 - x1, 0.15, d);
    }

    @Test
    void logYEvenForANarrowSpan() {
        List<SvgLineChart.Series> narrow = List.of(new SvgLineChart.Series("a", "a", "", SeriesStyle.of(0),
                new MeanCurve(new double[] {1, 2}, new double[] {2, 8}, new double[] {1, 7}, new double[] {3, 9})));
        assertTrue(chart().render(narrow, "x").contains("data-yscale=\"linear\""));
        assertTrue(chart().withLogY().render(narrow, "x").contains("data-yscale=\"log\""));
    }

    @Test
    void standaloneEmbedsTheStylesheet() {
        String svg = chart().renderStandalone(SERIES, "x");
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""), svg.substring(0, 60));
        assertTrue(svg.contains("<style>\n" + SvgLineChart.CSS + "</style>"));
        assertTrue(svg.contains("path.series { fill: none;"));
    }
}
