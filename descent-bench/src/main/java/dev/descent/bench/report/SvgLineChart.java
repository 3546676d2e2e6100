package dev.descent.bench.report;

import static dev.descent.bench.report.Html.esc;

import java.util.List;

/**
 * One line chart as inline SVG, without scripts or external resources: a title, axes with ticks and
 * grid lines, one shaded band and one line per series, and a legend under the plot.
 *
 * <p>The y axis is logarithmic when every value drawn is positive and the largest is more than 100
 * times the smallest (more than two decades, as on toy problems whose loss falls to 10⁻⁸), linear
 * otherwise. Markup for tests: the root is {@code <svg class="chart" data-series="N">} and every line is a
 * {@code <path class="series" data-problem=… data-optimizer=… data-hyper=…>}; bands are
 * {@code path.band}.
 *
 * <p>Options for charts outside the HTML report (the zeroth-order benchmarks' SVG files): a
 * logarithmic x axis ({@link #withLogX()}, for query budgets spanning decades), a logarithmic y axis
 * however narrow the span ({@link #withLogY()}), another description
 * of the line than the mean ({@link #withLineNote}, e.g. a median), and {@link #renderStandalone},
 * which embeds the chart's stylesheet ({@link #CSS}) so the file displays on its own.
 */
public final class SvgLineChart {
    /** A line to draw: legend text, identity for the markup, style and the averaged curve. */
    public record Series(String label, String optimizer, String hyper, SeriesStyle style, MeanCurve curve) {}

    static final int WIDTH = 660;
    private static final int LEFT = 70, RIGHT = 18, TOP = 34, PLOT_H = 280;
    private static final int LEGEND_COLS = 3, ROW_H = 17, LABEL_CHARS = 33;
    /** Decades above which the y axis turns logarithmic. */
    private static final double LOG_SPAN = 100;

    /** The chart rules of the report's stylesheet; {@link #renderStandalone} embeds them. */
    public static final String CSS = """
            svg.chart { max-width: 100%; height: auto; background: #fff; }
            svg.chart text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #333; }
            svg.chart .chart-title { font-size: 13px; font-weight: 600; fill: #222; }
            svg.chart .axis-label { font-size: 12px; fill: #444; }
            svg.chart .legend-note { fill: #666; font-style: italic; }
            svg.chart .empty { fill: #999; font-size: 13px; }
            svg.chart .plot-area { fill: #fff; stroke: none; }
            svg.chart .grid { stroke: #e4e4e4; stroke-width: 1; }
            svg.chart .grid.minor { stroke: #f2f2f2; }
            svg.chart .tick, svg.chart .axis-line { stroke: #888; stroke-width: 1; }
            svg.chart path.series { fill: none; stroke-width: 1.7; stroke-linejoin: round; stroke-linecap: round; }
            svg.chart path.band { stroke: none; }
            """;

    private final String title, xLabel, yLabel, problem, kind, bandNote, lineNote;
    private final boolean logX, logY;

    /**
     * @param kind a short identifier of what is plotted ({@code loss-step}, {@code loss-time}, {@code metric-step}),
     *             written as {@code data-kind}
     * @param bandNote what the shaded band shows, for the legend
     */
    public SvgLineChart(String title, String xLabel, String yLabel, String problem, String kind, String bandNote) {
        this(title, xLabel, yLabel, problem, kind, bandNote, "mean over seeds", false, false);
    }

    private SvgLineChart(String title, String xLabel, String yLabel, String problem, String kind, String bandNote, String lineNote,
                         boolean logX, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.problem = problem;
        this.kind = kind;
        this.bandNote = bandNote;
        this.lineNote = lineNote;
        this.logX = logX;
        this.logY = logY;
    }

    /**
     * The same chart with a base-10 logarithmic x axis (used when every x drawn is positive; with a
     * non-positive x the axis stays linear).
     */
    public SvgLineChart withLogX() {
        return new SvgLineChart(title, xLabel, yLabel, problem, kind, bandNote, lineNote, true, logY);
    }

