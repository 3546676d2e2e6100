package dev.descent.tensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The fixed worker pool every kernel splits its work over.
 *
 * <p>The number of threads is a setting ({@link #setThreads}), read once per call. Work is split
 * into contiguous chunks whose bounds depend only on the problem size and the thread count, never
 * on timing, so that results (including floating-point reductions, which each chunk computes
 * separately and the caller combines in chunk order) are bit-identical from run to run.
 * Small problems run on the caller alone.
 *
 * <h2>Hand-off</h2>
 * Which thread runs which chunk is decided at run time: the caller and the workers <em>claim</em>
 * chunks from a shared counter until none is left, and the caller returns once every chunk has
 * completed. So a worker that is slow to wake (a parked thread takes tens of µs to resume, and on a
 * machine shared with other processes it may not be scheduled for milliseconds) never holds the
 * caller up: the caller simply runs the chunks the worker has not claimed. Results cannot depend on
 * the claim order, since a chunk's bounds and its output slot are fixed. A worker that has finished
 * a job spins for {@link #SPIN_NANOS} before parking, because kernels come in quick succession
 * during a training step and the next job usually arrives within that time.
 */
public final class Parallel {
    /** How long an idle worker (or a caller waiting for a worker's last chunk) spins before parking. */
    static final long SPIN_NANOS = 50_000;

    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static volatile Pool pool;
    /** True on a thread that is running a chunk, so nested calls stay on that thread. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** Number of threads kernels use (the caller counts as one). */
    public static int threads() { return threads; }

    /**
     * Threads a kernel called on this thread may split its work over: 1 on a thread that is running
     * a chunk of another split (a nested split runs its chunks here, in order, and only costs the
     * allocation of its job and body), else {@link #threads()}.
     */
    public static int threadsHere() { return INSIDE.get() ? 1 : threads; }

    /** Sets the number of threads kernels use from now on. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n != threads) {
            threads = n;
            Pool p = pool;
            pool = null;
            if (p != null) p.shutdown();
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
        split(n, chunkCount(n, grain), body);
    }

    /**
     * Runs {@code body} over [0, n) cut into exactly {@code chunks} near-equal contiguous chunks
     * (bounds {@link #bound}), shared among the threads; for kernels that balance better with more
     * chunks than threads. {@code chunks} must be in [1, n] (or 0 when n is 0).
     */
    public static void split(int n, int chunks, ChunkBody body) {
        if (chunks == 0) return;
        if (chunks == 1 || threads == 1) {
            for (int c = 0; c < chunks; c++) body.run(c, bound(n, chunks, c), bound(n, chunks, c + 1));
            return;
        }
        if (INSIDE.get()) {
            // A kernel called from inside another kernel's chunk: the pool is already busy with the
            // outer split, so run the same chunks here, in order (same bounds, same results).
            for (int c = 0; c < chunks; c++) body.run(c, bound(n, chunks, c), bound(n, chunks, c + 1));
            return;
        }
        Job job = new Job(body, n, chunks);
        pool().post(job, chunks - 1);
        INSIDE.set(true);
        try {
            job.work();
        } finally {
            INSIDE.set(false);
        }
        job.awaitDone();
        Throwable t = job.failure;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        if (t != null) throw new IllegalStateException(t);
    }

    /** Start of chunk {@code c} when [0, n) is split into {@code chunks} near-equal parts. */
    public static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    private static Pool pool() {
        Pool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new Pool(Math.max(1, threads - 1));
                p = pool;
            }
        }
        return p;
    }

    /** One call's chunks: claimed from {@code next}, counted in {@code done}. */
    private static final class Job {
        private static final VarHandle NEXT, DONE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                NEXT = l.findVarHandle(Job.class, "next", int.class);
                DONE = l.findVarHandle(Job.class, "done", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ChunkBody body;
        final int n;
        final int chunks;
        final Thread caller = Thread.currentThread();
        volatile int next;
        volatile int done;
        volatile Throwable failure;

        Job(ChunkBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Claims and runs chunks until none is left. */
        void work() {
            while (true) {
                int c = (int) NEXT.getAndAdd(this, 1);
                if (c >= chunks) return;
                try {
                    body.run(c, bound(n, chunks, c), bound(n, chunks, c + 1));
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                }
                if ((int) DONE.getAndAdd(this, 1) + 1 == chunks && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Waits (spinning briefly, then parked) until every chunk has completed. */
        void awaitDone() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done < chunks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000L);
                }
            }
        }
    }

    /** Daemon workers, each with a one-job mailbox. */
    private static final class Pool {
        private final Worker[] workers;

        Pool(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker();
                workers[i].start();
            }
        }

        /** Offers the job to up to {@code helpers} workers. */
        void post(Job job, int helpers) {
            for (int i = 0; i < Math.min(helpers, workers.length); i++) workers[i].offer(job);
        }

        void shutdown() {
            for (Worker w : workers) w.retire();
        }
    }

    private static final class Worker extends Thread {
        private volatile Job mailbox;
        private volatile boolean parked;
        private volatile boolean stopped;

        Worker() {
            super("descent-worker");
            setDaemon(true);
        }

        void offer(Job job) {
            mailbox = job;
            if (parked) LockSupport.unpark(this);
        }

        void retire() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            INSIDE.set(true);
            while (!stopped) {
                Job job = take();
                if (job != null) job.work();
            }
        }

        /** The next job, or null when stopped: spins for a while, then parks until one is offered. */
        private Job take() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                Job job = mailbox;
                if (job != null) {
                    mailbox = null;
                    return job;
                }
                if (stopped) return null;
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (mailbox == null && !stopped) LockSupport.park(this);
                    parked = false;
                }
            }
        }
    }
}
