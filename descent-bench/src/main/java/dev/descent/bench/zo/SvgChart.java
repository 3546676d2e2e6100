package dev.descent.bench.zo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal SVG line chart with logarithmic axes (no plotting library is available offline): one
 * polyline per series, optional ±1 std bands drawn as vertical bars, decade grid lines and a legend.
 */
final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    private record Series(String name, double[] x, double[] y, double[] lo, double[] hi) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A series; lo/hi may be null (no error bars). Non-positive or non-finite points are skipped. */
    SvgChart add(String name, double[] x, double[] y, double[] lo, double[] hi) {
        series.add(new Series(name, x, y, lo, hi));
        return this;
    }

    String render(int width, int height) {
        double minX = Double.POSITIVE_INFINITY, maxX = 0, minY = Double.POSITIVE_INFINITY, maxY = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!ok(s.x[i]) || !ok(s.y[i])) continue;
                minX = Math.min(minX, s.x[i]);
                maxX = Math.max(maxX, s.x[i]);
                minY = Math.min(minY, s.y[i]);
                maxY = Math.max(maxY, s.y[i]);
                if (s.hi != null && ok(s.hi[i])) maxY = Math.max(maxY, s.hi[i]);
                if (s.lo != null && ok(s.lo[i])) minY = Math.min(minY, s.lo[i]);
            }
        }
        double lx0 = Math.floor(Math.log10(minX)), lx1 = Math.ceil(Math.log10(maxX));
        double ly0 = Math.floor(Math.log10(minY)), ly1 = Math.ceil(Math.log10(maxY));
        if (lx1 == lx0) lx1++;
        if (ly1 == ly0) ly1++;
        int left = 70, right = 270, top = 30, bottom = 50;
        double pw = width - left - right, ph = height - top - bottom;
        final double fx0 = lx0, fx1 = lx1, fy0 = ly0, fy1 = ly1;
        java.util.function.DoubleUnaryOperator px = v -> left + (Math.log10(v) - fx0) / (fx1 - fx0) * pw;
        java.util.function.DoubleUnaryOperator py = v -> top + (fy1 - Math.log10(v)) / (fy1 - fy0) * ph;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>%n", left, esc(title)));
        for (double e = lx0; e <= lx1; e++) {
            double x = px.applyAsDouble(Math.pow(10, e));
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", x, top, x, top + ph));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">1e%d</text>%n", x, top + ph + 15, (int) e));
        }
        for (double e = ly0; e <= ly1; e++) {
            double y = py.applyAsDouble(Math.pow(10, e));
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left, y, left + pw, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%d</text>%n", left - 5, y + 4, (int) e));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>%n", left, top, pw, ph));
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + pw / 2, height - 12, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">%s</text>%n",
                top + ph / 2, top + ph / 2, esc(yLabel)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String c = COLORS[k % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x.length; i++) {
                if (!ok(s.x[i]) || !ok(s.y[i])) continue;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(s.x[i]), py.applyAsDouble(s.y[i])));
                if (s.lo != null && ok(s.lo[i]) && ok(s.hi[i])) {
                    double x = px.applyAsDouble(s.x[i]);
                    b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-opacity=\"0.5\"/>%n",
                            x, py.applyAsDouble(s.lo[i]), x, py.applyAsDouble(s.hi[i]), c));
                }
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\"/>%n", c, pts.toString().trim()));
            double ly = top + 14 + 16 * k;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n", left + pw + 10, ly - 4, left + pw + 30, ly - 4, c));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", left + pw + 35, ly, esc(s.name)));
        }
        return b.append("</svg>\n").toString();
    }

    private static boolean ok(double v) { return v > 0 && Double.isFinite(v); }

    private static String esc(String s) { return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"); }
}
