package dev.descent.autograd;

import dev.descent.tensor.Elementwise;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * Per-token weighted cross-entropy from logits, for weighted fine-tuning and policy-gradient losses
 * ({@code −Σ A_t log π(y_t)} is this loss with weights A). Logits {@code [B·T, V]}, targets, weights
 * and mask laid out {@code [B, T]}; with {@code ℓ_bt = log Σ_j exp(z_btj) − z_{bt,y_bt}} and
 * {@code m_bt ∈ {0, 1}} (0 also where the target is −1):
 * <pre>
 *   SUM:           L = Σ_bt m_bt w_bt ℓ_bt
 *   MEAN:          L = Σ_bt m_bt w_bt ℓ_bt / Σ_bt m_bt                     (mean over the mask; token-level)
 *   SEQUENCE_MEAN: L = (1/B) Σ_b [Σ_t m_bt w_bt ℓ_bt / max(1, Σ_t m_bt)]  (each sequence normalised by its length)
 *   ∂L/∂z_btj = c_bt (softmax(z_bt)_j − [j = y_bt]),  c_bt = m_bt w_bt / (normaliser of its term)
 * </pre>
 * MEAN with all weights 1 is {@code F.cross_entropy(reduction='mean', ignore_index=-1)}; SEQUENCE_MEAN
 * is the per-sequence normalisation of GRPO's loss as TRL writes it
 * ({@code ((l * mask).sum(-1) / mask.sum(-1).clamp(min=1)).mean()}); a sequence with an empty mask
 * adds 0 and still counts in B. An empty mask gives 0 for SUM and NaN for MEAN (as PyTorch's mean
 * over no elements).
 */
final class WeightedCrossEntropy {
    private WeightedCrossEntropy() {}

    static Variable apply(Variable logits, int[] targets, float[] weights, float[] mask, int batch, TokenReduction reduction) {
        Tensor z = logits.value();
        int n = targets.length;
        if (z.rank() != 2 || z.dim(0) != n) {
            throw new IllegalArgumentException("weighted cross-entropy needs logits [n, classes] and n targets; got "
                    + Arrays.toString(z.shape()) + " and " + n);
        }
        if (batch <= 0 || n % batch != 0) throw new IllegalArgumentException("batch " + batch + " must divide the " + n + " tokens");
        if (weights != null && weights.length != n) throw new IllegalArgumentException("expected " + n + " weights, got " + weights.length);
        if (mask != null && mask.length != n) throw new IllegalArgumentException("expected " + n + " mask values, got " + mask.length);
        if (reduction == null) throw new IllegalArgumentException("reduction must be SUM, MEAN or SEQUENCE_MEAN, got null");
        int classes = z.dim(1);
        int t = n / batch;
        float[] coef = new float[n];
        double[] norm = new double[batch];
        double maskTotal = 0;
        for (int i = 0; i < n; i++) {
            int y = targets[i];
            float m = mask == null ? 1f : mask[i];
            if (m != 0f && m != 1f) throw new IllegalArgumentException("mask values must be 0 or 1, got " + m + " at position " + i);
            if (y == -1) m = 0f;
            else if (y < 0 || y >= classes) throw new IndexOutOfBoundsException("target " + y + " at position " + i + " outside [0, " + classes + ")");
            coef[i] = m * (weights == null ? 1f : weights[i]);
            norm[i / t] += m;
            maskTotal += m;
        }
        boolean empty = reduction == TokenReduction.MEAN && maskTotal == 0;
        for (int i = 0; i < n; i++) {
            if (empty) {
                coef[i] = 0f;
                continue;
            }
            coef[i] = (float) switch (reduction) {
                case SUM -> coef[i];
                case MEAN -> coef[i] / maskTotal;
                case SEQUENCE_MEAN -> coef[i] / (Math.max(1.0, norm[i / t]) * batch);
            };
        }
        Tensor probs = Tensor.zeros(n, classes);
        double[] term = new double[n];
        Parallel.forRange(n, 64, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (coef[i] == 0f) continue;
                float logZ = Softmax.row(z.data(), z.offset() + i * classes, probs.data(), i * classes, classes);
                term[i] = (double) coef[i] * (logZ - z.data()[z.offset() + i * classes + targets[i]]);
            }
        });
        double total = 0;
        for (double v : term) total += v;
        float loss = empty ? Float.NaN : (float) total;
        int[] targetsCopy = targets.clone();
        return Variable.result(Tensor.scalar(loss), g -> {
            float gv = g.get(0);
            Tensor zg = logits.gradForUpdate();
            Parallel.forRange(n, 64, (from, to) -> {
                for (int i = from; i < to; i++) {
                    if (coef[i] == 0f) continue;
                    float s = gv * coef[i];
                    int row = i * classes;
                    Elementwise.axpy(s, probs.data(), row, zg.data(), zg.offset() + row, classes);
                    zg.data()[zg.offset() + row + targetsCopy[i]] -= s;
                }
            });
        }, logits);
    }
}
