package dev.descent.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The metrics of one online RL run ({@code metrics.jsonl} of {@code rl train}, one JSON line per step
 * under TRL's names) as one self-contained HTML page in the style of {@link HtmlReport}: a line chart
 * per quantity against the step, with the step's reward standard deviation as the band around the
 * mean reward, and a table of the last logged value of every series. Charts: reward, reward std,
 * fraction of zero-std groups, clip fractions (low, high, region), KL, entropy, gradient norm, the
 * policy loss, completion length, truncation rate, held-out pass@1 / pass@n ({@code eval/pass@*}, the
 * steps that evaluated), the PPO critic's loss and clip fraction when present, and the step seconds.
 * A series whose values are all missing (the KL of a run without a reference) is listed as not drawn.
 *
 * <p>Markup for tests: each chart is an {@code svg.chart} whose {@code data-kind} is the chart's id,
 * and each line a {@code path.series} whose {@code data-optimizer} is the metric's key.
 */
public final class RlRunReport {
    private RlRunReport() {}

    /** One chart: its id, title, y label and the metric keys it draws (a key ending in '*' matches every key with that prefix). */
    private record Chart(String id, String title, String yLabel, List<String> keys) {}

    private static final List<Chart> CHARTS = List.of(
            new Chart("reward", "Reward (band: ± one std of the step's completions)", "reward", List.of("reward")),
            new Chart("reward-std", "Reward standard deviation", "std", List.of("reward_std")),
            new Chart("zero-std", "Fraction of groups with zero reward variance", "fraction", List.of("frac_reward_zero_std")),
            new Chart("clip", "Clip fractions", "fraction of tokens", List.of("clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean")),
            new Chart("kl", "KL to the reference (k3)", "KL", List.of("kl")),
            new Chart("entropy", "Token entropy", "nats", List.of("entropy")),
            new Chart("grad-norm", "Gradient norm (before clipping)", "L2 norm", List.of("grad_norm")),
            new Chart("loss", "Policy loss", "loss", List.of("loss")),
            new Chart("length", "Completion length", "tokens", List.of("completions/mean_length")),
            new Chart("truncated", "Truncation rate (no stop token)", "fraction", List.of("completions/clipped_ratio")),
            new Chart("pass", "Held-out pass@k", "pass@k", List.of("eval/pass@*")),
            new Chart("critic", "PPO critic", "value", List.of("critic/vf_loss", "critic/vf_clipfrac")),
            new Chart("seconds", "Step time", "seconds", List.of("seconds")));

    /** What was written. */
    public record Written(Path out, int steps, int charts, int series, long bytes) {}

    /** Reads {@code runDir/metrics.jsonl} and writes the page to {@code html} (replaced atomically). */
    public static Written write(Path runDir, Path html) throws IOException {
        Path metrics = runDir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(metrics)) throw new IllegalArgumentException("no metrics.jsonl in " + runDir + " (is it an rl train run folder?)");
        ObjectMapper json = new ObjectMapper();
        // key -> step -> value (null in the file: NaN)
        Map<String, Map<Long, Double>> data = new LinkedHashMap<>();
        TreeSet<Long> steps = new TreeSet<>();
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException torn) {
                continue; // the torn last line of a killed run
            }
            if (n == null || !n.path("step").canConvertToExactIntegral()) continue;
            long step = n.get("step").asLong();
            steps.add(step);
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("step") || !(e.getValue().isNumber() || e.getValue().isNull())) continue;
                data.computeIfAbsent(e.getKey(), k -> new java.util.TreeMap<>()).put(step, e.getValue().isNull() ? Double.NaN : e.getValue().asDouble());
            }
        }
        if (steps.isEmpty()) throw new IllegalArgumentException(metrics + " holds no step");
        String page = page(runDir, data, steps.size());
        AtomicFiles.write(html, page.getBytes(StandardCharsets.UTF_8));
        int charts = 0, series = 0;
        for (Chart c : CHARTS) {
            int n = drawable(c, data).size();
            if (n > 0) charts++;
            series += n;
        }
        return new Written(html, steps.size(), charts, series, Files.size(html));
    }

    static String page(Path runDir, Map<String, Map<Long, Double>> data, int steps) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>RL run: ")
                .append(Html.esc(runDir.getFileName() == null ? runDir.toString() : runDir.getFileName().toString())).append("</title>\n<style>\n")
                .append(CSS).append("</style>\n</head>\n<body>\n<h1>Online RL run</h1>\n<p class=\"meta\">From <code>")
                .append(Html.esc(runDir.resolve("metrics.jsonl").toString())).append("</code>: ").append(steps)
                .append(" logged steps. Names as TRL's GRPOTrainer logs them; x axis: optimizer step.</p>\n<div class=\"charts\">\n");
        int palette = 0;
        for (Chart c : CHARTS) {
            List<String> keys = drawable(c, data);
            List<String> missing = new ArrayList<>();
            for (String k : c.keys()) if (!k.endsWith("*") && data.containsKey(k) && !keys.contains(k)) missing.add(k + " (no finite value)");
            if (keys.isEmpty()) {
                if (!missing.isEmpty()) b.append("<p class=\"meta\">").append(Html.esc(c.title())).append(": ").append(Html.esc(String.join(", ", missing))).append("</p>\n");
                continue;
            }
            List<SvgLineChart.Series> series = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                MeanCurve curve = curve(data.get(k), k.equals("reward") ? data.get("reward_std") : null);
                series.add(new SvgLineChart.Series(k, k, "", SeriesStyle.of(palette + i), curve));
            }
            palette += keys.size();
            b.append("<div class=\"chart-box\">\n").append(new SvgLineChart(c.title(), "step", c.yLabel(), "rl", c.id(),
                    c.id().equals("reward") ? "± reward std" : "none").withLineNote("per step").render(series, c.id(), missing)).append("</div>\n");
        }
        b.append("</div>\n<h2>Last values</h2>\n<table>\n<thead><tr><th>metric</th><th>step</th><th>value</th></tr></thead>\n<tbody>\n");
        for (var e : data.entrySet()) {
            Long lastStep = null;
            double last = Double.NaN;
            for (var p : e.getValue().entrySet()) {
                if (Double.isFinite(p.getValue())) {
                    lastStep = p.getKey();
                    last = p.getValue();
                }
            }
            b.append("<tr><td class=\"name\">").append(Html.esc(e.getKey())).append("</td><td class=\"num\">").append(lastStep == null ? "" : lastStep)
                    .append("</td><td class=\"num\">").append(lastStep == null ? "—" : String.format(Locale.ROOT, "%.6g", last)).append("</td></tr>\n");
        }
        return b.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
    }

    /** The keys of chart {@code c} that have at least one finite value, in the chart's order. */
    private static List<String> drawable(Chart c, Map<String, Map<Long, Double>> data) {
        List<String> out = new ArrayList<>();
        for (String k : c.keys()) {
            List<String> matches = new ArrayList<>();
            if (k.endsWith("*")) {
                String prefix = k.substring(0, k.length() - 1);
                for (String d : data.keySet()) if (d.startsWith(prefix)) matches.add(d);
                matches.sort(java.util.Comparator.comparingInt((String d) -> d.length()).thenComparing(d -> d));
            } else if (data.containsKey(k)) {
                matches.add(k);
            }
            for (String m : matches) {
                if (!out.contains(m) && data.get(m).values().stream().anyMatch(Double::isFinite)) out.add(m);
            }
        }
        return out;
    }

    /** The finite points of one metric; the band is ± {@code std} at each step when given, else none. */
    private static MeanCurve curve(Map<Long, Double> values, Map<Long, Double> std) {
        List<double[]> pts = new ArrayList<>();
        for (var e : values.entrySet()) {
            double v = e.getValue();
            if (!Double.isFinite(v)) continue;
            double s = std == null ? 0 : std.getOrDefault(e.getKey(), 0.0);
            if (!Double.isFinite(s)) s = 0;
            pts.add(new double[] {e.getKey(), v, v - s, v + s});
        }
        double[] x = new double[pts.size()], mean = new double[pts.size()], lo = new double[pts.size()], hi = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            x[i] = pts.get(i)[0];
            mean[i] = pts.get(i)[1];
            lo[i] = pts.get(i)[2];
            hi[i] = pts.get(i)[3];
        }
        return new MeanCurve(x, mean, lo, hi);
    }

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: #222; margin: 24px auto; max-width: 1380px; padding: 0 16px; }
            h1 { font-size: 24px; margin: 0 0 12px; }
            h2 { font-size: 19px; margin: 32px 0 4px; padding-top: 12px; border-top: 2px solid #ddd; }
            code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
            p.meta { color: #444; margin: 0 0 8px; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px 24px; margin: 8px 0 12px; }
            .chart-box { border: 1px solid #e6e6e6; }
            table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
            th, td { padding: 3px 9px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: baseline; }
            th { background: #f4f5f7; font-weight: 600; border-bottom: 1px solid #ccc; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.name { white-space: nowrap; font-weight: 500; }
            """ + SvgLineChart.CSS;
}
