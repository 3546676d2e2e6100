package dev.descent.cli;

import dev.descent.bench.report.HtmlReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent report}: one self-contained HTML file (inline SVG charts and tables) from a run store. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a self-contained HTML report of a benchmark run store (the SQLite file of `bin/descent bench run`):",
                "per problem, training loss against step and wall-clock time, the evaluation metric against step, "
                        + "and a table of every optimizer setting; ranks across problems. Opens offline; no scripts."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "the run store (SQLite)")
    Path db;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the HTML file to write (replaced atomically)")
    Path out;

    @Option(names = "--max-points", paramLabel = "N", defaultValue = "" + HtmlReport.DEFAULT_MAX_POINTS,
            description = "longest line drawn; longer curves are averaged into N buckets (default: ${DEFAULT-VALUE})")
    int maxPoints;

    @Option(names = "--optimizers", paramLabel = "NAME", split = ",",
            description = "only these optimizers, comma-separated (default: every optimizer in the store)")
    java.util.List<String> optimizers = new java.util.ArrayList<>();

    @Option(names = "--by-family", description = "split each problem's charts by optimizer family "
            + "(Classic, Matrix, Seed, Sophia, ZerothOrder, Zovh, DeepZero), a few lines per chart instead of thirty")
    boolean byFamily;

    @Override
    public Integer call() {
        HtmlReport.Written w = HtmlReport.write(db, out, new HtmlReport.Options(maxPoints, new java.util.HashSet<>(optimizers), byFamily));
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d runs, %d problems, %d charts, %.1f KB%n",
                w.out(), w.runs(), w.problems(), w.charts(), w.bytes() / 1024.0);
        return 0;
    }
}
