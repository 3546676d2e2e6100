package dev.descent.cli;

import dev.descent.train.TrainListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on standard error: step, loss, learning rate, tokens/s and ETA. On a
 * terminal it redraws in place at most ten times a second (and at the last step); otherwise (logs,
 * CI) it prints a line every five percent. The line is formatted only when it is printed: a step of
 * the nanoGPT recipe takes about 20 ms, and formatting at every step kept the JIT compiling the
 * formatter's methods hundreds of steps into the run (each C2 compilation takes a core).
 */
final class ProgressBar implements TrainListener {
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private long first;
    private long lastPrintedPercent = -1;
    private long lastDrawNanos;
    private boolean open;

    /** Shortest time between two redraws on a terminal (tqdm's default, 0.1 s). */
    static final long REDRAW_NANOS = 100_000_000L;

    ProgressBar(PrintStream out) {
        this(out, System.console() != null && System.console().isTerminal(), System::nanoTime);
    }

    /** For tests: {@code terminal} chooses redrawing in place, {@code clock} gives nanoseconds. */
    ProgressBar(PrintStream out, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    public void onStart(long firstStep, long maxIters, long parameters) {
        this.first = firstStep;
    }

    @Override
    public void onStep(long step, long maxIters, double loss, double lr, double tokensPerSecond, double trainSeconds) {
        long done = step - first;
        boolean last = step == maxIters;
        if (terminal) {
            long now = clock.getAsLong();
            if (!last && open && now - lastDrawNanos < REDRAW_NANOS) return;
            lastDrawNanos = now;
            out.print("\r" + line(step, maxIters, loss, lr, tokensPerSecond, trainSeconds, done) + "   ");
            open = true;
            if (last) newline();
        } else {
            long percent = 100 * done / Math.max(1, maxIters - first);
            if (percent / 5 == lastPrintedPercent / 5 && !last) return;
            lastPrintedPercent = percent;
            out.println(line(step, maxIters, loss, lr, tokensPerSecond, trainSeconds, done));
        }
        out.flush();
    }

    private static String line(long step, long maxIters, double loss, double lr, double tokensPerSecond,
                               double trainSeconds, long done) {
        double eta = done > 0 ? trainSeconds / done * (maxIters - step) : 0;
        int width = 24;
        int filled = (int) (width * (double) (step) / Math.max(1, maxIters));
        String bar = "=".repeat(Math.min(width, filled)) + (filled < width ? ">" : "") + " ".repeat(Math.max(0, width - filled - 1));
        return String.format("step %d/%d [%s] loss %.4f | lr %.2e | %,.0f tok/s | ETA %s",
                step, maxIters, bar, loss, lr, tokensPerSecond, duration(eta));
    }

    @Override
    public void onEval(long step, double trainLoss, double valLoss) {
        newline();
        out.printf("step %d: train loss %.4f, val loss %.4f%n", step, trainLoss, valLoss);
    }

    @Override
    public void onCheckpoint(long step, Path dir) {}

    @Override
    public void onMessage(String line) {
        newline();
        out.println(line);
    }

    private void newline() {
        if (open) {
            out.println();
            open = false;
        }
    }

    static String duration(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
