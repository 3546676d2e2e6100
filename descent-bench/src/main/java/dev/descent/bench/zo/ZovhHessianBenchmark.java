package dev.descent.bench.zo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.zo.HessianComparison;
import dev.descent.zo.HessianEstimator;
import dev.descent.zo.HessianFunction;
import dev.descent.zo.HessianFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Claim (a): at equal query budgets, the relative errors of the Hessian, of the regularised inverse
 * (Ĥ + λI)⁻¹ and of the inverse-Hessian–gradient product of ZoVH against the classical estimators,
 * mean ± std over seeds, on the three test functions at their documented points
 * ({@link HessianComparison}, the same numbers {@code descent zo hessian --json} prints). Writes
 * {@code zovh-hessian.json}, {@code zovh-hessian.md} and one SVG per function and metric.
 */
public final class ZovhHessianBenchmark {
    public static final int[] BUDGETS = {100, 300, 1000, 3000, 10000};
    private static final List<String> FUNCTIONS = List.of("quadratic", "rosenbrock", "logreg-breast-cancer");

    private ZovhHessianBenchmark() {}

    private record Metric(String key, String title, ToDoubleFunction<HessianComparison> get) {}

    private static final List<Metric> METRICS = List.of(
            new Metric("hessian_error", "Hessian ‖Ĥ−H‖/‖H‖", HessianComparison::hessianError),
            new Metric("inverse_error", "inverse ‖(Ĥ+λI)⁻¹−(H+λI)⁻¹‖/‖·‖", HessianComparison::inverseError),
            new Metric("product_error", "product (Ĥ+λI)⁻¹ĝ vs (H+λI)⁻¹∇f", HessianComparison::productError));

