package dev.descent.cli;

import dev.descent.train.TrainListener;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A one-line progress bar on standard error: step, loss, learning rate, tokens/s and ETA. On a
 * terminal it redraws in place; otherwise (logs, CI) it prints a line every few percent.
 */
final class ProgressBar implements TrainListener {
    private final PrintStream out;
    private final boolean terminal;
    private long first;
    private long lastPrintedPercent = -1;
    private boolean open;

    ProgressBar(PrintStream out) {
        this.out = out;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    @Override
    public void onStart(long firstStep, long maxIters, long parameters) {
        this.first = firstStep;
    }

    @Override
    public void onStep(long step, long maxIters, double loss, double lr, double tokensPerSecond, double trainSeconds) {
        long done = step - first;
        long total = Math.max(1, maxIters - first);
        double eta = done > 0 ? trainSeconds / done * (maxIters - step) : 0;
        int width = 24;
        int filled = (int) (width * (double) (step) / Math.max(1, maxIters));
        String bar = "=".repeat(Math.min(width, filled)) + (filled < width ? ">" : "") + " ".repeat(Math.max(0, width - filled - 1));
        String line = String.format("step %d/%d [%s] loss %.4f | lr %.2e | %,.0f tok/s | ETA %s",
                step, maxIters, bar, loss, lr, tokensPerSecond, duration(eta));
        if (terminal) {
            out.print("\r" + line + "   ");
            open = true;
            if (step == maxIters) newline();
        } else {
            long percent = 100 * done / total;
            if (percent / 5 != lastPrintedPercent / 5 || step == maxIters) {
                lastPrintedPercent = percent;
                out.println(line);
            }
        }
        out.flush();
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