    /**
     * The same chart with a logarithmic y axis whenever every line value is positive, however narrow
     * their span (by default only past two decades), e.g. for errors against a budget.
     */
    public SvgLineChart withLogY() {
        return new SvgLineChart(title, xLabel, yLabel, problem, kind, bandNote, lineNote, logX, true);
    }

    /** The same chart saying {@code lineNote} (default "mean over seeds") of the lines in the legend. */
    public SvgLineChart withLineNote(String lineNote) {
        return new SvgLineChart(title, xLabel, yLabel, problem, kind, bandNote, lineNote, logX, logY);
    }

    /**
     * The chart as a file of its own: {@link #render} with the SVG namespace and the chart rules of
     * the stylesheet ({@link #CSS}) embedded, so it displays outside the HTML report.
     */
    public String renderStandalone(List<Series> series, String id) {
        String svg = render(series, id);
        int end = svg.indexOf('>');
        return "<svg xmlns=\"http://www.w3.org/2000/svg\"" + svg.substring(4, end + 1) + "\n<style>\n" + CSS + "</style>" + svg.substring(end + 1);
    }

    /** The chart; {@code id} must be unique in the page (it names the clip path). */
    public String render(List<Series> series, String id) {
        return render(series, id, List.of());
    }

    /**
     * The chart, with a legend line naming what has nothing to draw ({@code notDrawn}, e.g.
     * {@code "sgd (no finished run)"}), so a missing line is explained on the chart itself.
     */
    public String render(List<Series> series, String id, List<String> notDrawn) {
        int plotW = WIDTH - LEFT - RIGHT;
        int rows = (series.size() + LEGEND_COLS - 1) / LEGEND_COLS + (notDrawn.isEmpty() ? 0 : 1);
        int legendTop = TOP + PLOT_H + 62;
        int height = legendTop + 6 + rows * ROW_H + 8;

        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            MeanCurve c = s.curve();
            for (int i = 0; i < c.size(); i++) {
                xMin = Math.min(xMin, c.x()[i]);
                xMax = Math.max(xMax, c.x()[i]);
                yMin = Math.min(yMin, c.mean()[i]);
                yMax = Math.max(yMax, c.mean()[i]);
            }
        }
        // The y range follows the mean lines; bands (one noisy seed can reach far) are clipped to the plot.
        boolean empty = !(xMax >= xMin);
        if (empty) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        Axis x = logX && xMin > 0 ? Axis.log(xMin, xMax) : Axis.linear(Math.min(0, xMin), xMax, false);
        Axis y = yMin > 0 && (logY || yMax / yMin > LOG_SPAN) ? Axis.log(yMin, yMax) : Axis.linear(yMin, yMax, true);