    /** Runs the grid and writes the report files into {@code out}; returns the markdown. */
    public static String run(Path out, int seeds, double mu, double lambda, double condition) throws IOException {
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("claim", "ZoVH Hessian / inverse / product error vs classical estimators at equal query budgets");
        root.put("seeds", seeds).put("mu", mu).put("lambda", lambda).put("quadratic_condition", condition);
        root.put("points", "quadratic x=(1,...,1), d=20; rosenbrock (-1.2,1,...), d=10; logreg-breast-cancer theta=0, d=31");
        ArrayNode rows = root.putArray("results");
        StringBuilder md = new StringBuilder();
        md.append("## ZoVH: Hessian, inverse and product errors at equal query budgets\n\n");
        md.append(String.format(Locale.ROOT, "Relative Frobenius errors against the exact Hessian, mean ± std over %d seeds (directions keyed by seed 0..%d), "
                + "μ = %s, λ = %s, quadratic condition number %s. Points: quadratic x = (1, …, 1), d = 20; Rosenbrock (−1.2, 1, …), d = 10; "
                + "logistic regression on breast_cancer θ = 0, d = 31. `zovh` = averaged baseline (eq. 10); `zovh eq.15`/`zovh eq.16` = its "
                + "diagonal-UᵀU inverse and bias-corrected product from the same queries. Reproduce: `bin/descent zo bench --claim hessian`, "
                + "or one cell: `bin/descent zo hessian --function F --queries Q --estimator E --seed S --json`.%n%n", seeds, seeds - 1, ZovhConvergenceBenchmark.num(mu), ZovhConvergenceBenchmark.num(lambda), ZovhConvergenceBenchmark.num(condition)));
        long start = System.nanoTime();
        for (String fname : FUNCTIONS) {
            HessianFunction f = HessianFunctions.byName(fname, null, condition);
            // estimator → metric → budget → [mean, std]
            Map<String, double[][][]> stats = new LinkedHashMap<>();
            for (HessianEstimator e : HessianEstimator.values()) {
                double[][][] s = new double[METRICS.size() + 2][BUDGETS.length][2];
                for (int b = 0; b < BUDGETS.length; b++) {
                    double[][] vals = new double[METRICS.size() + 2][seeds];
                    for (int seed = 0; seed < seeds; seed++) {
                        HessianComparison c = HessianComparison.run(f, e, BUDGETS[b], mu, lambda, seed);
                        for (int m = 0; m < METRICS.size(); m++) vals[m][seed] = METRICS.get(m).get().applyAsDouble(c);
                        vals[METRICS.size()][seed] = c.inverseEq15Error();
                        vals[METRICS.size() + 1][seed] = c.productEq16Error();
                        ObjectNode r = rows.addObject();
                        r.put("function", fname).put("dim", c.dim()).put("estimator", e.cliName()).put("queries", BUDGETS[b])
                                .put("queries_used", c.queriesUsed()).put("seed", seed).put("hessian_error", c.hessianError())
                                .put("inverse_error", c.inverseError()).put("product_error", c.productError()).put("gradient_error", c.gradientError());
                        if (e == HessianEstimator.ZOVH) r.put("inverse_eq15_error", c.inverseEq15Error()).put("product_eq16_error", c.productEq16Error());
                    }
                    for (int m = 0; m < vals.length; m++) s[m][b] = meanStd(vals[m]);
                }
                stats.put(e.cliName(), s);
            }
            for (int m = 0; m < METRICS.size(); m++) {
                Metric metric = METRICS.get(m);
                md.append(String.format(Locale.ROOT, "### %s (d = %d): %s%n%n", fname, f.dim(), metric.title()));
                StringBuilder head = new StringBuilder("| Q |");
                StringBuilder sep = new StringBuilder("|---:|");
                for (String e : stats.keySet()) {
                    head.append(' ').append(e).append(" |");
                    sep.append("---:|");
                }
                int extra = m == 1 ? METRICS.size() : m == 2 ? METRICS.size() + 1 : -1;
                if (extra >= 0) {
                    head.append(m == 1 ? " zovh eq.15 |" : " zovh eq.16 |");
                    sep.append("---:|");
                }
                head.append(" zovh/stein2 | zovh/stein3 | zovh/cd |");
                sep.append("---:|---:|---:|");
                md.append(head).append('\n').append(sep).append('\n');
                SvgChart chart = new SvgChart(fname + " (d=" + f.dim() + "): " + metric.title() + ", mean over " + seeds + " seeds",
                        "function queries", "relative error");
                for (String e : stats.keySet()) {
                    double[] x = new double[BUDGETS.length], y = new double[BUDGETS.length], lo = new double[BUDGETS.length], hi = new double[BUDGETS.length];
                    for (int b = 0; b < BUDGETS.length; b++) {
                        x[b] = BUDGETS[b];
                        y[b] = stats.get(e)[m][b][0];
                        lo[b] = y[b] - stats.get(e)[m][b][1];
                        hi[b] = y[b] + stats.get(e)[m][b][1];
                    }
                    chart.add(e, x, y, lo, hi);
                }
                for (int b = 0; b < BUDGETS.length; b++) {
                    md.append("| ").append(BUDGETS[b]).append(" |");
                    for (String e : stats.keySet()) md.append(' ').append(pm(stats.get(e)[m][b])).append(" |");
                    if (extra >= 0) md.append(' ').append(pm(stats.get("zovh")[extra][b])).append(" |");
                    double z = stats.get("zovh")[m][b][0];
                    for (String base : new String[] {"stein2", "stein3", "cd"}) {
                        md.append(String.format(Locale.ROOT, " %.3g |", z / stats.get(base)[m][b][0]));
                    }
                    md.append('\n');
                }
                md.append('\n');
                Files.writeString(out.resolve("zovh-hessian-" + fname + "-" + metric.key() + ".svg"), chart.render(820, 420));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        root.put("seconds", seconds);
        md.append(String.format(Locale.ROOT, "Wall time %.0f s on this machine. Plots: `zovh-hessian-<function>-<metric>.svg`.%n%n", seconds));
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("zovh-hessian.json").toFile(), root);
        Files.writeString(out.resolve("zovh-hessian.md"), md.toString());
        return md.toString();
    }

    static double[] meanStd(double[] v) {
        double m = 0;
        for (double x : v) m += x;
        m /= v.length;
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return new double[] {m, v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0};
    }

    static String pm(double[] ms) {
        return String.format(Locale.ROOT, "%.3g ± %.2g", ms[0], ms[1]);
    }
}
