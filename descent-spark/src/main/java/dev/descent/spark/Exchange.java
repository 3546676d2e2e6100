package dev.descent.spark;

import java.util.List;

/**
 * How the processes of a run share what each computed in a step: every process contributes one
 * message and receives every process's message, ordered by process index (Spark's barrier
 * {@code allGather}). A process computes the ranks {@link #localRanks()} gives; the union over the
 * processes is 0 … W−1, and every rank's part is read back in rank order, so the result of a
 * reduction does not depend on which process computed which rank, nor on when its message arrived.
 *
 * <p>{@link #local} is one process computing every rank itself: the single-process run a distributed
 * run is compared with, bit for bit.
 */
public interface Exchange {
    /** Every process's message, in process order (this process's own included). */
    List<String> allGather(String message);

    /** The ranks this process computes, ascending. */
    int[] localRanks();

    /** W, the number of ranks of the run. */
    int world();

    /** Bytes this process has sent so far. */
    long bytesSent();

    /** Bytes this process has received so far (the other processes' messages). */
    long bytesReceived();

    /**
     * Seconds this process has spent inside {@link #allGather} so far: the network round trip, the
     * transfer, and the wait for the slowest process (a process that arrives first waits for the others).
     */
    double exchangeSeconds();

    /** One process computing all {@code world} ranks: nothing crosses a network. */
    static Exchange local(int world) {
        int[] all = new int[world];
        for (int r = 0; r < world; r++) all[r] = r;
        return new Exchange() {
            @Override
            public List<String> allGather(String message) { return List.of(message); }

            @Override
            public int[] localRanks() { return all.clone(); }

            @Override
            public int world() { return world; }

            @Override
            public long bytesSent() { return 0; }

            @Override
            public long bytesReceived() { return 0; }

            @Override
            public double exchangeSeconds() { return 0; }
        };
    }
}
