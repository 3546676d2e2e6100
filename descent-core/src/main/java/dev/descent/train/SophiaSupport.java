package dev.descent.train;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.Sampling;
import dev.descent.optim.CurvatureEstimator;
import dev.descent.optim.GaussNewtonBartlettEstimator;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * Curvature estimators for Sophia over a {@link Gpt} (the optimizer package knows no models).
 *
 * <p>Typical use, as the reference {@code train_sophiag.py} does it (k = 10, bs = 1 because the
 * estimate already carries the token count):
 * <pre>
 *   var est = SophiaSupport.gaussNewtonBartlett(model, step -> TextDataset.batch(train, B, T, order, step), seed, 1.0);
 *   Optimizer opt = SophiaOptimizers.create("sophiag", ParamSet.of(model.parameters()),
 *           model.parameters().grads(), HyperParams.parse(List.of("lr=6e-4", "rho=0.05", "weight_decay=0.2")), est);
 *   // or: opt = registry.create("sophiag", params, grads, hyper, new Curvature(est, null));
 *   // each step: model.beginStep(step); loss.backward(); clip; opt.step(); opt.zeroGrad();
 * </pre>
 */
public final class SophiaSupport {
    private SophiaSupport() {}

    /**
     * The Gauss–Newton–Bartlett estimator of a GPT's mean next-token cross-entropy. For optimizer
     * step t it:
     * <ol>
     *   <li>takes the inputs {@code batches.apply(t).x()} ([B, T]; the targets are not used),</li>
     *   <li>computes the logits [B·T, V] in the model's current mode (dropout masks are those selected by
     *       the latest {@link Gpt#beginStep}),</li>
     *   <li>samples one label per row, ŷ_r ~ softmax(logits_r), by inverse CDF with uniform r of
     *       {@code Philox.stream(seed, "sophia/gnb-labels").derive(t)},</li>
     *   <li>back-propagates the mean cross-entropy against ŷ, optionally clips that gradient's global norm
     *       to {@code gradClip} (the reference clips to 1.0; ≤ 0 disables, which keeps the estimate
     *       unbiased), and returns ĝ with B = B·T, so the estimate is B·T · ĝ ⊙ ĝ.</li>
     * </ol>
     * The model's gradient buffer is saved before and restored after (it holds the step's gradient
     * while the optimizer runs). The estimator must be used with the model's own value buffer
     * ({@code ParamSet.of(model.parameters())}).
     */
    public static GaussNewtonBartlettEstimator gaussNewtonBartlett(Gpt model, LongFunction<TextDataset.Batch> batches, long seed,
                                                                   double gradClip) {
        float[] values = model.parameters().values();
        float[] grads = model.parameters().grads();
        float[][] saved = new float[1][]; // allocated on first use: an estimator that is never called costs nothing
        Philox labels = Philox.stream(seed, "sophia/gnb-labels");
        int vocab = model.config().vocabSize();
        float[][] row = new float[1][];
        CurvatureEstimator.SampledLabelGradient sampled = (params, out, step) -> {
            if (params != values) {
                throw new IllegalArgumentException("this estimator evaluates the GPT's own parameter buffer; build the optimizer over ParamSet.of(model.parameters())");
            }
            TextDataset.Batch b = batches.apply(step);
            if (saved[0] == null) saved[0] = new float[grads.length];
            System.arraycopy(grads, 0, saved[0], 0, grads.length);
            try {
                Arrays.fill(grads, 0f);
                Variable logits = model.forward(b.x(), b.batch(), b.block());
                int rows = b.batch() * b.block();
                if (row[0] == null) row[0] = new float[vocab];
                int[] yHat = sampleLabels(logits.value(), rows, vocab, row[0], labels.derive(step));
                F.crossEntropy(logits, yHat).backward();
                if (gradClip > 0) clipGlobalNorm(grads, gradClip);
                System.arraycopy(grads, 0, out, 0, grads.length);
                return rows;
            } finally {
                System.arraycopy(saved[0], 0, grads, 0, grads.length);
            }
        };
        return new GaussNewtonBartlettEstimator(values.length, sampled);
    }

    /** torch.nn.utils.clip_grad_norm_ semantics: scale by max / (‖g‖ + 1e-6) when that is below 1. */
    static void clipGlobalNorm(float[] grads, double max) {
        dev.descent.optim.Transforms.clipGlobalNorm(grads, max);
    }

    /** One label per row of {@code logits [rows, vocab]}, drawn from softmax(row) with uniform r of {@code rng}. */
    static int[] sampleLabels(Tensor logits, int rows, int vocab, float[] row, Philox rng) {
        int[] y = new int[rows];
        float[] data = logits.data();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(data, logits.offset() + r * vocab, row, 0, vocab);
            y[r] = Sampling.sample(row, 1f, 0, rng.uniform(r));
        }
        return y;
    }
}
