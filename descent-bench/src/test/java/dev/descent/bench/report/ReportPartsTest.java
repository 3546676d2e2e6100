package dev.descent.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's building blocks: statistics, number formats, axes, seed averaging and downsampling. */
class ReportPartsTest {
    @Test
    void statsUseTheSampleStandardDeviationAndSkipNonFinite() {
        Stats s = Stats.of(1, 2, 4, Double.NaN, Double.POSITIVE_INFINITY);
        assertEquals(3, s.n());
        assertEquals(7.0 / 3, s.mean(), 1e-15);
        // deviations -4/3, -1/3, 5/3: squares sum 42/9 = 14/3, over n-1 = 2 → 7/3
        assertEquals(Math.sqrt(7.0 / 3), s.std(), 1e-15);
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        assertEquals(0.0, Stats.of(5).std());
        assertEquals(0, Stats.of(Double.NaN).n());
    }

    @Test
    void numbersKeepSignificantDigitsAndReadableNotation() {
        assertEquals("0.9123", Numbers.sig(0.912345, 4));
        assertEquals("1235", Numbers.sig(1234.5, 4));
        assertEquals("4.00", Numbers.sig(4.0, 3));
        assertEquals("6.00", Numbers.sig(6.000000000000001, 3));
        assertEquals("10.0", Numbers.sig(9.9996, 3));
        assertEquals("1.500e-5", Numbers.sig(1.5e-5, 4));
        assertEquals("2.00e6", Numbers.sig(2e6, 3));
        assertEquals("-0.2500", Numbers.sig(-0.25, 4));
        assertEquals("8", Numbers.compact(8.0, 3));
        assertEquals("2.5", Numbers.compact(2.5, 3));
        assertEquals("1e-4", Numbers.compact(1e-4, 4));
        assertEquals("2.5e-7", Numbers.compact(2.5e-7, 4));
        assertEquals("1.05M", Numbers.rate(1_049_999));
        assertEquals("12.3k", Numbers.rate(12_345));
        assertEquals("950", Numbers.rate(950));
        assertEquals("—", Numbers.sig(Double.NaN, 4));
        // deviations ±0.012 → sample std 0.012·√2 = 0.01697, shown to two digits
        assertEquals("0.5000 ± 0.017", Numbers.meanStd(Stats.of(0.488, 0.512), 4));
    }

    @Test
    void linearTicksAreRoundNumbers() {
        // (0.71 - 0.13) / 5 = 0.116 → nearest of 1, 2, 5 × 10^k is 0.1 (1.16 < √2); ends move out to 0.1 and 0.8
        Axis a = Axis.linear(0.13, 0.71, true);
        List<String> labels = a.ticks().stream().map(Axis.Tick::label).toList();
        assertEquals(List.of("0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"), labels);
        assertEquals(0, a.fraction(0.1), 1e-12);
        assertEquals(1, a.fraction(0.8), 1e-12);
        Axis steps = Axis.linear(0, 600, false);
        // 600 / 5 = 120 → 100; an x axis keeps its data ends
        assertEquals(List.of("0", "100", "200", "300", "400", "500", "600"), steps.ticks().stream().map(Axis.Tick::label).toList());
        // 1.05 / 5 = 0.21 → 0.2 (2.1 lies between √2 and √10)
        assertEquals(List.of("0", "0.2", "0.4", "0.6", "0.8", "1.0"),
                Axis.linear(0, 1.05, false).ticks().stream().map(Axis.Tick::label).toList());
    }

    @Test
    void logTicksLabelDecades() {
        Axis a = Axis.log(3e-7, 10);
        assertTrue(a.isLog());
        List<String> labels = a.ticks().stream().filter(Axis.Tick::major).map(Axis.Tick::label).toList();
        assertEquals(List.of("1e-7", "1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10"), labels);
        assertEquals(0.5, Axis.log(1e-4, 1).fraction(0.01), 1e-12);
        // past eight decades only every second decade is labelled
        long labelled = Axis.log(1e-12, 1e4).ticks().stream().filter(t -> !t.label().isEmpty()).count();
        assertEquals(9, labelled);
        assertThrows(IllegalArgumentException.class, () -> Axis.log(0, 1));
    }

