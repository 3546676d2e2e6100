package dev.descent.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accuracy matrices of a continual experiment ({@code continual.json}, {@code continual-gpt.json})
 * as one self-contained HTML page in the style of {@link HtmlReport}: per stream and strategy, the mean
 * over seeds of R[i][j] (accuracy on task j after training task i) drawn as one curve per task j over
 * the sequence i (dotted before task j is trained, solid with markers from then on), and the matrix as a heat table
 * (rows: after task i; columns: task j; the diagonal outlined), with average accuracy, forgetting and
 * backward transfer from the mean matrix.
 *
 * <p>Input: {@code {"runs": [{"stream", "strategy", "seed", "accuracy_matrix": [[…]]}, …]}} and, when
 * present, {@code "tasks"}: the task names (otherwise "task 0", "task 1", …).
 */
public final class ContinualReport {
    private ContinualReport() {}

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 460, H = 260, LEFT = 48, RIGHT = 120, TOP = 16, BOTTOM = 40;

    /** {@code ContinualReport <continual.json> <out.html>}: draws an experiment's matrices after the fact. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ContinualReport <continual.json> <out.html>");
            System.exit(2);
        }
        write(Path.of(args[0]), Path.of(args[1]));
    }

    /** Reads {@code json} and writes the page to {@code html}. */
    public static void write(Path json, Path html) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (root.get("runs") == null || !root.get("runs").isArray()) throw new IllegalArgumentException(json + " has no \"runs\" array");
        List<String> taskNames = new ArrayList<>();
        if (root.has("tasks")) for (JsonNode n : root.get("tasks")) taskNames.add(n.asText());
        // stream → strategy → matrices over seeds
        Map<String, Map<String, List<double[][]>>> groups = new LinkedHashMap<>();
        for (JsonNode run : root.get("runs")) {
            JsonNode m = run.get("accuracy_matrix");
            double[][] r = new double[m.size()][];
            for (int i = 0; i < r.length; i++) {
                r[i] = new double[m.get(i).size()];
                for (int j = 0; j < r[i].length; j++) r[i][j] = m.get(i).get(j).asDouble();
            }
            groups.computeIfAbsent(run.get("stream").asText(), k -> new LinkedHashMap<>()).computeIfAbsent(run.get("strategy").asText(), k -> new ArrayList<>()).add(r);
        }
        Files.writeString(html, page(json.getFileName().toString(), groups, taskNames));
    }

    static String page(String source, Map<String, Map<String, List<double[][]>>> groups, List<String> taskNames) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Continual learning: accuracy matrices</title>\n<style>\n")
                .append(CSS).append("</style>\n</head>\n<body>\n<h1>Continual learning: accuracy matrices</h1>\n")
                .append("<p class=\"meta\">From <code>").append(Html.esc(source)).append("</code>. R[i][j]: exact-match or classification accuracy on task j's test set after ")
                .append("training on task i, mean over seeds. Curves: one per task j over the sequence (dotted before task j is trained).</p>\n");
        for (var stream : groups.entrySet()) {
            b.append("<h2>").append(Html.esc(stream.getKey())).append("</h2>\n<div class=\"charts\">\n");
            for (var strategy : stream.getValue().entrySet()) {
                double[][] mean = mean(strategy.getValue());
                List<String> names = names(taskNames, mean.length);
                b.append("<div class=\"strategy\">\n<h3>").append(Html.esc(strategy.getKey())).append(" <small>(")
                        .append(strategy.getValue().size()).append(strategy.getValue().size() == 1 ? " seed" : " seeds").append(")</small></h3>\n");
                b.append(String.format(Locale.ROOT, "<p class=\"meta\">average accuracy %.3f · forgetting %.3f · backward transfer %.3f</p>%n",
                        average(mean), forgetting(mean), -forgetting(mean)));
                chart(b, mean, names, stream.getKey() + " / " + strategy.getKey());
                heat(b, mean, names);
                b.append("</div>\n");
            }
            b.append("</div>\n");
        }
        return b.append("</body>\n</html>\n").toString();
    }

    private static void chart(StringBuilder b, double[][] r, List<String> names, String title) {
        int n = r.length;
        int plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
        b.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" role=\"img\"><title>").append(Html.esc(title)).append("</title>\n");
        for (int k = 0; k <= 4; k++) {
            double v = k / 4.0;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%s\" y2=\"%s\" stroke=\"#e6e6e6\"/><text x=\"%d\" y=\"%s\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%.2f</text>%n",
                    LEFT, LEFT + plotW, px(y(v, plotH)), px(y(v, plotH)), LEFT - 6, px(y(v, plotH) + 4), v));
        }
        for (int i = 0; i < n; i++) {
            b.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">%d</text>%n", px(x(i, n, plotW)), TOP + plotH + 16, i));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">after training task i</text>%n", LEFT + plotW / 2, H - 6));
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\" transform=\"rotate(-90 12 %d)\">accuracy on task j</text>%n",
                TOP + plotH / 2, TOP + plotH / 2));
        for (int j = 0; j < n; j++) {
            String color = COLORS[j % COLORS.length];
            StringBuilder before = new StringBuilder(), after = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String pt = px(x(i, n, plotW)) + "," + px(y(r[i][j], plotH)) + " ";
                if (i <= j) before.append(pt);
                if (i >= j) after.append(pt);
            }
            if (j > 0) b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\" points=\"").append(before.toString().strip()).append("\"/>\n");
            b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"").append(after.toString().strip()).append("\"><title>")
                    .append(Html.esc(names.get(j))).append("</title></polyline>\n");
            for (int i = j; i < n; i++) { // markers: the last task's curve is a single point
                b.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"><title>%s after task %d: %.3f</title></circle>%n",
                        px(x(i, n, plotW)), px(y(r[i][j], plotH)), color, Html.esc(names.get(j)), i, r[i][j]));
            }
            int ly = TOP + 12 + 16 * j;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#333\">%s</text>%n",
                    W - RIGHT + 10, W - RIGHT + 26, ly - 4, ly - 4, color, W - RIGHT + 30, ly, Html.esc(names.get(j))));
        }
        b.append("</svg>\n");
    }

    private static void heat(StringBuilder b, double[][] r, List<String> names) {
        b.append("<table class=\"heat\">\n<thead><tr><th>after task i \\ task j</th>");
        for (String name : names) b.append("<th>").append(Html.esc(name)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < r.length; i++) {
            b.append("<tr><td class=\"name\">").append(i).append(' ').append(Html.esc(names.get(i))).append("</td>");
            for (int j = 0; j < r.length; j++) {
                b.append(String.format(Locale.ROOT, "<td class=\"num%s\" style=\"background: rgba(46, 125, 50, %.3f)\">%.2f</td>",
                        i == j ? " diag" : "", 0.85 * Math.max(0, Math.min(1, r[i][j])), r[i][j]));
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    private static double[][] mean(List<double[][]> runs) {
        int n = runs.get(0).length;
        double[][] m = new double[n][n];
        for (double[][] r : runs) {
            if (r.length != n) throw new IllegalArgumentException("accuracy matrices of one stream and strategy differ in size: " + r.length + " and " + n);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] += r[i][j] / runs.size();
        }
        return m;
    }

    private static List<String> names(List<String> taskNames, int n) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < n; j++) out.add(taskNames.size() == n ? taskNames.get(j) : "task " + j);
        return out;
    }

    private static double average(double[][] r) {
        double s = 0;
        for (double v : r[r.length - 1]) s += v;
        return s / r.length;
    }

    private static double forgetting(double[][] r) {
        int last = r.length - 1;
        if (last == 0) return 0;
        double s = 0;
        for (int j = 0; j < last; j++) s += r[j][j] - r[last][j];
        return s / last;
    }

    private static double x(int i, int n, int plotW) { return LEFT + (n == 1 ? plotW / 2.0 : i * plotW / (double) (n - 1)); }

    private static double y(double v, int plotH) { return TOP + (1 - Math.max(0, Math.min(1, v))) * plotH; }

    private static String px(double v) { return String.format(Locale.ROOT, "%.1f", v); }

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: #222; margin: 24px auto; max-width: 1380px; padding: 0 16px; }
            h1 { font-size: 24px; margin: 0 0 12px; }
            h2 { font-size: 19px; margin: 32px 0 4px; padding-top: 12px; border-top: 2px solid #ddd; }
            h3 { font-size: 15px; margin: 8px 0 2px; }
            h3 small { color: #777; font-weight: normal; }
            code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
            p.meta { color: #444; margin: 0 0 8px; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px 24px; margin: 8px 0 12px; }
            svg.chart { background: #fff; border: 1px solid #e6e6e6; }
            table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
            th, td { padding: 3px 9px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: baseline; }
            th { background: #f4f5f7; font-weight: 600; border-bottom: 1px solid #ccc; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.diag { outline: 2px solid #333; outline-offset: -2px; }
            td.name { white-space: nowrap; font-weight: 500; }
            """;
}
