package dev.descent.tasks;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.nn.Gpt;
import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;

/**
 * Supervised fine-tuning on (prompt, completion) lines, as minGPT's adder trains: every line starts
 * at position 0 of its row (the position a prompt has when the policy answers it), rows are padded to
 * the longest line, and the loss is the mean next-token cross-entropy over the completion's tokens
 * and the stop token only (targets of prompt positions and padding are −1, ignored as PyTorch's
 * {@code ignore_index=-1}; minGPT's {@code y[:ndigit*2-1] = -1}).
 *
 * <p>Step k's batch is lines {@code order.nextInt(k·B + b, n)} for b &lt; B of the stream
 * (seed, "data/train"): sampling with replacement, a function of (seed, k) alone, so a run is
 * reproducible step by step. {@link #loss()} evaluates the same batch without a tape and without
 * dropout.
 */
public final class SftObjective implements Objective {
    private final Gpt model;
    private final int[][] lines;
    private final int[] promptLengths;
    private final int batch;
    private final int width;
    private final Philox order;
    private int[] x;
    private int[] y;

    /**
     * @param lines         token ids of each line: prompt, completion, stop token
     * @param promptLengths tokens of each line's prompt (≥ 1)
     * @param batch         lines per step
     */
    public SftObjective(Gpt model, int[][] lines, int[] promptLengths, int batch, long seed) {
        if (lines.length == 0) throw new IllegalArgumentException("no training lines");
        this.model = model;
        this.lines = lines;
        this.promptLengths = promptLengths;
        this.batch = batch;
        this.width = width(lines);
        if (width > model.config().blockSize()) {
            throw new IllegalArgumentException("the longest line has " + (width + 1) + " tokens; block_size " + model.config().blockSize()
                    + " must be at least " + width);
        }
        this.order = Philox.stream(seed, "data/train");
    }

    /** Positions per row: the longest line minus one (its last token is only a target). */
    static int width(int[][] lines) {
        int w = 1;
        for (int[] l : lines) w = Math.max(w, l.length - 1);
        return w;
    }

    /** Inputs and targets {@code [rows, width]} of the given lines (targets −1 outside completions). */
    static int[][] rows(int[][] lines, int[] promptLengths, int[] pick, int width) {
        int[] xs = new int[pick.length * width];
        int[] ys = new int[pick.length * width];
        java.util.Arrays.fill(ys, -1);
        for (int b = 0; b < pick.length; b++) {
            int[] line = lines[pick[b]];
            int pad = line[line.length - 1];
            for (int t = 0; t < width; t++) {
                xs[b * width + t] = t < line.length - 1 ? line[t] : pad;
                // Position t predicts token t + 1; completion tokens start at index promptLength.
                if (t + 1 < line.length && t + 1 >= promptLengths[pick[b]]) ys[b * width + t] = line[t + 1];
            }
        }
        return new int[][] {xs, ys};
    }

    @Override
    public void prepare(long step) {
        model.beginStep(step);
        int[] pick = new int[batch];
        for (int b = 0; b < batch; b++) pick[b] = order.nextInt(step * batch + b, lines.length);
        int[][] r = rows(lines, promptLengths, pick, width);
        x = r[0];
        y = r[1];
    }

    @Override
    public double lossAndGradient() {
        check();
        Variable loss = F.crossEntropy(model.forward(x, batch, width), y);
        float value = loss.item();
        if (Float.isFinite(value)) loss.backward();
        return value;
    }

    @Override
    public double loss() {
        check();
        return lossOf(model, x, y, batch, width);
    }

    /** The mean completion cross-entropy of {@code lines} (all of them, once), without a tape and without dropout. */
    public static double evaluate(Gpt model, int[][] lines, int[] promptLengths) {
        int width = width(lines);
        int[] pick = new int[lines.length];
        for (int i = 0; i < pick.length; i++) pick[i] = i;
        int[][] r = rows(lines, promptLengths, pick, width);
        return lossOf(model, r[0], r[1], lines.length, width);
    }

    private static double lossOf(Gpt model, int[] x, int[] y, int rows, int width) {
        boolean training = model.isTraining();
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            return F.crossEntropy(model.forward(x, rows, width), y).item();
        } finally {
            model.train(training);
        }
    }

    private void check() {
        if (x == null) throw new IllegalStateException("no batch selected: call prepare(step) before evaluating the objective");
    }
}
