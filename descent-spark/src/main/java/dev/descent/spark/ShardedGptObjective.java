package dev.descent.spark;

import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.TokenReduction;
import dev.descent.autograd.Variable;
import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.optim.Objective;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The character-level GPT's objective ({@link dev.descent.train.GptObjective}) over a global batch split
 * into W shards ({@link Shards}), each computed by the process that owns its rank ({@link Exchange}).
 *
 * <p><b>Data-parallel gradient, bit for bit.</b> The single-process loss is the mean cross-entropy
 * over the N = B·T tokens of the batch, whose backward starts from ∂ℓ/∂z_i = (softmax(z_i) − e_{y_i})·fl(1/N).
 * Rank r computes, into a zeroed gradient buffer, the gradient of
 * <pre>
 *   L_r = Σ_{i ∈ shard r} fl(1/N) · ℓ_i          (weighted cross-entropy, SUM reduction, every weight fl(1/N))
 * </pre>
 * whose per-token logit gradients are those same bits (fl(1/N) computed as the float32 quotient
 * {@code 1f / N}, as the mean's backward computes it). The gradient of the step is then
 * <pre>
 *   g = ((g_0 + g_1) + g_2) + … + g_{W−1}        (float32, in rank order, whatever process computed which rank)
 * </pre>
 * and the reported loss Σ_r L_r (float64, in rank order). So W processes and one process holding all
 * W ranks ({@link Exchange#local}) take bit-identical steps; with W = 1 the gradient is bit-identical
 * to {@code GptObjective}'s, since the shard is the whole batch. Between different W the gradients
 * differ only in the order the rows' contributions are summed (the weight-gradient products are
 * split at shard boundaries). Dropout masks are drawn per shard (the model's streams of step k), so
 * with dropout &gt; 0 runs at different W also differ in their masks.
 *
 * <p><b>Local SGD.</b> Built with {@code ownShardOnly} (for {@code cluster.average_every > 1}), the
 * objective is the plain mean cross-entropy of this process's one rank's shard, B/W sequences, computed
 * as {@link dev.descent.train.GptObjective} computes it on a batch (the same call, so with W = 1 the
 * same bits), and nothing is exchanged: the ranks meet only when {@link ParameterAveraging} averages
 * their parameters.
 *
 * <p><b>Shard losses for zeroth order.</b> {@link #shardLoss(int)} is the mean cross-entropy of one
 * rank's shard without a tape and with dropout off, what a seed-shared MeZO rank evaluates
 * ({@link SeedSharedMezo}).
 */
public final class ShardedGptObjective implements Objective {
    private final Gpt model;
    private final Shards shards;
    private final Exchange exchange;
    private final ActivationArena arena = new ActivationArena();
    private final float[] weights;
    /** The shard gradients of this process's ranks, one buffer per local rank. */
    private final float[][] partial;
    /** Local SGD: the gradient of this process's own shard, nothing exchanged. */
    private final boolean ownShardOnly;
    private long step = -1;
    private TextDataset.Batch[] batches;

    /** The data-parallel objective: every step's gradient reduced over the ranks. */
    public ShardedGptObjective(Gpt model, Shards shards, Exchange exchange) {
        this(model, shards, exchange, false);
    }

    /**
     * @param ownShardOnly true for local SGD: the gradient of the mean loss of this process's one rank's
     *                     shard, nothing exchanged; false for the reduced gradient (the class comment)
     */
    public ShardedGptObjective(Gpt model, Shards shards, Exchange exchange, boolean ownShardOnly) {
        this.ownShardOnly = ownShardOnly;
        this.model = model;
        this.shards = shards;
        this.exchange = exchange;
        this.weights = new float[shards.rows() * shards.block()];
        Arrays.fill(weights, 1f / shards.globalTokens());
        this.partial = new float[exchange.localRanks().length][];
    }

    @Override
    public void prepare(long step) {
        model.beginStep(step);
        this.step = step;
        int[] ranks = exchange.localRanks();
        batches = new TextDataset.Batch[ranks.length];
        for (int i = 0; i < ranks.length; i++) batches[i] = shards.shard(step, ranks[i]);
    }

    /** Σ_r L_r over all ranks, with the reduced gradient g in the model's gradient buffer (see the class comment). */
    @Override
    public double lossAndGradient() {
        checkPrepared();
        if (ownShardOnly) return ownShardLossAndGradient();
        float[] grads = model.parameters().grads();
        int[] ranks = exchange.localRanks();
        double[] losses = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            Arrays.fill(grads, 0f);
            arena.reset();
            TextDataset.Batch b = batches[i];
            Variable logits = model.forward(b.x(), b.batch(), b.block(), arena);
            Variable loss = F.weightedCrossEntropy(logits, b.y(), weights, null, b.batch(), TokenReduction.SUM);
            losses[i] = loss.item();
            loss.backward();
            if (partial[i] == null) partial[i] = new float[grads.length];
            System.arraycopy(grads, 0, partial[i], 0, grads.length);
        }
        List<String> messages = exchange.allGather(encode(ranks, losses));
        // every rank's part, in rank order, summed into the gradient buffer
        float[][] byRank = new float[exchange.world()][];
        double[] lossByRank = new double[exchange.world()];
        for (String m : messages) decode(m, byRank, lossByRank, grads.length);
        double total = 0;
        System.arraycopy(byRank[0], 0, grads, 0, grads.length);
        total += lossByRank[0];
        for (int r = 1; r < byRank.length; r++) {
            float[] g = byRank[r];
            for (int j = 0; j < grads.length; j++) grads[j] += g[j];
            total += lossByRank[r];
        }
        return total;
    }

    /** Local SGD: the mean loss of the one local shard, its gradient accumulated into the model's buffer (GptObjective's computation). */
    private double ownShardLossAndGradient() {
        if (batches.length != 1) {
            throw new IllegalStateException("local SGD computes one rank per process; this process computes " + batches.length + " ranks");
        }
        TextDataset.Batch b = batches[0];
        arena.reset();
        Variable loss = model.loss(b.x(), b.y(), b.batch(), b.block(), arena);
        float value = loss.item();
        if (Float.isFinite(value)) loss.backward();
        return value;
    }

    /** Not defined for the sharded batch as a whole: a zeroth-order run evaluates shards ({@link #shardLoss}). */
    @Override
    public double loss() {
        throw new UnsupportedOperationException("the data-parallel objective gives gradients; zeroth-order ranks evaluate shardLoss(rank)");
    }

    /** The mean cross-entropy of rank {@code rank}'s shard of the prepared step, no tape, dropout off; {@code rank} must be local. */
    public double shardLoss(int rank) {
        checkPrepared();
        int[] ranks = exchange.localRanks();
        int i = Arrays.binarySearch(ranks, rank);
        if (i < 0) throw new IllegalArgumentException("rank " + rank + " is not computed by this process (its ranks: " + Arrays.toString(ranks) + ")");
        TextDataset.Batch b = batches[i];
        model.train(false);
        try (NoGrad ignored = NoGrad.open()) {
            arena.reset();
            return model.loss(b.x(), b.y(), b.batch(), b.block(), arena).item();
        } finally {
            model.train(true);
        }
    }

    private void checkPrepared() {
        if (batches == null) throw new IllegalStateException("no batch selected: call prepare(step) before evaluating the objective");
    }

    /** step, then per local rank: rank, loss, gradient (raw float bits), Base64 (allGather carries text). */
    private String encode(int[] ranks, double[] losses) {
        int d = partial[0].length;
        ByteBuffer buf = ByteBuffer.allocate(12 + ranks.length * (12 + 4 * d));
        buf.putLong(step).putInt(ranks.length);
        for (int i = 0; i < ranks.length; i++) {
            buf.putInt(ranks[i]).putDouble(losses[i]);
            buf.asFloatBuffer().put(partial[i]);
            buf.position(buf.position() + 4 * d);
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }

    private void decode(String message, float[][] byRank, double[] lossByRank, int d) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(message));
        long s = buf.getLong();
        if (s != step) throw new IllegalStateException("a rank sent the gradient of step " + s + " during step " + step);
        int n = buf.getInt();
        for (int i = 0; i < n; i++) {
            int r = buf.getInt();
            lossByRank[r] = buf.getDouble();
            float[] g = new float[d];
            buf.asFloatBuffer().get(g);
            buf.position(buf.position() + 4 * d);
            if (byRank[r] != null) throw new IllegalStateException("rank " + r + " was computed twice in step " + step);
            byRank[r] = g;
        }
    }
}
