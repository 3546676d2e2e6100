package dev.descent.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * The {@link Exchange} of a barrier stage over direct TCP connections between its tasks, rank 0 relaying
 * ({@code cluster.transport: tcp}, the default). Spark's own {@code BarrierTaskContext.allGather} polls
 * for its reply once a second (Spark 4.2's {@code runBarrier} sleeps 1000 ms while the reply is not
 * there), so every call costs about a second whatever the network; one call per training step would
 * set the step time. Here Spark's {@code allGather} is used once, when the stage starts, to publish the
 * port rank 0 listens on (at the address Spark gives for task 0's executor); then every rank r ≥ 1
 * connects to rank 0 and each {@link #allGather}
 * <pre>
 *   rank r ≥ 1:  send m_r to rank 0; receive m_0 … m_{W−1}
 *   rank 0:      receive m_1, …, m_{W−1} in rank order; send m_0 … m_{W−1} to ranks 1, …, W−1 in turn
 * </pre>
 * (a star: rank 0 reads every message before it writes, so no two processes wait on each other's full
 * buffers). The messages come back in rank order, as {@link BarrierExchange}'s do, so a run takes the
 * same bits over either transport. Like Spark's relay through the driver, rank 0 moves W − 1 times the
 * messages of another rank; {@link #bytesSent} and {@link #bytesReceived} count this process's own
 * message and the others' messages (the all-gather's payload), not the relay's copies.
 *
 * <p><b>Failures.</b> A lost peer closes its connections (end of stream or reset): the waiting ranks
 * fail their task, and Spark fails the barrier stage, which the driver runs again. Reads time out after
 * {@link #READ_TIMEOUT_MS}; the channels are interruptible, so Spark's kill of a task closes them.
 */
final class SocketExchange implements Exchange, AutoCloseable {
    /** Longest wait for a peer's message or connection: a step of a large model on a slow rank stays far below it. */
    static final int READ_TIMEOUT_MS = 30 * 60 * 1000;
    private static final int CONNECT_TIMEOUT_MS = 60 * 1000;

    private final int rank;
    private final int world;
    /** Rank 0: the connections to ranks 1 … W−1 (index r − 1); rank r ≥ 1: one, to rank 0. */
    private final List<Peer> peers = new ArrayList<>();
    private long sent;
    private long received;
    private long nanos;

    private record Peer(SocketChannel channel, DataInputStream in, DataOutputStream out) {
        static Peer of(SocketChannel c) throws IOException {
            c.socket().setTcpNoDelay(true);
            c.socket().setSoTimeout(READ_TIMEOUT_MS);
            return new Peer(c, new DataInputStream(new BufferedInputStream(c.socket().getInputStream(), 1 << 16)),
                    new DataOutputStream(new BufferedOutputStream(c.socket().getOutputStream(), 1 << 16)));
        }
    }

    private SocketExchange(int rank, int world) {
        this.rank = rank;
        this.world = world;
    }

    /** Connects the {@code world} tasks of the running barrier stage (one Spark allGather for the rendezvous). */
    static SocketExchange open(BarrierTaskContext context, int world) {
        int rank = context.partitionId();
        SocketExchange x = new SocketExchange(rank, world);
        if (world == 1) return x;
        try {
            if (rank == 0) {
                try (ServerSocketChannel server = ServerSocketChannel.open()) {
                    server.bind(new InetSocketAddress(0), world);
                    context.allGather(Integer.toString(server.socket().getLocalPort()));
                    Peer[] byRank = new Peer[world];
                    for (int i = 1; i < world; i++) {
                        Peer p = Peer.of(accept(server, context));
                        int r = p.in().readInt();
                        if (r < 1 || r >= world || byRank[r] != null) throw new IOException("rank 0 got a connection announcing rank " + r);
                        byRank[r] = p;
                    }
                    for (int r = 1; r < world; r++) x.peers.add(byRank[r]);
                }
            } else {
                String[] ports = context.allGather("");
                String host = host(context.getTaskInfos()[0].address());
                SocketChannel c = SocketChannel.open();
                c.socket().connect(new InetSocketAddress(host, Integer.parseInt(ports[0])), CONNECT_TIMEOUT_MS);
                Peer p = Peer.of(c);
                p.out().writeInt(rank);
                p.out().flush();
                x.peers.add(p);
            }
            return x;
        } catch (IOException e) {
            x.close();
            throw new UncheckedIOException("rank " + rank + " could not connect to rank 0 of the stage: " + e.getMessage(), e);
        }
    }

    /**
     * The next connection, waiting at most {@link #CONNECT_TIMEOUT_MS}; checks every second whether Spark
     * has killed this task (a peer failed to start: Spark kills a barrier stage's other tasks by a flag,
     * without interrupting them).
     */
    private static SocketChannel accept(ServerSocketChannel server, BarrierTaskContext context) throws IOException {
        server.socket().setSoTimeout(1000);
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_MS * 1_000_000L;
        while (true) {
            try {
                return server.socket().accept().getChannel();
            } catch (SocketTimeoutException e) {
                if (context.isInterrupted()) throw new IOException("the stage was cancelled while rank 0 waited for the other ranks");
                if (System.nanoTime() > deadline) throw new IOException("the other ranks did not connect within " + CONNECT_TIMEOUT_MS / 1000 + " s");
            }
        }
    }

    /** The host of Spark's task address {@code host:port} (an IPv6 host in brackets loses them). */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon > 0 ? address.substring(0, colon) : address;
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public List<String> allGather(String message) {
        if (world == 1) return List.of(message);
        long t0 = System.nanoTime();
        byte[][] all = new byte[world][];
        try {
            if (rank == 0) {
                all[0] = bytes(message);
                for (int r = 1; r < world; r++) all[r] = read(peers.get(r - 1).in());
                for (Peer p : peers) {
                    for (byte[] m : all) write(p.out(), m);
                    p.out().flush();
                }
            } else {
                Peer root = peers.getFirst();
                write(root.out(), bytes(message));
                root.out().flush();
                for (int r = 0; r < world; r++) all[r] = read(root.in());
            }
        } catch (SocketTimeoutException e) {
            throw new UncheckedIOException("rank " + rank + " waited " + READ_TIMEOUT_MS / 1000 + " s for the other ranks' messages", e);
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + " lost its connection to the other ranks: " + e.getMessage(), e);
        }
        nanos += System.nanoTime() - t0;
        List<String> out = new ArrayList<>(world);
        for (int r = 0; r < world; r++) {
            out.add(new String(all[r], StandardCharsets.ISO_8859_1));
            if (r == rank) sent += all[r].length;
            else received += all[r].length;
        }
        return out;
    }

    private static byte[] bytes(String message) { return message.getBytes(StandardCharsets.ISO_8859_1); }

    private static void write(DataOutputStream out, byte[] m) throws IOException {
        out.writeInt(m.length);
        out.write(m);
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("a message of " + n + " bytes");
        byte[] m = new byte[n];
        in.readFully(m);
        return m;
    }

    @Override
    public int[] localRanks() { return new int[] {rank}; }

    @Override
    public int world() { return world; }

    @Override
    public long bytesSent() { return sent; }

    @Override
    public long bytesReceived() { return received; }

    @Override
    public double exchangeSeconds() { return nanos * 1e-9; }

    @Override
    public void close() {
        for (Peer p : peers) {
            try {
                p.channel().close();
            } catch (IOException ignored) {
                // closing after a failure: nothing more to do
            }
        }
    }
}
