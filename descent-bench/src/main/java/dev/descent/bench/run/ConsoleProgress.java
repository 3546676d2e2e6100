package dev.descent.bench.run;

import dev.descent.bench.store.RunRow;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a benchmark on the console. On a terminal: a block of lines redrawn in place with ANSI
 * escapes (one per worker: its run, step/steps and loss; then the overall bar with runs done/total
 * and the ETA), at most ten times a second, with a permanent line printed above it for each
 * finished run. Elsewhere (CI, pipes): only the permanent line per finished run.
 *
 * <p>The ETA assumes the remaining steps cost what the steps so far did on average.
 */
public final class ConsoleProgress implements RunListener {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final String[] workerLines;
    private final int[] workerStepsDone;
    private final long startNanos = System.nanoTime();
    private int total;
    private int done;
    private long totalSteps;
    private long stepsOfFinishedRuns;
    private long lastDraw;
    private int drawnLines;

    public ConsoleProgress(PrintWriter out, boolean terminal, int jobs) {
        this.out = out;
        this.terminal = terminal;
        this.workerLines = new String[jobs];
        this.workerStepsDone = new int[jobs];
    }

    /** True when standard output is a terminal (then redraw in place). */
    public static boolean stdoutIsTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    @Override
    public synchronized void onStart(int total, int skipped, long totalSteps) {
        this.total = total;
        this.totalSteps = totalSteps;
        out.printf("%d run%s to do%s%n", total, total == 1 ? "" : "s", skipped > 0 ? " (" + skipped + " already stored, skipped)" : "");
        out.flush();
    }

    @Override
    public synchronized void onRunStart(int worker, RunSpec spec) {
        if (worker < workerLines.length) {
            workerStepsDone[worker] = 0;
            workerLines[worker] = spec.label() + ": starting";
        }
        redraw(false);
    }

    @Override
    public synchronized void onStep(int worker, RunSpec spec, int step, double loss) {
        if (worker < workerLines.length) {
            workerStepsDone[worker] = step;
            if (terminal) workerLines[worker] = String.format(Locale.ROOT, "%s: step %d/%d loss %.4g", spec.label(), step, spec.steps(), loss);
        }
        redraw(false);
    }

    @Override
    public synchronized void onRunEnd(int worker, RunResult result, int done, int total) {
        this.done = done;
        stepsOfFinishedRuns += result.spec().steps();
        if (worker < workerLines.length) {
            workerLines[worker] = null;
            workerStepsDone[worker] = 0;
        }
        clear();
        out.println(finishedLine(result, done, total));
        redraw(true);
    }

    /** "[12/250] rosenbrock adamw seed 1: finished, loss 1.2e-04 (0.8 s)". */
    static String finishedLine(RunResult r, int done, int total) {
        RunRow row = r.row();
        String metric = row.finalMetric() == null ? "n/a" : String.format(Locale.ROOT, "%.4g", row.finalMetric());
        String status = row.status() + (row.error() != null ? " (" + row.error() + ")" : "");
        return String.format(Locale.ROOT, "[%d/%d] %s: %s, %s %s (%.1f s)", done, total, r.spec().label(), status, row.metricName(), metric,
                row.wallSeconds());
    }

    private void clear() {
        if (!terminal || drawnLines == 0) return;
        out.print("\033[" + drawnLines + "A");
        for (int i = 0; i < drawnLines; i++) out.print("\033[2K\n");
        out.print("\033[" + drawnLines + "A");
        drawnLines = 0;
    }

    private void redraw(boolean force) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        clear();
        int lines = 0;
        for (String l : workerLines) {
            if (l == null) continue;
            out.println("  " + l);
            lines++;
        }
        out.println(overallLine(now));
        drawnLines = lines + 1;
        out.flush();
    }

    private String overallLine(long now) {
        long stepsDone = stepsOfFinishedRuns;
        for (int s : workerStepsDone) stepsDone += s;
        double fraction = totalSteps > 0 ? Math.min(1, (double) stepsDone / totalSteps) : 0;
        double elapsed = (now - startNanos) / 1e9;
        String eta = fraction > 0 ? duration(elapsed * (1 - fraction) / fraction) : "?";
        int width = 30;
        int filled = (int) Math.round(width * fraction);
        return String.format(Locale.ROOT, "runs %d/%d [%s%s] %3.0f%% | elapsed %s | ETA %s", done, total, "=".repeat(filled),
                " ".repeat(width - filled), 100 * fraction, duration(elapsed), eta);
    }

    static String duration(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
