package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.optim.GaussNewtonBartlettEstimator;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;

/**
 * The diagonal Fisher information of a task, F_i = (1/n) Σ_x (∂/∂θ_i log p(y | x; θ))², over n rows of
 * its training data, each term the squared gradient of one row's cross-entropy.
 *
 * <p>Two choices of y:
 * <ul>
 *   <li>{@code true} Fisher: y sampled from the model's own predictive distribution p(· | x; θ)
 *       (Kirkpatrick et al.'s EWC). Each term is then exactly one draw of the
 *       {@link GaussNewtonBartlettEstimator} with a batch of one row (B = 1), so the mean is that
 *       estimator's average: an unbiased estimate of the Gauss–Newton diagonal of the mean loss.</li>
 *   <li>{@code empirical} Fisher: y the row's label (what most implementations compute).</li>
 * </ul>
 * Per-row gradients, not minibatch gradients: Avalanche's EWC squares minibatch gradients, which
 * estimates a different (smaller) quantity; per-row terms are the definition.
 */
public final class DiagonalFisher {
    private DiagonalFisher() {}

    /**
     * The diagonal Fisher in the layout of the model's flat buffer. Leaves the gradient buffer as it
     * found it. Rows: the first {@code samples} of a Philox permutation of stream (seed,
     * "continual/fisher") derived by {@code key}; sampled labels from stream (seed,
     * "continual/fisher-labels") derived by {@code key}.
     */
    public static float[] estimate(Learner learner, ClassificationData data, int[][] allowedByLabel, int samples, boolean empirical, long seed, long key) {
        if (samples < 1) throw new IllegalArgumentException("fisher_samples must be >= 1, got " + samples);
        float[] theta = learner.parameters().values();
        float[] grads = learner.parameters().grads();
        float[] saved = grads.clone();
        int n = Math.min(samples, data.rows());
        int[] rows = Philox.stream(seed, "continual/fisher").derive(key).permutation(data.rows());
        Philox labels = Philox.stream(seed, "continual/fisher-labels").derive(key);
        float[] u = new float[1];
        GaussNewtonBartlettEstimator perRow = new GaussNewtonBartlettEstimator(theta.length, (params, out, step) -> {
            Learner.Batch b = learner.batch(data, new int[] {rows[(int) step]}, allowedByLabel);
            if (!empirical) {
                labels.fillUniform(u, 0, 1, step);
                b = new Learner.Batch(b.x(), new int[] {sample(learner, b, u[0])}, b.mask());
            }
            java.util.Arrays.fill(grads, 0f);
            learner.loss(b).backward();
            System.arraycopy(grads, 0, out, 0, out.length);
            return 1;
        });
        float[] fisher = new float[theta.length];
        float[] draw = new float[theta.length];
        for (int k = 0; k < n; k++) {
            perRow.estimate(theta, draw, k);
            for (int i = 0; i < fisher.length; i++) fisher[i] += draw[i] / n;
        }
        System.arraycopy(saved, 0, grads, 0, grads.length);
        return fisher;
    }

    /** A label drawn from the (masked) softmax of the batch's one row by inverse CDF at uniform {@code u}. */
    private static int sample(Learner learner, Learner.Batch b, float u) {
        Tensor z;
        try (var ignored = dev.descent.autograd.NoGrad.open()) {
            z = learner.model().forward(dev.descent.autograd.Variable.constant(b.x())).value();
        }
        int c = z.dim(1);
        double[] p = new double[c];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            p[j] = z.data()[z.offset() + j] + (b.mask() == null ? 0 : b.mask().data()[b.mask().offset() + j]);
            max = Math.max(max, p[j]);
        }
        double sum = 0;
        for (int j = 0; j < c; j++) sum += p[j] = Math.exp(p[j] - max);
        double acc = 0;
        for (int j = 0; j < c; j++) {
            acc += p[j] / sum;
            if (u < acc) return j;
        }
        for (int j = c - 1; j >= 0; j--) if (p[j] > 0) return j;
        return c - 1;
    }
}
