package dev.descent.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * The {@link Exchange} of a barrier stage: process p is the stage's task p and computes rank p;
 * {@link BarrierTaskContext#allGather} returns the messages ordered by task index. Counts the
 * payload bytes (the messages are ASCII: Base64 or numbers) this task sends and receives, and the
 * time it spends in {@code allGather}.
 */
final class BarrierExchange implements Exchange {
    private final BarrierTaskContext context;
    private final int world;
    private long sent;
    private long received;
    private long nanos;

    BarrierExchange(BarrierTaskContext context, int world) {
        this.context = context;
        this.world = world;
    }

    @Override
    public List<String> allGather(String message) {
        long t0 = System.nanoTime();
        List<String> all = Arrays.asList(context.allGather(message));
        nanos += System.nanoTime() - t0;
        sent += message.length();
        for (int p = 0; p < all.size(); p++) if (p != context.partitionId()) received += all.get(p).length();
        return all;
    }

    @Override
    public int[] localRanks() { return new int[] {context.partitionId()}; }

    @Override
    public int world() { return world; }

    @Override
    public long bytesSent() { return sent; }

    @Override
    public long bytesReceived() { return received; }

    @Override
    public double exchangeSeconds() { return nanos * 1e-9; }
}
