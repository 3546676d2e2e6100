package dev.descent.rl;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.nn.Gpt;
import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;
import java.util.List;

/**
 * Offline weighted supervised fine-tuning on stored (prompt, completion, weight) samples, an
 * {@link Objective} of the one training loop: each step's minibatch of B samples is laid out one per
 * row from position 0 (the position a prompt has when the policy answers it), padded to the longest,
 * and the loss is {@link WeightedSft#loss}: (1/B) Σ_b w_b Σ_t ℓ_bt over the completion's tokens
 * ({@code TOKEN_SUM}, BOLT's −mean_x (1/N) Σ_i w_i log π(y_i|x)) or with each sequence divided by its
 * length ({@code SEQUENCE_MEAN}). The weights are fixed numbers (BOLT's Boltzmann weights, 0/1
 * rejection sampling, group advantages): nothing flows through them. A sample may carry a target
 * mask over its completion (DRIFT's multi-turn interactions: the policy's answers are targets, the
 * environment's feedback between them is context only); masked tokens also leave the per-sequence
 * token count of {@code SEQUENCE_MEAN}.
 *
 * <p>Order: epochs over the samples, each a permutation drawn from the stream (seed, "rl/weighted_sft")
 * derived by the epoch; step k takes positions k·B … k·B + B − 1 of the concatenated epochs, so a
 * run is a function of (samples, seed, k) alone and {@code epochs · n / B} steps see every sample
 * {@code epochs} times (up to the last partial batch).
 */
public final class WeightedSftObjective implements Objective {
    /**
     * One stored sample.
     *
     * @param prompt     the prompt's tokens (≥ 1)
     * @param completion the completion's tokens (with the stop token when it stopped; ≥ 1 token)
     * @param weight     its sequence weight
     * @param targets    per completion token, 1 when it is a target and 0 when it is only context
     *                   (a multi-turn interaction's feedback); null: every completion token is a target
     */
    public record Sample(int[] prompt, int[] completion, double weight, float[] targets) {
        public Sample {
            if (prompt.length == 0 || completion.length == 0) throw new IllegalArgumentException("a sample needs a prompt and a completion of at least one token");
            if (!Double.isFinite(weight)) throw new IllegalArgumentException("sample weights must be finite, got " + weight);
            if (targets != null && targets.length != completion.length) {
                throw new IllegalArgumentException("the target mask has " + targets.length + " entries for " + completion.length + " completion tokens");
            }
        }

        /** Every completion token is a target. */
        public Sample(int[] prompt, int[] completion, double weight) {
            this(prompt, completion, weight, null);
        }
    }

    private final Gpt model;
    private final List<Sample> samples;
    private final int batch;
    private final WeightedSft.Normalisation normalisation;
    private final Philox order;
    private final int width;
    private long cachedEpoch = -1;
    private int[] permutation;
    private int[] x;
    private int[] y;
    private float[] mask;
    private double[] w;

    public WeightedSftObjective(Gpt model, List<Sample> samples, int batch, WeightedSft.Normalisation normalisation, long seed) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no stored samples");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        this.model = model;
        this.samples = List.copyOf(samples);
        this.batch = batch;
        this.normalisation = normalisation;
        this.order = Philox.stream(seed, "rl/weighted_sft");
        int wdt = 1;
        for (Sample s : samples) wdt = Math.max(wdt, s.prompt().length + s.completion().length - 1);
        if (wdt > model.config().blockSize()) throw new IllegalArgumentException("the longest sample needs " + wdt + " positions; block_size is " + model.config().blockSize());
        this.width = wdt;
    }

    /** Steps that make {@code epochs} passes over the samples (the last batch may wrap into the next epoch). */
    public int stepsFor(int epochs) {
        return (int) Math.ceil((double) epochs * samples.size() / batch);
    }

    @Override
    public void prepare(long step) {
        model.beginStep(step);
        int[] pick = new int[batch];
        int n = samples.size();
        for (int b = 0; b < batch; b++) {
            long g = step * batch + b;
            long epoch = g / n;
            if (epoch != cachedEpoch) {
                permutation = order.derive(epoch).permutation(n);
                cachedEpoch = epoch;
            }
            pick[b] = permutation[(int) (g % n)];
        }
        layout(pick);
    }

    /** Rows of the batch times their padded width: the positions one forward (and one backward) computes. */
    public long tokensPerStep() {
        return (long) batch * width;
    }

    /** Selects the given samples as the batch (for evaluating the loss on chosen rows). */
    void layout(int[] pick) {
        int rows = pick.length;
        x = new int[rows * width];
        y = new int[rows * width];
        mask = new float[rows * width];
        w = new double[rows];
        for (int b = 0; b < rows; b++) {
            Sample s = samples.get(pick[b]);
            int p = s.prompt().length;
            int len = p + s.completion().length;
            int pad = s.completion()[s.completion().length - 1];
            w[b] = s.weight();
            for (int t = 0; t < width; t++) {
                int tok = t < p ? s.prompt()[t] : t < len ? s.completion()[t - p] : pad;
                x[b * width + t] = tok;
                // Position t predicts token t + 1: completion tokens sit at p … len − 1.
                if (t + 1 >= p && t + 1 < len) {
                    y[b * width + t] = s.completion()[t + 1 - p];
                    mask[b * width + t] = s.targets() == null ? 1f : s.targets()[t + 1 - p];
                }
            }
        }
    }

    private Variable lossVariable() {
        if (x == null) throw new IllegalStateException("no batch selected: call prepare(step) before evaluating the objective");
        int rows = w.length;
        return WeightedSft.loss(model.forward(x, rows, width), y, mask, w, rows, normalisation);
    }

    @Override
    public double lossAndGradient() {
        Variable loss = lossVariable();
        float value = loss.item();
        if (Float.isFinite(value)) loss.backward();
        return value;
    }

    @Override
    public double loss() {
        boolean training = model.isTraining();
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            return lossVariable().item();
        } finally {
            model.train(training);
        }
    }
}
