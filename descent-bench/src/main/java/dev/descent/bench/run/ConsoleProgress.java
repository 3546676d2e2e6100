package dev.descent.bench.run;

import dev.descent.bench.store.RunRow;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a benchmark on the console. On a terminal: a block of lines redrawn in place with ANSI
 * escapes (one per worker: its run, a bar of its steps, step/steps and loss; then the overall bar
 * with runs done/total and the ETA), at most ten times a second, with a permanent line printed
 * above it for each finished run. Elsewhere (CI, pipes): only the permanent line per finished run.
 *
 * <p>The ETA assumes the remaining steps cost what the steps so far did on average.
 */
public final class ConsoleProgress implements RunListener {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    /** What each worker is doing; a worker writes only its own slot, the drawing thread reads them all. */
    private final Slot[] slots;
    private final long startNanos = System.nanoTime();
    private int total;
    private int done;
    private long totalSteps;
    private long stepsOfFinishedRuns;
    /** When the block was last drawn; starts one interval back so that the first run shows at once. */
    private volatile long lastDraw = startNanos - REDRAW_NANOS;

    private static final class Slot {
        volatile RunSpec spec;
        volatile int step;
        volatile double loss = Double.NaN;
    }
    private int drawnLines;

    public ConsoleProgress(PrintWriter out, boolean terminal, int jobs) {
        this.out = out;
        this.terminal = terminal;
        this.slots = new Slot[jobs];
        for (int i = 0; i < jobs; i++) slots[i] = new Slot();
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
        if (worker < slots.length) {
            slots[worker].step = 0;
            slots[worker].loss = Double.NaN;
            slots[worker].spec = spec;
        }
        redraw(false);
    }

    /** Called every step: records into the worker's slot without locking and redraws only when it is time. */
    @Override
    public void onStep(int worker, RunSpec spec, int step, double loss) {
        if (!terminal || worker >= slots.length) return;
        Slot s = slots[worker];
        s.loss = loss;
        s.step = step;
        if (System.nanoTime() - lastDraw >= REDRAW_NANOS) {
            synchronized (this) {
                redraw(false);
            }
        }
    }

    @Override
    public synchronized void onRunEnd(int worker, RunResult result, int done, int total) {
        this.done = done;
        stepsOfFinishedRuns += result.spec().steps();
        if (worker < slots.length) {
            slots[worker].spec = null;
            slots[worker].step = 0;
        }
        clear();
        out.println(finishedLine(result, done, total));
        redraw(true);
    }

    /** "[12/250] rosenbrock adamw seed 1: finished, loss 1.2e-04 (0.812 s)". */
    static String finishedLine(RunResult r, int done, int total) {
        RunRow row = r.row();
        String metric = row.finalMetric() == null ? "n/a" : String.format(Locale.ROOT, "%.4g", row.finalMetric());
        String status = row.status() + (row.error() != null ? " (" + row.error() + ")" : "");
        double t = row.wallSeconds();
        String time = t < 10 ? String.format(Locale.ROOT, "%.3f s", t) : String.format(Locale.ROOT, "%.1f s", t);
        return String.format(Locale.ROOT, "[%d/%d] %s: %s, %s %s (%s)", done, total, r.spec().label(), status, row.metricName(), metric, time);
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
        for (Slot slot : slots) {
            RunSpec spec = slot.spec;
            if (spec == null) continue;
            out.println(runLine(spec, slot.step, slot.loss));
            lines++;
        }
        out.println(overallLine(now));
        drawnLines = lines + 1;
        out.flush();
    }

    private String overallLine(long now) {
        long stepsDone = stepsOfFinishedRuns;
        for (Slot slot : slots) if (slot.spec != null) stepsDone += slot.step;
        double fraction = totalSteps > 0 ? Math.min(1, (double) stepsDone / totalSteps) : 0;
        double elapsed = (now - startNanos) / 1e9;
        String eta = fraction > 0 ? duration(elapsed * (1 - fraction) / fraction) : "?";
        return String.format(Locale.ROOT, "runs %d/%d %s %3.0f%% | elapsed %s | ETA %s", done, total, bar(fraction, 30),
                100 * fraction, duration(elapsed), eta);
    }

    /** "  quadratic adamw {lr=0.01} seed 1 [====      ] 412/1000 loss 0.1234": a worker's run and its steps. */
    static String runLine(RunSpec spec, int step, double loss) {
        int steps = spec.steps();
        double fraction = steps > 0 ? Math.min(1, (double) step / steps) : 0;
        String state = step == 0 ? "starting" : String.format(Locale.ROOT, "loss %.4g", loss);
        return String.format(Locale.ROOT, "  %s %s %d/%d %s", spec.label(), bar(fraction, 10), step, steps, state);
    }

    /** "[===       ]": {@code width} cells, the first round(width × fraction) filled. */
    static String bar(double fraction, int width) {
        int filled = (int) Math.round(width * Math.max(0, Math.min(1, fraction)));
        return "[" + "=".repeat(filled) + " ".repeat(width - filled) + "]";
    }

    static String duration(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
