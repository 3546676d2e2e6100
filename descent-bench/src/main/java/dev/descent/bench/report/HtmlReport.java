package dev.descent.bench.report;

import static dev.descent.bench.report.Html.esc;
import static dev.descent.bench.report.Numbers.sig;

import dev.descent.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A self-contained HTML report of a run store: one file with inline CSS and inline SVG charts, no
 * scripts and no external resources, so it opens offline and can be mailed or archived as it is.
 *
 * <p>Contents: a header (when, which store, how many runs, environments, suites); a table of each
 * optimizer's rank on each problem; then per problem three charts — training loss against step,
 * training loss against wall-clock training time, the problem's evaluation metric against step — and
 * a table of every setting, best first (see {@link ProblemSummary} for the order).
 *
 * <p>What is drawn: per optimizer, its best setting on the problem; the line is the mean over the
 * seeds that finished, the band their minimum and maximum. Diverged and failed runs are not drawn
 * (their partial curves would hide the others); they are counted in the tables and listed with
 * their error under each problem. Curves longer than {@code maxPoints} are reduced by
 * {@link MeanCurve#downsample bucket averaging}.
 */
public final class HtmlReport {
    public static final int DEFAULT_MAX_POINTS = 400;
    static final String BAND_NOTE = "min–max over seeds";

    /** A wall-clock curve ending later than this many times the median end is an outlier: the time axis turns logarithmic. */
    static final double TIME_OUTLIER = 5;

    /**
     * What to show: {@code optimizers} (empty: every optimizer in the store) and whether each problem's
     * charts are split by optimizer family ({@link dev.descent.optim.OptimizerRegistry#defaultFamilies()}),
     * so thirty optimizers make several readable charts instead of one crowded one.
     */
    public record Options(int maxPoints, java.util.Set<String> optimizers, boolean byFamily) {
        public Options {
            if (maxPoints < 3) throw new IllegalArgumentException("--max-points must be at least 3, got " + maxPoints);
            optimizers = java.util.Set.copyOf(optimizers);
        }
    }

    private final ReportData data;
    private final int maxPoints;
    private final boolean byFamily;
    private final Instant generatedAt;
    private final Map<String, SeriesStyle> styles = new LinkedHashMap<>();
    /** Optimizer name to family name (only with {@code byFamily}); optimizers not registered by default go to "other". */
    private final Map<String, String> familyOf = new LinkedHashMap<>();
    private int chartCount;

    public HtmlReport(ReportData data, int maxPoints, Instant generatedAt) {
        this(data, new Options(maxPoints, java.util.Set.of(), false), generatedAt);
    }

    public HtmlReport(ReportData data, Options options, Instant generatedAt) {
        this.data = select(data, options.optimizers());
        this.maxPoints = options.maxPoints();
        this.byFamily = options.byFamily();
        this.generatedAt = generatedAt;
        TreeSet<String> names = new TreeSet<>(this.data.runs().stream().map(RunRecord::optimizer).toList());
        if (byFamily) {
            // Styles are numbered within a family, so the lines of one chart never share a colour.
            for (var f : dev.descent.optim.OptimizerRegistry.defaultFamilies().entrySet()) {
                int i = 0;
                for (String opt : f.getValue()) {
                    if (!names.contains(opt)) continue;
                    familyOf.put(opt, f.getKey());
                    styles.put(opt, SeriesStyle.of(i++));
                }
            }
            int i = 0;
            for (String opt : names) {
                if (familyOf.containsKey(opt)) continue;
                familyOf.put(opt, "other");
                styles.put(opt, SeriesStyle.of(i++));
            }
        } else {
            int i = 0;
            for (String opt : names) styles.put(opt, SeriesStyle.of(i++));
        }
    }

    /** The runs of the chosen optimizers; a name the store does not hold is refused with the names it does. */
    private static ReportData select(ReportData data, java.util.Set<String> optimizers) {
        if (optimizers.isEmpty()) return data;
        TreeSet<String> stored = new TreeSet<>(data.runs().stream().map(RunRecord::optimizer).toList());
        for (String o : new TreeSet<>(optimizers)) {
            if (!stored.contains(o)) {
                throw new IllegalArgumentException("--optimizers: '" + o + "' has no run in " + data.db() + "; stored: " + String.join(", ", stored));
            }
        }
        return new ReportData(data.db(), data.meta(), data.runs().stream().filter(r -> optimizers.contains(r.optimizer())).toList());
    }

    /** What {@link #write(Path, Path, int)} produced. */
    public record Written(Path out, long bytes, int runs, int problems, int charts) {}

    /** Reads {@code db} and writes the report to {@code out} (atomically). */
    public static Written write(Path db, Path out, int maxPoints) {
        return write(db, out, new Options(maxPoints, java.util.Set.of(), false));
    }

    /** Reads {@code db} and writes the report chosen by {@code options} to {@code out} (atomically). */
    public static Written write(Path db, Path out, Options options) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("cannot write report " + out + ": folder " + parent + " does not exist");
        }
        if (Files.isDirectory(out)) throw new IllegalArgumentException("cannot write report " + out + ": it is a folder");
        ReportData data = ReportData.load(db);
        HtmlReport report = new HtmlReport(data, options, Instant.now());
        byte[] html = report.render().getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(out, html);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write report " + out + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        makeReadable(out);
        return new Written(out, html.length, report.data.runs().size(), ProblemSummary.of(report.data.runs()).size(), report.chartCount);
    }

    /**
     * The atomic write goes through a private temporary file (mode 600); a report is meant to be
     * shared or served, so it is made readable by everyone, like a file created under the usual umask.
     */
    private static void makeReadable(Path out) {
        try {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not ours to change: the report is still written
        }
    }

    public String render() {
        chartCount = 0;
        List<ProblemSummary> problems = ProblemSummary.of(data.runs());
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Descent benchmark report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header(b, problems);
        summary(b, problems);
        for (ProblemSummary p : problems) problem(b, p);
        b.append("<footer>Generated by <code>descent report</code>.</footer>\n</body>\n</html>\n");
        return b.toString();
    }

    private void header(StringBuilder b, List<ProblemSummary> problems) {
        List<RunRecord> runs = data.runs();
        Map<String, Integer> status = Setting.countStatuses(runs);
        b.append("<header>\n<h1>Descent benchmark report</h1>\n<dl class=\"facts\">\n");
        fact(b, "Generated", generatedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        fact(b, "Run store", data.db().toAbsolutePath().normalize().toString());
        fact(b, "Runs", runs.size() + " (" + status.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")) + ")");
        fact(b, "Problems", problems.size() + ": " + problems.stream().map(ProblemSummary::problem).collect(Collectors.joining(", ")));
        fact(b, "Optimizers", String.valueOf(styles.size()));
        TreeSet<String> suites = new TreeSet<>();
        for (RunRecord r : runs) suites.add(r.suite() == null ? "(none)" : r.suite());
        fact(b, "Suites", String.join(", ", suites));
        if (!data.meta().isEmpty()) {
            fact(b, "Store", data.meta().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · ")));
        }
        b.append("<dt>Environment</dt><dd>");
        for (String line : Environments.summarize(runs)) b.append(esc(line)).append("<br>");
        b.append("</dd>\n</dl>\n");
        b.append("<p class=\"notes\">Charts show, per optimizer, its best hyperparameter setting on the problem (by mean final metric); "
                + "the table under them lists every setting. Lines are the mean over the seeds whose run finished, shaded bands their "
                + "minimum and maximum. Diverged and failed runs are not drawn; they are counted in the tables and listed under each "
                + "problem. Curves longer than ").append(maxPoints).append(" points are downsampled by averaging consecutive steps in ")
                .append(maxPoints).append(" buckets (first and last point kept). A y axis turns logarithmic when the values span more "
                        + "than two decades; a time axis turns logarithmic when one optimizer's run takes more than " + (int) TIME_OUTLIER
                        + " times the median, and the outliers are named under the chart. Runs whose training loss grew more than a "
                        + "thousandfold (or stopped being a number) count as diverged. Timing starts after an untimed warm-up run per problem. Final and best metrics are means ± sample standard deviations over finished runs; steps to "
                        + "target average the runs that reached the problem's loss target.</p>\n");
        b.append("<nav><b>Problems:</b> ");
        for (ProblemSummary p : problems) b.append("<a href=\"#").append(anchor(p.problem())).append("\">").append(esc(p.problem())).append("</a> ");
        b.append("</nav>\n</header>\n");
    }

    private static void fact(StringBuilder b, String term, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
    }

    /** Ranks of every optimizer's best setting on every problem, sorted by mean rank. */
    private void summary(StringBuilder b, List<ProblemSummary> problems) {
        record Row(String optimizer, int[] ranks, double meanRank) {}
        List<Row> rows = new ArrayList<>();
        for (String opt : styles.keySet()) {
            int[] ranks = new int[problems.size()];
            double sum = 0;
            int n = 0;
            for (int i = 0; i < ranks.length; i++) {
                ranks[i] = problems.get(i).rank(opt);
                if (ranks[i] > 0) {
                    sum += ranks[i];
                    n++;
                }
            }
            rows.add(new Row(opt, ranks, n == 0 ? Double.NaN : sum / n));
        }
        rows.sort((a, c) -> {
            if (Double.isNaN(a.meanRank()) != Double.isNaN(c.meanRank())) return Double.isNaN(a.meanRank()) ? 1 : -1;
            int cmp = Double.compare(a.meanRank(), c.meanRank());
            return cmp != 0 ? cmp : a.optimizer().compareTo(c.optimizer());
        });
        b.append("<section id=\"summary\">\n<h2>Ranks across problems</h2>\n")
                .append("<p class=\"notes\">Rank of each optimizer's best setting among the optimizers with a finished run on the problem "
                        + "(1 = best final metric); — not run, ✗ no finished run. Sorted by mean rank.</p>\n")
                .append("<table class=\"summary\">\n<thead><tr><th>optimizer</th>");
        for (ProblemSummary p : problems) b.append("<th>").append(esc(p.problem())).append("</th>");
        b.append("<th>mean rank</th></tr></thead>\n<tbody>\n");
        for (Row r : rows) {
            b.append("<tr data-optimizer=\"").append(esc(r.optimizer())).append("\"><td class=\"name\">").append(swatch(r.optimizer()))
                    .append(esc(r.optimizer())).append("</td>");
            for (int i = 0; i < problems.size(); i++) {
                int rank = r.ranks()[i];
                boolean ran = problems.get(i).bestPerOptimizer().stream().anyMatch(s -> s.optimizer().equals(r.optimizer()));
                String cls = rank == 1 ? "num rank first" : "num rank";
                b.append("<td class=\"").append(cls).append("\">").append(rank > 0 ? rank + "<small>/" + problems.get(i).rankedCount() + "</small>"
                        : ran ? "✗" : "—").append("</td>");
            }
            b.append("<td class=\"num\">").append(Double.isNaN(r.meanRank()) ? Numbers.MISSING : String.format(java.util.Locale.ROOT, "%.2f", r.meanRank()))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private void problem(StringBuilder b, ProblemSummary p) {
        String metric = p.metricName();
        b.append("<section class=\"problem\" id=\"").append(anchor(p.problem())).append("\" data-problem=\"").append(esc(p.problem())).append("\">\n");
        b.append("<h2>").append(esc(p.problem())).append("</h2>\n<p class=\"meta\">Metric <code>").append(esc(metric)).append("</code> (")
                .append(p.higherIsBetter() ? "higher" : "lower").append(" is better) · loss target ")
                .append(Double.isFinite(p.lossTarget()) ? esc(Numbers.compact(p.lossTarget(), 4)) : "none").append(" · ")
                .append(p.settings().stream().mapToInt(s -> s.runs().size()).sum()).append(" runs, ").append(p.settings().size())
                .append(" settings of ").append(p.bestPerOptimizer().size()).append(" optimizers</p>\n");

        List<Setting> charted = p.charted();
        ReportData.Curves curves = data.curves(p.problem());
        if (!byFamily) {
            charts(b, p, charted, curves, null);
        } else {
            for (String family : new java.util.LinkedHashSet<>(familyOf.values())) {
                if (p.bestPerOptimizer().stream().noneMatch(s -> family.equals(familyOf.get(s.optimizer())))) continue;
                b.append("<h3 class=\"family\">").append(esc(family)).append(" optimizers</h3>\n");
                charts(b, p, charted, curves, family);
            }
        }
        table(b, p, charted);
        failures(b, p);
        b.append("</section>\n");
    }

    /** The three charts of a problem, for every optimizer or for one {@code family}'s (null: all). */
    private void charts(StringBuilder b, ProblemSummary p, List<Setting> charted, ReportData.Curves curves, String family) {
        String metric = p.metricName();
        String suffix = family == null ? "" : " (" + family + ")";
        String kind = family == null ? "" : "-" + family;
        b.append("<div class=\"charts\">\n");
        b.append(chart(p, charted, family, "loss-step" + kind, "Training loss vs step" + suffix, "step", "training loss", curves::loss, false));
        b.append(chart(p, charted, family, "loss-time" + kind, "Training loss vs wall-clock time" + suffix, "training time (s)", "training loss",
                curves::loss, true));
        b.append(chart(p, charted, family, "metric-step" + kind, metric + " vs step" + suffix, "step", metric, curves::metric, false));
        b.append("</div>\n");
    }

    private String chart(ProblemSummary p, List<Setting> charted, String family, String kind, String title, String xLabel, String yLabel,
                         Function<String, RunSeries> seriesOf, boolean wallClock) {
        List<SvgLineChart.Series> series = new ArrayList<>();
        List<String> notDrawn = new ArrayList<>();
        java.util.function.Predicate<Setting> inFamily = s -> family == null || family.equals(familyOf.get(s.optimizer()));
        for (Setting s : p.bestPerOptimizer()) {
            if (inFamily.test(s) && !charted.contains(s)) notDrawn.add(s.optimizer() + " (no finished run)");
        }
        for (Setting s : charted) {
            if (!inFamily.test(s)) continue;
            List<RunSeries> seeds = s.finishedRuns().stream().map(r -> seriesOf.apply(r.runId())).toList();
            MeanCurve curve = MeanCurve.overSeeds(seeds, wallClock).downsample(maxPoints);
            if (curve.size() == 0) {
                notDrawn.add(s.optimizer() + " (no points recorded)");
                continue;
            }
            series.add(new SvgLineChart.Series(s.optimizer() + " (" + s.hyperLabel() + ")", s.optimizer(), s.hyperLabel(),
                    styles.get(s.optimizer()), curve));
        }
        chartCount++;
        SvgLineChart chart = new SvgLineChart(title + " — " + p.problem(), xLabel, yLabel, p.problem(), kind, BAND_NOTE);
        if (wallClock) {
            List<String> slow = timeOutliers(series);
            if (!slow.isEmpty()) chart = chart.withLogX().withLineNote("log time axis; slow: " + String.join(", ", slow));
        }
        return chart.render(series, "c" + chartCount, notDrawn);
    }

    /**
     * The series whose curve ends more than {@link #TIME_OUTLIER} times later than the median end
     * (deepzero's 10 s beside others' 0.5 s squeezed every other line against the axis), each with its
     * end time and the ratio.
     */
    static List<String> timeOutliers(List<SvgLineChart.Series> series) {
        double[] ends = series.stream().mapToDouble(s -> s.curve().x()[s.curve().size() - 1]).sorted().toArray();
        if (ends.length < 3) return List.of();
        double median = ends.length % 2 == 1 ? ends[ends.length / 2] : (ends[ends.length / 2 - 1] + ends[ends.length / 2]) / 2;
        if (!(median > 0)) return List.of();
        List<String> out = new ArrayList<>();
        for (SvgLineChart.Series s : series) {
            double end = s.curve().x()[s.curve().size() - 1];
            if (end > TIME_OUTLIER * median) {
                out.add(s.optimizer() + " " + sig(end, 3) + " s (" + String.format(java.util.Locale.ROOT, "%.0f", end / median) + "× the median)");
            }
        }
        return out;
    }

    private void table(StringBuilder b, ProblemSummary p, List<Setting> charted) {
        String m = esc(p.metricName());
        b.append("<table class=\"results\">\n<thead><tr><th>#</th><th>optimizer</th><th>hyperparameters</th><th>seeds</th>")
                .append("<th>final ").append(m).append("<br><small>mean ± std</small></th><th>best ").append(m).append("<br><small>mean</small></th>")
                .append("<th>steps to target<br><small>mean of reached</small></th><th>reached</th><th title=\"the tensors of the optimizer state a checkpoint saves, at this run's settings, divided by the parameter count; bin/descent optimizers lists each optimizer's working memory instead\">saved state<br><small>bytes/param, measured</small></th>")
                .append("<th>time/step<br><small>ms</small></th><th>throughput</th><th>status</th></tr></thead>\n<tbody>\n");
        int rank = 0;
        for (Setting s : p.settings()) {
            rank++;
            boolean isCharted = charted.contains(s);
            Stats fin = s.finalMetric(), best = s.bestMetric(), target = s.stepsToTarget();
            b.append("<tr data-optimizer=\"").append(esc(s.optimizer())).append("\" data-hyper=\"").append(esc(s.hyperLabel())).append('"')
                    .append(isCharted ? " class=\"charted\"" : "").append(">");
            b.append("<td class=\"num\">").append(rank).append("</td>");
            b.append("<td class=\"name\">").append(isCharted ? swatch(s.optimizer()) : "<span class=\"swatch none\"></span>")
                    .append(esc(s.optimizer())).append("</td>");
            b.append("<td class=\"hyper\">").append(esc(s.hyperLabel())).append("</td>");
            b.append("<td class=\"num\">").append(s.runs().size()).append("</td>");
            b.append("<td class=\"num final\" data-n=\"").append(fin.n()).append("\" data-mean=\"").append(fin.mean()).append("\" data-std=\"")
                    .append(fin.std()).append("\">").append(esc(Numbers.meanStd(fin, 4))).append("</td>");
            b.append("<td class=\"num best\" data-mean=\"").append(best.mean()).append("\">").append(esc(sig(best.mean(), 4))).append("</td>");
            b.append("<td class=\"num to-target\" data-mean=\"").append(target.mean()).append("\">")
                    .append(Double.isFinite(p.lossTarget()) ? esc(Numbers.compact(target.mean(), 4)) : Numbers.MISSING).append("</td>");
            b.append("<td class=\"num reached\">").append(Double.isFinite(p.lossTarget()) ? s.reachedTarget() + "/" + s.runs().size() : "no target")
                    .append("</td>");
            b.append("<td class=\"num\">").append(esc(Numbers.compact(s.stateBytesPerParam().mean(), 3))).append("</td>");
            b.append("<td class=\"num\">").append(esc(sig(s.secondsPerStep().mean() * 1e3, 3))).append("</td>");
            Stats tp = s.throughput();
            b.append("<td class=\"num\">").append(tp.n() == 0 ? Numbers.MISSING : esc(Numbers.rate(tp.mean()) + " " + s.throughputUnit() + "/s")).append("</td>");
            Map<String, Integer> counts = s.statusCounts();
            boolean bad = counts.keySet().stream().anyMatch(k -> !k.equals(RunRecord.FINISHED));
            b.append("<td class=\"status").append(bad ? " bad" : "").append("\">")
                    .append(esc(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    /** Runs that did not finish, with where they stopped and why. */
    private static void failures(StringBuilder b, ProblemSummary p) {
        List<RunRecord> bad = p.settings().stream().flatMap(s -> s.runs().stream()).filter(r -> !r.finished()).toList();
        if (bad.isEmpty()) return;
        b.append("<details class=\"failures\"><summary>").append(bad.size()).append(bad.size() == 1 ? " run" : " runs")
                .append(" did not finish</summary>\n<ul>\n");
        for (RunRecord r : bad) {
            b.append("<li><b>").append(esc(r.optimizer())).append("</b> (").append(esc(HyperLabel.of(r.hyperJson()))).append("), seed ")
                    .append(r.seed()).append(": ").append(esc(r.status())).append(" after ").append(r.stepsDone()).append(" of ")
                    .append(r.steps()).append(" steps");
            if (r.error() != null && !r.error().isBlank()) b.append(" — <code>").append(esc(firstLine(r.error()))).append("</code>");
            b.append("</li>\n");
        }
        b.append("</ul></details>\n");
    }

    private String swatch(String optimizer) {
        SeriesStyle st = styles.get(optimizer);
        return "<span class=\"swatch\" style=\"background:" + st.color() + "\"></span>";
    }

    /** A fragment identifier made of safe characters, unique per problem name. */
    static String anchor(String problem) {
        StringBuilder a = new StringBuilder("p-");
        for (char c : problem.toCharArray()) a.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' ? c : '_');
        return a.append('-').append(Integer.toHexString(problem.hashCode())).toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 299) + "…" : line;
    }

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: #222; margin: 24px auto; max-width: 1380px; padding: 0 16px; }
            h1 { font-size: 24px; margin: 0 0 12px; }
            h2 { font-size: 19px; margin: 32px 0 4px; padding-top: 12px; border-top: 2px solid #ddd; }
            code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 10px; }
            dl.facts dt { font-weight: 600; color: #555; }
            dl.facts dd { margin: 0; }
            p.notes { color: #555; font-size: 13px; max-width: 1100px; }
            p.meta { color: #444; margin: 0 0 8px; }
            nav a { margin-right: 10px; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px 24px; margin: 8px 0 12px; }
            """ + SvgLineChart.CSS + """
            table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
            th, td { padding: 3px 9px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: baseline; }
            th { background: #f4f5f7; font-weight: 600; border-bottom: 1px solid #ccc; }
            th small, td small { color: #777; font-weight: normal; }
            tbody tr:nth-child(even) { background: #fafbfc; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.name { white-space: nowrap; font-weight: 500; }
            td.hyper { font: 12px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; color: #444; min-width: 220px; }
            td.status { white-space: nowrap; }
            td.status.bad { color: #b00020; }
            td.rank.first { font-weight: 700; background: #e8f5e9; }
            tr.charted td.name { font-weight: 700; }
            .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
            .swatch.none { background: transparent; border: 1px solid #ccc; box-sizing: border-box; }
            details.failures { font-size: 13px; color: #444; margin-bottom: 8px; }
            footer { margin-top: 32px; color: #888; font-size: 12px; }
            """;
}
