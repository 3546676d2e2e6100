package dev.descent.federated;

import dev.descent.optim.Objective;
import dev.descent.privacy.RowLoss;
import dev.descent.tensor.Philox;
import java.util.Objects;

/**
 * A client's local objective in one round: minibatches of {@code batchSize} rows, each epoch a fresh
 * permutation of the client's rows (stream {@code batches}, derived by the epoch), the last batch of
 * an epoch possibly smaller (PyTorch's {@code DataLoader} with {@code drop_last=False}), plus
 * FedProx's proximal term (Li et al. 2020; Flower's {@code FedProx} strategy):
 * <pre>  f(w) = mean loss of the batch + μ/2 ‖w − w_global‖²,   ∇f = ∇loss + μ (w − w_global)</pre>
 * (μ = 0: FedAvg's client).
 */
public final class ClientObjective implements Objective {
    private final RowLoss loss;
    private final int batchSize;
    private final Philox batches;
    private final float[] anchor;
    private final double mu;
    private final int stepsPerEpoch;
    private int[] order;
    private long orderEpoch = -1;
    private int from;
    private int count;

    /**
     * @param loss      the client's loss over its rows (the worker model's gradient buffer)
     * @param batchSize rows per step
     * @param batches   the stream this round's permutations come from
     * @param anchor    w_global for the proximal term (read, not copied), or null when μ = 0
     * @param mu        FedProx's μ ≥ 0
     */
    public ClientObjective(RowLoss loss, int batchSize, Philox batches, float[] anchor, double mu) {
        this.loss = Objects.requireNonNull(loss, "loss");
        if (loss.rows() < 1) throw new IllegalArgumentException("a client with no rows cannot train");
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        if (mu < 0) throw new IllegalArgumentException("proximal_mu must be >= 0, got " + mu);
        if (mu > 0 && anchor == null) throw new IllegalArgumentException("the proximal term needs the global weights");
        this.batchSize = batchSize;
        this.batches = batches;
        this.anchor = anchor;
        this.mu = mu;
        this.stepsPerEpoch = (loss.rows() + batchSize - 1) / batchSize;
    }

    /** Steps in one epoch over the client's rows: ⌈n/B⌉. */
    public int stepsPerEpoch() { return stepsPerEpoch; }

    @Override
    public void prepare(long step) {
        long epoch = step / stepsPerEpoch;
        if (epoch != orderEpoch) {
            order = batches.derive(epoch).permutation(loss.rows());
            orderEpoch = epoch;
        }
        from = (int) (step % stepsPerEpoch) * batchSize;
        count = Math.min(batchSize, loss.rows() - from);
    }

    @Override
    public double lossAndGradient() {
        double l = loss.lossAndGradient(order, from, count);
        if (mu > 0) {
            float[] w = loss.values();
            float[] g = loss.grads();
            double prox = 0;
            for (int i = 0; i < w.length; i++) {
                double d = w[i] - anchor[i];
                prox += d * d;
                g[i] += (float) (mu * d);
            }
            l += 0.5 * mu * prox;
        }
        return l;
    }

    @Override
    public double loss() {
        double l = loss.loss(order, from, count);
        if (mu > 0) {
            float[] w = loss.values();
            double prox = 0;
            for (int i = 0; i < w.length; i++) {
                double d = w[i] - anchor[i];
                prox += d * d;
            }
            l += 0.5 * mu * prox;
        }
        return l;
    }
}
