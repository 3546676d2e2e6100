package dev.descent.bench.problems;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Sampling;
import dev.descent.optim.CurvatureEstimator;
import dev.descent.optim.GaussNewtonBartlettEstimator;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The Gauss–Newton–Bartlett curvature estimator (SophiaG's) for any softmax classifier trained with
 * mean cross-entropy; the classifier counterpart of {@link dev.descent.train.SophiaSupport} for the
 * GPT. For optimizer step t it:
 * <ol>
 *   <li>computes the logits [B, K] of the current minibatch with gradients recorded,</li>
 *   <li>samples one label per row, ŷ_r ~ softmax(logits_r), by inverse CDF
 *       ({@link Sampling#sample}) with uniform r of {@code Philox.stream(seed, "sophia/gnb-labels").derive(t)},</li>
 *   <li>back-propagates the mean cross-entropy against ŷ and returns ĝ with B = the number of rows,
 *       so that {@link GaussNewtonBartlettEstimator} forms B · ĝ ⊙ ĝ.</li>
 * </ol>
 * The sampled gradient is not clipped, so the estimate stays unbiased for the diagonal of the
 * Gauss–Newton matrix of the mean loss. The model's gradient buffer is saved before and restored
 * after, as {@link CurvatureEstimator} requires.
 */
public final class ClassifierCurvature {
    private ClassifierCurvature() {}

    /**
     * @param params the classifier's parameters (the estimator must be used over their value buffer)
     * @param logits computes, with gradients recorded, the logits [B, K] of the current minibatch at
     *               the current parameter values
     * @param seed   keys the label stream
     */
    public static GaussNewtonBartlettEstimator gaussNewtonBartlett(FlatParameters params, Supplier<Variable> logits, long seed) {
        float[] values = params.values();
        float[] grads = params.grads();
        float[] saved = new float[grads.length];
        Philox labels = Philox.stream(seed, "sophia/gnb-labels");
        CurvatureEstimator.SampledLabelGradient sampled = (p, out, step) -> {
            if (p != values) {
                throw new IllegalArgumentException("this estimator evaluates the classifier's own parameter buffer; build the optimizer over its parameters");
            }
            System.arraycopy(grads, 0, saved, 0, grads.length);
            try {
                Arrays.fill(grads, 0f);
                Variable z = logits.get();
                int[] yHat = sampleLabels(z.value(), labels.derive(step));
                F.crossEntropy(z, yHat).backward();
                System.arraycopy(grads, 0, out, 0, grads.length);
                return yHat.length;
            } finally {
                System.arraycopy(saved, 0, grads, 0, grads.length);
            }
        };
        return new GaussNewtonBartlettEstimator(values.length, sampled);
    }

    /** One label per row of {@code logits [rows, classes]}, row r drawn with uniform r of {@code rng}. */
    static int[] sampleLabels(Tensor logits, Philox rng) {
        int rows = logits.dim(0);
        int classes = logits.dim(1);
        float[] row = new float[classes];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(logits.data(), logits.offset() + r * classes, row, 0, classes);
            y[r] = Sampling.sample(row, 1f, 0, rng.uniform(r));
        }
        return y;
    }
}
