package dev.descent.privacy;

import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;
import java.util.Objects;

/**
 * The gradient of DP-SGD (Abadi et al. 2016) as Opacus forms it, as an {@link Objective}: any
 * optimizer stepping on it (SGD for DP-SGD, Adam for DP-Adam) is then differentially private, and the
 * {@link RdpAccountant} bounds ε from (q, σ, steps). Step t:
 * <ol>
 *   <li><b>Poisson sampling</b> ({@code UniformWithReplacementSampler}): row i is in the batch
 *       B_t iff u_{t,i} < q, u uniform from the Philox stream (seed, "dp/sample") derived by t, so the
 *       batch size varies and may be empty;</li>
 *   <li><b>per-example clipping</b>: g_i = ∇ℓ_i clipped to L2 norm C ({@link PerExampleClipping});</li>
 *   <li><b>noise</b>: {@code ĝ = (Σ_{i∈B_t} clip(g_i) + σ·C·z) / (q·N)}, z ~ N(0, I) from the stream
 *       (seed, "dp/noise") derived by t; Opacus's {@code loss_reduction="mean"} divides by the
 *       <em>expected</em> batch size q·N, not by |B_t|.</li>
 * </ol>
 * The reported loss is the mean loss over B_t (0 for an empty batch, whose gradient is pure noise).
 * Per-example gradients come from one backward per row (no vectorised per-sample trick): exact and
 * simple, and cheap for the small models it is used with.
 */
public final class DpSgdObjective implements Objective {
    private final RowLoss loss;
    private final double sampleRate;
    private final double noiseMultiplier;
    private final double maxGradNorm;
    private final Philox sampling;
    private final Philox noise;
    private final int[] batch;
    private int batchSize;
    private long step = -1;
    private final float[] sum;
    private final float[] z;

    /**
     * @param loss            the model's loss over rows (its gradient buffer receives ĝ)
     * @param sampleRate      q in (0, 1]
     * @param noiseMultiplier σ ≥ 0 (0: clipping without noise, no privacy)
     * @param maxGradNorm     C > 0
     * @param seed            keys sampling and noise
     */
    public DpSgdObjective(RowLoss loss, double sampleRate, double noiseMultiplier, double maxGradNorm, long seed) {
        this.loss = Objects.requireNonNull(loss, "loss");
        if (!(sampleRate > 0 && sampleRate <= 1)) throw new IllegalArgumentException("sample_rate must be in (0, 1], got " + sampleRate);
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) throw new IllegalArgumentException("noise_multiplier must be >= 0, got " + noiseMultiplier);
        if (!(maxGradNorm > 0) || Double.isInfinite(maxGradNorm)) throw new IllegalArgumentException("max_grad_norm must be > 0, got " + maxGradNorm);
        if (loss.rows() < 1) throw new IllegalArgumentException("DP-SGD needs at least one training row");
        this.sampleRate = sampleRate;
        this.noiseMultiplier = noiseMultiplier;
        this.maxGradNorm = maxGradNorm;
        this.sampling = Philox.stream(seed, "dp/sample");
        this.noise = Philox.stream(seed, "dp/noise");
        this.batch = new int[loss.rows()];
        this.sum = new float[loss.grads().length];
        this.z = new float[loss.grads().length];
    }

    @Override
    public void prepare(long step) {
        this.step = step;
        Philox u = sampling.derive(step);
        batchSize = 0;
        for (int i = 0; i < loss.rows(); i++) if (u.uniform(i) < sampleRate) batch[batchSize++] = i;
    }

    /** The rows of the current step's batch (a copy). */
    public int[] batch() {
        requirePrepared();
        return java.util.Arrays.copyOf(batch, batchSize);
    }

    @Override
    public double lossAndGradient() {
        requirePrepared();
        java.util.Arrays.fill(sum, 0f);
        float[] g = loss.grads();
        double total = 0;
        for (int k = 0; k < batchSize; k++) {
            total += loss.lossAndGradient(batch, k, 1);
            PerExampleClipping.clipAndAccumulate(g, sum, maxGradNorm);
        }
        noise.derive(step).fillGaussian(z, 0, z.length, 0);
        float std = (float) (noiseMultiplier * maxGradNorm);
        float scale = (float) (1.0 / (sampleRate * loss.rows()));
        for (int i = 0; i < g.length; i++) g[i] = (sum[i] + std * z[i]) * scale;
        return batchSize == 0 ? 0 : total / batchSize;
    }

    @Override
    public double loss() {
        requirePrepared();
        return batchSize == 0 ? 0 : loss.loss(batch, 0, batchSize);
    }

    public double sampleRate() { return sampleRate; }

    public double noiseMultiplier() { return noiseMultiplier; }

    private void requirePrepared() {
        if (step < 0) throw new IllegalStateException("call prepare(step) before evaluating the DP-SGD objective");
    }
}
