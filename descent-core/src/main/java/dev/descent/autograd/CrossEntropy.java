package dev.descent.autograd;

import dev.descent.tensor.Elementwise;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * Fused softmax + negative log-likelihood from logits, as {@code torch.nn.functional.cross_entropy}
 * with {@code reduction='mean'} and {@code ignore_index=-1} (nanoGPT's call):
 * <pre>
 *   loss = (1/N') Σ_{i: t_i ≠ −1} (log Σ_j exp(z_ij) − z_{i,t_i})
 *   ∂loss/∂z_ij = (softmax(z_i)_j − [j = t_i]) / N'
 * </pre>
 * Fusing keeps one probability buffer instead of a log-softmax tensor and its gradient, and avoids
 * the cancellation of computing log(softmax).
 */
final class CrossEntropy {
    private CrossEntropy() {}

    static Variable apply(Variable logits, int[] targets) {
        Tensor z = logits.value();
        if (z.rank() != 2 || z.dim(0) != targets.length) {
            throw new IllegalArgumentException("cross-entropy needs logits [n, classes] and n targets; got "
                    + Arrays.toString(z.shape()) + " and " + targets.length);
        }
        int n = z.dim(0);
        int classes = z.dim(1);
        Tensor probs = Variable.unzeroed(new int[] {n, classes}, logits); // every row written by its softmax
        double[] rowLoss = new double[n];
        int counted = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == -1) continue;
            if (t < 0 || t >= classes) {
                throw new IndexOutOfBoundsException("target " + t + " at position " + i + " outside [0, " + classes + ")");
            }
            counted++;
        }
        Parallel.forRange(n, 64, (from, to) -> {
            for (int i = from; i < to; i++) {
                float logZ = Softmax.row(z.data(), z.offset() + i * classes, probs.data(), i * classes, classes);
                int t = targets[i];
                rowLoss[i] = t == -1 ? 0 : logZ - z.data()[z.offset() + i * classes + t];
            }
        });
        double total = 0;
        for (double l : rowLoss) total += l;
        final int count = counted;
        float loss = count == 0 ? Float.NaN : (float) (total / count);
        int[] targetsCopy = targets.clone();
        return Variable.result(Tensor.scalar(loss), g -> {
            float scale = g.get(0) / count;
            Tensor zg = logits.gradForUpdate();
            Parallel.forRange(n, 64, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int t = targetsCopy[i];
                    if (t == -1) continue;
                    int row = i * classes;
                    Elementwise.axpy(scale, probs.data(), row, zg.data(), zg.offset() + row, classes);
                    zg.data()[zg.offset() + row + t] -= scale;
                }
            });
        }, logits);
    }
}
