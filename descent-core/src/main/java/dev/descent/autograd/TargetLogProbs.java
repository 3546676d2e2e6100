package dev.descent.autograd;

import dev.descent.tensor.Elementwise;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * Fused {@code log_softmax(z).gather(-1, t)}: for logits {@code z [rows, classes]}, output i is the
 * log-probability of class {@code t_i} in logits row {@code r_i}, shape {@code [n]}; outputs whose
 * target is −1 are 0 and have no gradient (a mask for prompt or padding positions):
 * <pre>
 *   y_i = z_{r_i,t_i} − log Σ_j exp(z_{r_i,j})
 *   ∂y_i/∂z_{r_i,j} = [j = t_i] − softmax(z_{r_i})_j
 * </pre>
 * The row map lets a language model score token t from the logits of position t − 1 without a
 * shifted copy of the logits; each logits row may feed at most one unmasked output.
 * As in {@link CrossEntropy}, only the probabilities are kept for the backward (no log-softmax
 * tensor), and rows are independent, so rows are split across threads.
 */
final class TargetLogProbs {
    private TargetLogProbs() {}

    static Variable apply(Variable logits, int[] rows, int[] targets) {
        Tensor z = logits.value();
        if (z.rank() != 2 || rows.length != targets.length) {
            throw new IllegalArgumentException("target log-probabilities need logits [rows, classes] and as many row indices as targets; got "
                    + Arrays.toString(z.shape()) + ", " + rows.length + " rows and " + targets.length + " targets");
        }
        int n = targets.length;
        int classes = z.dim(1);
        boolean[] used = new boolean[z.dim(0)];
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == -1) continue;
            if (t < 0 || t >= classes) {
                throw new IndexOutOfBoundsException("target " + t + " at position " + i + " outside [0, " + classes + ") (−1: masked)");
            }
            int r = rows[i];
            if (r < 0 || r >= used.length) throw new IndexOutOfBoundsException("row " + r + " at position " + i + " outside [0, " + used.length + ")");
            if (used[r]) throw new IllegalArgumentException("logits row " + r + " feeds two unmasked outputs");
            used[r] = true;
        }
        int[] targetsCopy = targets.clone();
        int[] rowsCopy = rows.clone();
        Tensor probs = Tensor.zeros(n, classes);
        Tensor y = Tensor.zeros(n);
        Parallel.forRange(n, 64, (from, to) -> {
            for (int i = from; i < to; i++) {
                int t = targetsCopy[i];
                if (t == -1) continue;
                int zr = z.offset() + rowsCopy[i] * classes;
                float logZ = Softmax.row(z.data(), zr, probs.data(), i * classes, classes);
                y.data()[i] = z.data()[zr + t] - logZ;
            }
        });
        return Variable.result(y, g -> {
            Tensor zg = logits.gradForUpdate();
            Parallel.forRange(n, 64, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int t = targetsCopy[i];
                    if (t == -1) continue;
                    float gi = g.data()[g.offset() + i];
                    int zr = zg.offset() + rowsCopy[i] * classes;
                    Elementwise.axpy(-gi, probs.data(), i * classes, zg.data(), zr, classes);
                    zg.data()[zr + t] += gi;
                }
            });
        }, logits);
    }
}
