package dev.descent.bench.merge;

import dev.descent.io.Safetensors;
import dev.descent.merge.Ace;
import dev.descent.merge.MergeConfig;
import dev.descent.merge.Merger;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ACE-Merging's claim on small experts: one base fine-tuned on several distinct tasks, then merged by
 * task arithmetic, TIES, DARE (dare_ties), PCB, ACE (and OPCM, for reference), each method's
 * hyperparameters chosen on the validation splits from the same kind of small grid (four points), scored on
 * the test splits as the <b>average normalised accuracy</b>: the mean over tasks of merged accuracy /
 * the task's expert's accuracy.
 *
 * <p>Per family ({@link GptFamily}, {@link MlpFamily}) and seed s: the base is trained from seed s's
 * initial weights on the mixture of the tasks, each expert from the base on its task; everything is
 * written under {@code out/FAMILY/seed-S/} ({@code base.safetensors}, {@code expert-K.safetensors}) with
 * one merge YAML per method holding its chosen hyperparameters ({@code METHOD.yaml}; rerun with
 * {@code bin/descent merge --config out/gpt/seed-1/ace.yaml --out DIR}). Every merge goes through
 * {@link Merger}, as the command does. The selection criterion is the mean normalised validation accuracy
 * (normalised by the experts' validation accuracies).
 *
 * <p>ACE's time: the whole merge (wall time of {@link Merger#merge}, which reads each expert's tensors once
 * per tensor) next to the sum of its per-tensor closed-form solves ({@link Ace#merge} on the same task
 * vectors, timed alone), and task arithmetic's merge for scale.
 */
public final class MergeExpertsBench {
    private MergeExpertsBench() {}

    /** A method's grid: YAML fragments (global parameters, per-model parameters). */
    record Grid(String method, List<String[]> points) {}

    static final List<Grid> GRIDS = List.of(
            new Grid("task_arithmetic", points("{lambda: %s}", "{weight: 1.0}", "0.1", "0.2", "0.3", "0.5")),
            new Grid("ties", cross("{lambda: %2$s}", "{weight: 1.0, density: %1$s}", new String[] {"0.2", "0.5"}, new String[] {"0.5", "1.0"})),
            new Grid("dare_ties", cross("{lambda: %2$s}", "{weight: 1.0, density: %1$s}", new String[] {"0.3", "0.6"}, new String[] {"0.2", "0.5"})),
            new Grid("pcb", cross("{density: %1$s, weight: %2$s}", null, new String[] {"0.1", "0.3"}, new String[] {"100", "300"})),
            new Grid("ace", points("{lambda: %s}", null, "0.25", "0.5", "1.0", "1.5")),
            new Grid("opcm", cross("{alpha: %1$s, lambda: %2$s}", null, new String[] {"0.5", "0.8"}, new String[] {"0.5", "1.0"})));

    private static List<String[]> points(String global, String model, String... values) {
        List<String[]> p = new ArrayList<>();
        for (String v : values) p.add(new String[] {String.format(Locale.ROOT, global, v), model});
        return p;
    }

    private static List<String[]> cross(String global, String model, String[] a, String[] b) {
        List<String[]> p = new ArrayList<>();
        for (String x : a) {
            for (String y : b) p.add(new String[] {String.format(Locale.ROOT, global, x, y), model == null ? null : String.format(Locale.ROOT, model, x, y)});
        }
        return p;
    }

    /** Options: families "gpt", "mlp" or "gpt,mlp". */
    public record Options(String families, int seeds, int gptBaseSteps, int gptExpertSteps, int mlpBaseSteps, int mlpExpertSteps, int trainExamples, Path out) {}

    public static void run(Options o, PrintStream out) throws IOException {
        for (String f : o.families().split(",")) {
            if (!f.strip().equals("gpt") && !f.strip().equals("mlp")) throw new IllegalArgumentException("families: unknown family '" + f.strip() + "'; valid: gpt, mlp");
        }
        for (String f : o.families().split(",")) {
            ExpertFamily family = switch (f.strip()) {
                case "gpt" -> new GptFamily(o.trainExamples(), 0);
                case "mlp" -> new MlpFamily(0);
                default -> throw new IllegalArgumentException("families: unknown family '" + f + "'; valid: gpt, mlp");
            };
            int baseSteps = family instanceof GptFamily ? o.gptBaseSteps() : o.mlpBaseSteps();
            int expertSteps = family instanceof GptFamily ? o.gptExpertSteps() : o.mlpExpertSteps();
            if (family instanceof GptFamily g) {
                out.printf(Locale.ROOT, "%nGPT tasks whose validation/test problems are unseen in training: %s%n", g.unseen);
            }
            runFamily(family, o.seeds(), baseSteps, expertSteps, o.out().resolve(family.name()), out);
        }
    }

    /** What one seed produced: the experts' and the base's accuracies, each method's chosen point and its scores. */
    record SeedResult(double[] expertTest, double[] baseTest, Map<String, String> chosen, Map<String, Double> normTest,
                      Map<String, double[]> rawTest, double aceMergeSeconds, double aceSolveSeconds, double taMergeSeconds) {}

    static void runFamily(ExpertFamily family, int seeds, int baseSteps, int expertSteps, Path dir, PrintStream out) throws IOException {
        int tasks = family.tasks().size();
        out.printf(Locale.ROOT, "%n### %s: %d tasks (%s), base %d steps on their mixture, experts %d steps each, %d seeds%n%n", family.name(), tasks,
                String.join(", ", family.tasks()), baseSteps, expertSteps, seeds);
        List<SeedResult> results = new ArrayList<>();
        for (int s = 1; s <= seeds; s++) {
            long t0 = System.nanoTime();
            Path sd = dir.resolve("seed-" + s);
            Files.createDirectories(sd);
            Experts e = Experts.train(family, s, baseSteps, expertSteps, sd);
            SeedResult r = tuneAndTest(family, e, sd);
            results.add(r);
            out.printf(Locale.ROOT, "seed %d (%.0f s): experts' test accuracy %s; base %s; chosen %s%n", s, (System.nanoTime() - t0) / 1e9,
                    fmt(r.expertTest()), fmt(r.baseTest()), r.chosen());
        }
        out.printf(Locale.ROOT, "%n| method | average normalised test accuracy (mean ± sd over seeds) | mean test accuracy per task (%s) |%n|---|---|---|%n",
                String.join(", ", family.tasks()));
        double[][] ex = new double[seeds][], ba = new double[seeds][];
        for (int s = 0; s < seeds; s++) {
            ex[s] = results.get(s).expertTest();
            ba[s] = results.get(s).baseTest();
        }
        out.printf(Locale.ROOT, "| experts (each on its own task) | 1 | %s |%n", fmt(meanRows(ex)));
        double[] baseNorm = new double[seeds];
        for (int s = 0; s < seeds; s++) baseNorm[s] = normalised(ba[s], ex[s]);
        out.printf(Locale.ROOT, "| base (no merge) | %s | %s |%n", meanSd(baseNorm), fmt(meanRows(ba)));
        for (Grid g : GRIDS) {
            double[] n = new double[seeds];
            double[][] raw = new double[seeds][];
            for (int s = 0; s < seeds; s++) {
                n[s] = results.get(s).normTest().get(g.method());
                raw[s] = results.get(s).rawTest().get(g.method());
            }
            out.printf(Locale.ROOT, "| %s | %s | %s |%n", g.method(), meanSd(n), fmt(meanRows(raw)));
        }
        double[] aceM = new double[seeds], aceS = new double[seeds], ta = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            aceM[s] = results.get(s).aceMergeSeconds();
            aceS[s] = results.get(s).aceSolveSeconds();
            ta[s] = results.get(s).taMergeSeconds();
        }
        out.printf(Locale.ROOT, "%nACE's time (%d experts, median over seeds): whole merge %.3f s, of which per-tensor closed-form solves %.3f s "
                + "(the rest: reading each expert's tensors once, writing); task arithmetic's merge %.3f s.%n", tasks, median(aceM), median(aceS), median(ta));
    }

    /** The base and the experts of one seed, written as safetensors. */
    record Experts(Map<String, Tensor> base, List<Map<String, Tensor>> experts, Path basePath, List<Path> expertPaths) {
        static Experts train(ExpertFamily family, long seed, int baseSteps, int expertSteps, Path dir) throws IOException {
            Map<String, Tensor> base = family.train(family.init(seed), -1, baseSteps, seed);
            Path bp = dir.resolve("base.safetensors");
            Safetensors.write(bp, base);
            List<Map<String, Tensor>> ex = new ArrayList<>();
            List<Path> ep = new ArrayList<>();
            for (int k = 0; k < family.tasks().size(); k++) {
                Map<String, Tensor> w = family.train(base, k, expertSteps, seed * 1000 + k + 1);
                Path p = dir.resolve("expert-" + k + ".safetensors");
                Safetensors.write(p, w);
                ex.add(w);
                ep.add(p);
            }
            return new Experts(base, ex, bp, ep);
        }
    }

    static SeedResult tuneAndTest(ExpertFamily family, Experts e, Path dir) throws IOException {
        int tasks = family.tasks().size();
        double[] exVal = new double[tasks], exTest = new double[tasks], baseTest = new double[tasks];
        for (int k = 0; k < tasks; k++) {
            exVal[k] = family.accuracy(e.experts().get(k), k, ExpertFamily.Split.VALIDATION);
            exTest[k] = family.accuracy(e.experts().get(k), k, ExpertFamily.Split.TEST);
            baseTest[k] = family.accuracy(e.base(), k, ExpertFamily.Split.TEST);
        }
        Map<String, String> chosen = new LinkedHashMap<>();
        Map<String, Double> normTest = new LinkedHashMap<>();
        Map<String, double[]> rawTest = new LinkedHashMap<>();
        double aceMerge = 0, taMerge = 0;
        for (Grid g : GRIDS) {
            double best = Double.NEGATIVE_INFINITY;
            String bestYaml = null;
            String[] bestPoint = null;
            for (String[] point : g.points()) {
                String yaml = yaml(g.method(), point, e);
                Map<String, Tensor> merged = merge(yaml, dir, g.method() + "-tune");
                double[] acc = new double[tasks];
                for (int k = 0; k < tasks; k++) acc[k] = family.accuracy(merged, k, ExpertFamily.Split.VALIDATION);
                double n = normalised(acc, exVal);
                if (n > best) {
                    best = n;
                    bestYaml = yaml;
                    bestPoint = point;
                }
            }
            Files.writeString(dir.resolve(g.method() + ".yaml"), bestYaml);
            long t0 = System.nanoTime();
            Map<String, Tensor> merged = merge(bestYaml, dir, g.method());
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (g.method().equals("ace")) aceMerge = seconds;
            if (g.method().equals("task_arithmetic")) taMerge = seconds;
            double[] acc = new double[tasks];
            for (int k = 0; k < tasks; k++) acc[k] = family.accuracy(merged, k, ExpertFamily.Split.TEST);
            chosen.put(g.method(), bestPoint[0] + (bestPoint[1] == null ? "" : " " + bestPoint[1]));
            normTest.put(g.method(), normalised(acc, exTest));
            rawTest.put(g.method(), acc);
        }
        return new SeedResult(exTest, baseTest, chosen, normTest, rawTest, aceMerge, aceSolveSeconds(e), taMerge);
    }

    /** The merge configuration of one grid point over the experts of {@code e} (paths relative to the seed's folder). */
    static String yaml(String method, String[] point, Experts e) {
        StringBuilder y = new StringBuilder("merge_method: " + method + "\nbase_model: base.safetensors\nmodels:\n");
        for (Path p : e.expertPaths()) {
            y.append("  - model: ").append(p.getFileName()).append('\n');
            if (point[1] != null) y.append("    parameters: ").append(point[1]).append('\n');
        }
        y.append("parameters: ").append(point[0]).append('\n');
        return y.toString();
    }

    /** Runs a merge as {@code bin/descent merge} does (from a configuration file in {@code dir}) and returns the merged weights. */
    static Map<String, Tensor> merge(String yaml, Path dir, String name) throws IOException {
        Path cfg = dir.resolve(".merge-" + name + ".yaml");
        Path out = dir.resolve(".merge-" + name + ".safetensors");
        Files.writeString(cfg, yaml);
        try {
            new Merger(MergeConfig.read(cfg)).merge(out);
            return new LinkedHashMap<>(Safetensors.read(out).tensors());
        } finally {
            Files.deleteIfExists(cfg);
            Files.deleteIfExists(out);
        }
    }

    /** The per-tensor closed-form solves of ACE alone, on the experts' task vectors of every 2-D tensor. */
    static double aceSolveSeconds(Experts e) {
        double seconds = 0;
        for (var t : e.base().entrySet()) {
            int[] shape = t.getValue().shape();
            if (shape.length != 2) continue;
            float[] b = t.getValue().toArray();
            List<double[]> tasks = new ArrayList<>();
            for (Map<String, Tensor> x : e.experts()) {
                float[] v = x.get(t.getKey()).toArray();
                double[] d = new double[v.length];
                for (int j = 0; j < v.length; j++) d[j] = (double) v[j] - b[j];
                tasks.add(d);
            }
            long t0 = System.nanoTime();
            Ace.merge(tasks, shape[0], shape[1]);
            seconds += (System.nanoTime() - t0) / 1e9;
        }
        return seconds;
    }

    /** Mean over tasks of acc / reference (tasks whose reference is 0 are skipped). */
    static double normalised(double[] acc, double[] reference) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < acc.length; k++) {
            if (reference[k] <= 0) continue;
            sum += acc[k] / reference[k];
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    static double[] meanRows(double[][] rows) {
        double[] m = new double[rows[0].length];
        for (double[] r : rows) for (int j = 0; j < m.length; j++) m[j] += r[j] / rows.length;
        return m;
    }

    static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", x));
        return b.toString();
    }

    static String meanSd(double[] x) {
        return dev.descent.bench.report.Stats.meanSd(x, 3);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