    @Test
    void meanCurveAveragesSeedsStepByStep() {
        RunSeries a = new RunSeries(new long[] {1, 2, 3}, new double[] {4, 2, 1}, new double[] {0.1, 0.2, 0.3});
        RunSeries b = new RunSeries(new long[] {1, 2, 3}, new double[] {2, Double.NaN, 3}, new double[] {0.3, 0.4, 0.5});
        MeanCurve c = MeanCurve.overSeeds(List.of(a, b), false);
        assertArrayEquals(new double[] {1, 2, 3}, c.x());
        assertArrayEquals(new double[] {3, 2, 2}, c.mean());
        assertArrayEquals(new double[] {2, 2, 1}, c.lo());
        assertArrayEquals(new double[] {4, 2, 3}, c.hi());
        MeanCurve t = MeanCurve.overSeeds(List.of(a, b), true);
        assertArrayEquals(new double[] {0.2, 0.2, 0.4}, t.x(), 1e-15);
    }

    @Test
    void downsamplingAveragesBucketsAndKeepsTheEnds() {
        int n = 10;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = 10 * (i + 1);
        }
        MeanCurve c = new MeanCurve(x, y, y, y).downsample(6);
        // ends kept; the 8 inner points (2..9) fall into 4 buckets of 2: means 2.5, 4.5, 6.5, 8.5
        assertArrayEquals(new double[] {1, 2.5, 4.5, 6.5, 8.5, 10}, c.x(), 1e-12);
        assertArrayEquals(new double[] {10, 25, 45, 65, 85, 100}, c.mean(), 1e-12);
        assertEquals(n, new MeanCurve(x, y, y, y).downsample(400).size());
        assertThrows(IllegalArgumentException.class, () -> c.downsample(2));
    }

    @Test
    void hyperLabelsAreSortedAndReadable() {
        assertEquals("beta2=0.95, lr=0.01", HyperLabel.of("{\"lr\":\"0.01\",\"beta2\":\"0.95\"}"));
        assertEquals("defaults", HyperLabel.of("{}"));
        assertEquals("not json", HyperLabel.of("not json"));
    }

    @Test
    void escapingCoversMarkupAndQuotes() {
        assertEquals("a&lt;b&gt;&amp;&quot;c&#39;", Html.esc("a<b>&\"c'"));
    }

    @Test
    void aChartWithNothingToDrawSaysSo() {
        String svg = new SvgLineChart("t", "step", "loss", "p", "loss-step", "min–max").render(List.of(), "x");
        assertTrue(svg.contains("data-series=\"0\""));
        assertTrue(svg.contains("no finished run to draw"));
        assertEquals(-1, svg.indexOf("class=\"series\""));
    }

    @Test
    void optimizersWithoutALineAreNamedInTheLegend() {
        MeanCurve two = new MeanCurve(new double[] {0, 1}, new double[] {1, 2}, new double[] {1, 2}, new double[] {1, 2});
        String svg = new SvgLineChart("t", "step", "loss", "p", "loss-step", "min–max")
                .render(List.of(new SvgLineChart.Series("a (defaults)", "a", "defaults", SeriesStyle.of(0), two)), "z",
                        List.of("sgd (no finished run)"));
        assertTrue(svg.contains(">Not drawn: sgd (no finished run)</text>"), svg);
    }

    @Test
    void aSinglePointStillDraws() {
        MeanCurve one = new MeanCurve(new double[] {0}, new double[] {1}, new double[] {1}, new double[] {1});
        String svg = new SvgLineChart("t", "step", "acc", "p", "metric-step", "min–max")
                .render(List.of(new SvgLineChart.Series("a (defaults)", "a", "defaults", SeriesStyle.of(0), one)), "y");
        assertTrue(svg.contains("data-series=\"1\""));
        assertTrue(svg.contains(" h0.1\""), "a zero-length line would not render");
    }

    @Test
    void stylesCycleColoursThenDashes() {
        assertEquals("", SeriesStyle.of(0).dash());
        assertEquals(SeriesStyle.of(0).color(), SeriesStyle.of(12).color());
        assertTrue(!SeriesStyle.of(12).dash().isEmpty());
        java.util.Set<SeriesStyle> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 48; i++) distinct.add(SeriesStyle.of(i));
        assertEquals(48, distinct.size());
    }

    @Test
    void anEnvironmentWithUncommittedChangesSaysSo() {
        String rev = "0123456789abcdef0123456789abcdef01234567";
        assertEquals("git 0123456789ab with uncommitted changes",
                Environments.describe("{\"git_revision\":\"" + rev + "\",\"git_dirty\":true}"));
        assertEquals("git 0123456789ab", Environments.describe("{\"git_revision\":\"" + rev + "\",\"git_dirty\":false}"));
        assertEquals("git unknown", Environments.describe("{\"git_revision\":\"unknown\",\"git_dirty\":null}"));
    }
}