        StringBuilder b = new StringBuilder(4096 + series.size() * 12000);
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" data-series=\"").append(series.size())
                .append("\" data-problem=\"").append(esc(problem)).append("\" data-kind=\"").append(esc(kind))
                .append("\" data-yscale=\"").append(y.isLog() ? "log" : "linear").append("\">\n");
        b.append("<title>").append(esc(title)).append("</title>\n");
        b.append("<text class=\"chart-title\" x=\"").append(LEFT).append("\" y=\"20\">").append(esc(title)).append("</text>\n");
        b.append("<defs><clipPath id=\"clip-").append(esc(id)).append("\"><rect x=\"").append(LEFT).append("\" y=\"").append(TOP)
                .append("\" width=\"").append(plotW).append("\" height=\"").append(PLOT_H).append("\"/></clipPath></defs>\n");
        b.append("<rect class=\"plot-area\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(PLOT_H).append("\"/>\n");

        // y grid, ticks and labels
        b.append("<g class=\"axis y-axis\">\n");
        for (Axis.Tick t : y.ticks()) {
            double py = yPx(y, t.value());
            if (py < TOP - 0.5 || py > TOP + PLOT_H + 0.5) continue;
            b.append("<line class=\"").append(t.major() ? "grid" : "grid minor").append("\" x1=\"").append(LEFT)
                    .append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"").append(px(py)).append("\" y2=\"").append(px(py)).append("\"/>");
            b.append("<line class=\"tick\" x1=\"").append(LEFT - (t.major() ? 5 : 3)).append("\" x2=\"").append(LEFT)
                    .append("\" y1=\"").append(px(py)).append("\" y2=\"").append(px(py)).append("\"/>");
            if (!t.label().isEmpty()) {
                b.append("<text class=\"tick-label\" x=\"").append(LEFT - 8).append("\" y=\"").append(px(py + 4))
                        .append("\" text-anchor=\"end\">").append(esc(t.label())).append("</text>");
            }
            b.append('\n');
        }
        b.append("</g>\n<g class=\"axis x-axis\">\n");
        for (Axis.Tick t : x.ticks()) {
            double pxv = xPx(x, t.value(), plotW);
            if (pxv < LEFT - 0.5 || pxv > LEFT + plotW + 0.5) continue;
            b.append("<line class=\"grid\" x1=\"").append(px(pxv)).append("\" x2=\"").append(px(pxv)).append("\" y1=\"").append(TOP)
                    .append("\" y2=\"").append(TOP + PLOT_H).append("\"/>");
            b.append("<line class=\"tick\" x1=\"").append(px(pxv)).append("\" x2=\"").append(px(pxv)).append("\" y1=\"")
                    .append(TOP + PLOT_H).append("\" y2=\"").append(TOP + PLOT_H + 5).append("\"/>");
            b.append("<text class=\"tick-label\" x=\"").append(px(pxv)).append("\" y=\"").append(TOP + PLOT_H + 18)
                    .append("\" text-anchor=\"middle\">").append(esc(t.label())).append("</text>\n");
        }
        b.append("</g>\n");
        b.append("<line class=\"axis-line\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(TOP + PLOT_H).append("\"/>");
        b.append("<line class=\"axis-line\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"")
                .append(TOP + PLOT_H).append("\" y2=\"").append(TOP + PLOT_H).append("\"/>\n");
        b.append("<text class=\"axis-label\" x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(TOP + PLOT_H + 36)
                .append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>\n");
        b.append("<text class=\"axis-label\" transform=\"translate(16 ").append(TOP + PLOT_H / 2).append(") rotate(-90)\" text-anchor=\"middle\">")
                .append(esc(yLabel + (y.isLog() ? " (log scale)" : ""))).append("</text>\n");

        if (empty) {
            b.append("<text class=\"empty\" x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(TOP + PLOT_H / 2)
                    .append("\" text-anchor=\"middle\">no finished run to draw</text>\n");
        }
        b.append("<g clip-path=\"url(#clip-").append(esc(id)).append(")\">\n");
        // many overlapping bands turn into a brown fog: the more series, the lighter each band
        String opacity = series.size() <= 6 ? "0.14" : series.size() <= 12 ? "0.09" : "0.05";
        for (Series s : series) band(b, s, x, y, plotW, opacity);
        for (Series s : series) line(b, s, x, y, plotW);
        b.append("</g>\n");
        legend(b, series, notDrawn, legendTop);
        b.append("</svg>\n");
        return b.toString();
    }

    /**
     * The band from min to max: a closed outline, upper edge forward and lower edge back. A band is a
     * soft shape, so half the line's points are enough and keep the file smaller.
     */
    private static void band(StringBuilder b, Series s, Axis x, Axis y, int plotW, String opacity) {
        MeanCurve c = s.curve();
        if (c.size() < 2) return;
        c = c.downsample(Math.max(3, c.size() / 2));
        b.append("<path class=\"band\" fill=\"").append(s.style().color()).append("\" fill-opacity=\"").append(opacity).append("\" d=\"M");
        for (int i = 0; i < c.size(); i++) {
            b.append(px(xPx(x, c.x()[i], plotW))).append(',').append(px(yPx(y, c.hi()[i]))).append(' ');
        }
        for (int i = c.size() - 1; i >= 0; i--) {
            b.append(px(xPx(x, c.x()[i], plotW))).append(',').append(px(yPx(y, c.lo()[i]))).append(' ');
        }
        b.append("Z\"/>\n");
    }

    private void line(StringBuilder b, Series s, Axis x, Axis y, int plotW) {
        MeanCurve c = s.curve();
        b.append("<path class=\"series\" data-problem=\"").append(esc(problem)).append("\" data-optimizer=\"").append(esc(s.optimizer()))
                .append("\" data-hyper=\"").append(esc(s.hyper())).append("\" stroke=\"").append(s.style().color()).append('"');
        if (!s.style().dash().isEmpty()) b.append(" stroke-dasharray=\"").append(s.style().dash()).append('"');
        b.append(" d=\"M"); // after M, further coordinate pairs are implicit line-tos
        for (int i = 0; i < c.size(); i++) {
            if (i > 0) b.append(' ');
            b.append(px(xPx(x, c.x()[i], plotW))).append(',').append(px(yPx(y, c.mean()[i])));
        }
        if (c.size() == 1) b.append(" h0.1"); // a lone point: round caps draw it as a dot
        b.append("\"><title>").append(esc(s.label())).append("</title></path>\n");
    }

    private void legend(StringBuilder b, List<Series> series, List<String> notDrawn, int top) {
        int colW = (WIDTH - LEFT + 40) / LEGEND_COLS;
        int left = LEFT - 40;
        b.append("<g class=\"legend\">\n");
        b.append("<text class=\"legend-note\" x=\"").append(left).append("\" y=\"").append(top - 4).append("\">")
                .append(esc("Line: " + lineNote + " · band: " + bandNote)).append("</text>\n");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int col = i % LEGEND_COLS, row = i / LEGEND_COLS;
            int lx = left + col * colW, ly = top + 8 + row * ROW_H;
            b.append("<g class=\"legend-entry\"><title>").append(esc(s.label())).append("</title>");
            b.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 5).append("\" width=\"24\" height=\"10\" fill=\"")
                    .append(s.style().color()).append("\" fill-opacity=\"0.15\"/>");
            b.append("<line x1=\"").append(lx).append("\" x2=\"").append(lx + 24).append("\" y1=\"").append(ly).append("\" y2=\"").append(ly)
                    .append("\" stroke=\"").append(s.style().color()).append("\" stroke-width=\"2\"");
            if (!s.style().dash().isEmpty()) b.append(" stroke-dasharray=\"").append(s.style().dash()).append('"');
            b.append("/>");
            b.append("<text x=\"").append(lx + 30).append("\" y=\"").append(ly + 4).append("\">").append(esc(shorten(s.label())))
                    .append("</text></g>\n");
        }
        if (!notDrawn.isEmpty()) {
            int ly = top + 12 + ((series.size() + LEGEND_COLS - 1) / LEGEND_COLS) * ROW_H;
            String text = "Not drawn: " + String.join(", ", notDrawn);
            b.append("<text class=\"legend-note not-drawn\" x=\"").append(left).append("\" y=\"").append(ly).append("\"><title>")
                    .append(esc(text)).append("</title>").append(esc(text.length() <= 110 ? text : text.substring(0, 109) + "…"))
                    .append("</text>\n");
        }
        b.append("</g>\n");
    }

    private static String shorten(String label) {
        return label.length() <= LABEL_CHARS ? label : label.substring(0, LABEL_CHARS - 1) + "…";
    }

    private static double xPx(Axis x, double v, int plotW) {
        return LEFT + plotW * x.fraction(v);
    }

    private static double yPx(Axis y, double v) {
        return TOP + PLOT_H * (1 - y.fraction(v));
    }

    /** A pixel coordinate with one decimal, which is all a screen needs and keeps the file small. */
    private static String px(double v) {
        long tenths = Math.round(v * 10);
        long whole = Math.abs(tenths) / 10, frac = Math.abs(tenths) % 10;
        String sign = tenths < 0 ? "-" : "";
        return frac == 0 ? sign + whole : sign + whole + "." + frac;
    }
}
