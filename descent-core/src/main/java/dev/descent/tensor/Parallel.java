package dev.descent.tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fixed worker pool every kernel splits its work over.
 *
 * <p>The number of threads is a setting ({@link #setThreads}), read once per call. Work is split
 * into contiguous chunks whose bounds depend only on the problem size and the thread count, never
 * on timing, so that results (including floating-point reductions, which each chunk computes
 * separately and the caller combines in chunk order) are bit-identical from run to run.
 * The calling thread runs the first chunk itself; small problems run on the caller alone.
 */
public final class Parallel {
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static volatile ExecutorService pool;
    /** True on a thread that is running a chunk, so nested calls stay on that thread. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** Number of threads kernels use (the caller counts as one). */
    public static int threads() { return threads; }

    /** Sets the number of threads kernels use from now on. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n != threads) {
            threads = n;
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
    }

    /** A body over the half-open index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** A body for one chunk: its index and its range. */
    @FunctionalInterface
    public interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks of at
     * least {@code grain} indices each.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        forChunks(n, grain, (c, from, to) -> body.run(from, to));
    }

    /** Number of chunks {@link #forChunks} would use for this size; callers size partial results with it. */
    public static int chunkCount(int n, int grain) {
        if (n <= 0) return 0;
        int byGrain = (int) Math.max(1, (long) n / Math.max(1, grain));
        return Math.min(threads, byGrain);
    }

    /** Like {@link #forRange} but tells the body which chunk it runs (for per-chunk partial results). */
    public static void forChunks(int n, int grain, ChunkBody body) {
        int chunks = chunkCount(n, grain);
        if (chunks == 0) return;
        if (chunks == 1) {
            body.run(0, 0, n);
            return;
        }
        if (INSIDE.get()) {
            // A kernel called from inside another kernel's chunk: the pool is already busy with the
            // outer split, so run the same chunks here, in order (same bounds, same results).
            for (int c = 0; c < chunks; c++) body.run(c, bound(n, chunks, c), bound(n, chunks, c + 1));
            return;
        }
        ExecutorService ex = pool();
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 1; c < chunks; c++) {
            final int chunk = c;
            final int from = bound(n, chunks, c);
            final int to = bound(n, chunks, c + 1);
            ex.execute(() -> {
                try {
                    INSIDE.set(true);
                    body.run(chunk, from, to);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        INSIDE.set(true);
        try {
            body.run(0, 0, bound(n, chunks, 1));
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            INSIDE.set(false);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        if (t != null) throw new IllegalStateException(t);
    }

    /** Start of chunk {@code c} when [0, n) is split into {@code chunks} near-equal parts. */
    public static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                        Thread t = new Thread(r, "descent-worker");
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }
}
