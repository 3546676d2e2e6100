package dev.descent.cli;

import dev.descent.bench.report.RlRunReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent rl report}: the metrics of an {@code rl train} run folder as one self-contained HTML
 * page ({@link RlRunReport}); {@code rl train} writes the same page to the folder's {@code report.html}
 * when it ends, so this redraws it (for a run still going, or elsewhere).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Draw the metrics of an rl train run per step as one HTML file (inline SVG, no scripts): reward mean and std,",
                "zero-variance groups, clip fractions, KL, entropy, gradient norm, completion length, truncation, held-out pass@k."})
final class RlReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "the rl train run folder (its metrics.jsonl)")
    Path run;

    @Option(names = "--out", paramLabel = "FILE", description = "the HTML file to write (default: DIR/report.html; replaced atomically)")
    Path out;

    @Override
    public Integer call() throws Exception {
        RlRunReport.Written w = RlRunReport.write(run, out == null ? run.resolve(RlTrainCommand.REPORT) : out);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d steps, %d charts, %d series, %.1f KB%n",
                w.out(), w.steps(), w.charts(), w.series(), w.bytes() / 1024.0);
        return 0;
    }
}
