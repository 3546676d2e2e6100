package dev.descent.tensor;

/**
 * Single-precision matrix multiplication, {@code C = alpha * op(A) * op(B) + beta * C}, on row-major
 * {@code float[]} storage with offsets and leading dimensions, in the manner of BLAS {@code sgemm}.
 *
 * <h2>Blocking scheme</h2>
 * The large-problem path follows the BLIS/Goto structure, written for the JDK Vector API
 * ({@code FloatVector.SPECIES_PREFERRED}: 16 lanes on AVX-512, 8 on AVX2):
 * <pre>
 * for jc in steps of NC over n              (B block: kc x nc, lives in L2/L3)
 *   for pc in steps of KC over k              the reduction, never split between threads
 *     pack op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels
 *     for each MR-aligned block of rows of C:
 *       for ic in steps of MC                   (A block: mc x kc, lives in L2)
 *         for each B micro-panel (kc x NR, stays in L1 while ...)
 *           for each MR rows of the A block (streamed from L2)
 *             micro-kernel: MR x NR tile of C in 16 vector registers, kc rank-1 FMA updates
 * </pre>
 * Why: the micro-kernel does {@code MR * NR / VL} = 16 vector FMAs per step for only 2 vector loads
 * and 8 scalar broadcasts, so it runs near the FMA throughput limit as long as its operands come
 * from L1/L2 (about 200 GFLOPS on one Zen 5 core, against a peak of 64 flops per cycle).
 * <ul>
 *   <li>op(B) is always packed: each packed micro-panel is read once per MR rows of C, and
 *       packing makes it contiguous whatever the transpose, zero-pads the last panel, and keeps
 *       it in L1 ({@code KC = 256} x {@code NR = 32} floats = 32 KB of the 48 KB L1).</li>
 *   <li>A is <em>not</em> packed. Stored untransposed, the kernel broadcasts straight from its 8
 *       rows, which are already contiguous along k; packing it cost more than it saved, most of
 *       all for the thin shapes of training (k = 32..128) and the batched attention products.
 *       Stored transposed ({@code A^T B}: weight gradients, the attention's dV and dK), the 8
 *       values of one k step are contiguous in one stored row, and the kernel reads them there
 *       with a stride of {@code lda} per step ({@link GemmKernels#kernelColumns}). Packing it made
 *       the same 8-float copies once per B block, and the column split below repeats the A
 *       blocks in every thread's slice, so in training each copy fed only one or two micro-panels;
 *       it took as many samples as the kernel itself. Read in place, one thread computes the
 *       weight gradients of a small GPT 1.1-1.3x faster and its attention products 2.2x faster
 *       (BENCHMARKS.md 8.3), and a square 1024 product (power-of-two {@code lda}, 16 panels per
 *       packed block) within 2%, with the same sums.</li>
 *   <li>Edge tiles (fewer than MR rows or NR columns) run the same kernel into a scratch tile,
 *       re-reading the last valid row instead of rows past the end, and only the valid part is
 *       copied out with the same store arithmetic.</li>
 *   <li>{@code MC = 128} bounds the A block (128 x 256 floats = 128 KB) and {@code NC = 512} the
 *       packed B block (256 x 512 floats = 512 KB), together inside the 1 MB L2 of a core. The k range is split into equal blocks of at most
 *       {@code KC} so that no tiny tail block is left.</li>
 *   <li>alpha and beta are applied when a tile is stored: {@code C = acc*alpha},
 *       {@code fma(acc, alpha, C)} for later k blocks, or {@code fma(C, beta, acc*alpha)}.</li>
 * </ul>
 *
 * <h2>Threads and determinism</h2>
 * Work is split over output tiles only, never over k. When C is taller than wide (m &gt; n) and
 * has at least two MR-row tiles per thread, its rows are split into two slices of whole tiles per
 * thread, which the threads claim as they become free ({@link Parallel#split}); each slice's thread
 * packs all of op(B) (the smaller operand) into its own buffer and runs the loops above on its rows.
 * Otherwise, when C has at least two B micro-panels (NR columns) per thread, the columns are split
 * the same way and each slice packs its own part of op(B). Either split is one fork-join per call
 * with no sharing. The row split is what the thin products of training need: the column split
 * reads all of A once per slice, and with n = 192 (6 panels in 4 slices) it also left one thread
 * a third of the work idle. On the middle-size GPT's linear-layer shapes (4096 x 192 x 768 and the
 * like, two threads) the row split runs 1.4-1.6x faster called back to back, with the operands in
 * cache; inside a training step, where they come from memory, the gain is a few percent
 * (BENCHMARKS.md 8.6). Otherwise (narrow and
 * short C) the B block is packed once, split over the pool, and the MR-aligned rows of C (or, when
 * C is also short, the B micro-panels) are split. Either way each tile is computed by exactly the same sequence of
 * operations whichever thread runs it, so results are bit-identical across runs <em>and across
 * thread counts</em>. Called from inside another {@link Parallel} chunk, the splits run in order on
 * the calling thread. {@link #gemmBatched} splits across the batch when there are enough matrices,
 * else within each.
 *
 * <h2>Small problems</h2>
 * When {@code m*n*k < 32768} packing would cost more than it saves, and plain loops are used (also
 * the fallback when the {@code jdk.incubator.vector} module is not present).
 */
public final class Gemm {
    /** Below this many multiply-adds the unpacked scalar loops win. */
    static final long SMALL = 32 * 1024;
    static final int KC = 256;
    static final int MC = 128;
    static final int NC = 512;

    /** True when the Vector API is available; decided without touching any of its classes. */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Gemm() {}

    /** Each thread's packed block of op(B). */
    private static final ThreadScratch PACKED_B = new ThreadScratch();
    /** Each thread's MR x NR tile for the edge tiles of C, stored from it with the kernel's arithmetic. */
    private static final ThreadScratch EDGE_TILE = new ThreadScratch();

    /**
     * C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k, op(B) is k x n.
     * A is stored row-major as (transA ? k x m : m x k) with leading dimension lda (row stride), B as
     * (transB ? n x k : k x n) with ldb, C as m x n with ldc.
     * beta == 0 means C is overwritten (never read, so NaN garbage in C does not propagate);
     * k == 0 or alpha == 0 means C = beta * C (A and B are then not read).
     *
     * @throws IllegalArgumentException on negative sizes, leading dimensions smaller than the
     *     stored row length, or matrices that do not fit in their arrays
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        checkSizes(m, n, k);
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k, 1, 0);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n, 1, 0);
        checkMatrix("C", c, cOff, ldc, m, n, 1, 0);
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.threadsHere());
    }

    /**
     * {@code C = alpha * A * B^T} (A and B {@code m x k}, row strides lda and ldb; C {@code m x m},
     * overwritten) in the tiles of C that hold an element on or below the diagonal, on the calling
     * thread: the scores of causal attention, whose rows are read up to the diagonal only. The tiles
     * above are left as they were; the others hold exactly what {@link #gemm} gives (the same tiles
     * of the same packed block, summed in the same order), for products on the packed path
     * ({@link #packedPath}; the caller checks, since below it {@code gemm} sums differently).
     */
    public static void lowerTriangle(int m, int k, float alpha, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        checkSizes(m, m, k);
        if (!packedPath(m, m, k)) {
            throw new IllegalArgumentException("lowerTriangle needs a product on the packed path, got " + m + " x " + m + " x " + k);
        }
        checkMatrix("A", a, aOff, lda, m, k, 1, 0);
        checkMatrix("B", b, bOff, ldb, m, k, 1, 0);
        checkMatrix("C", c, cOff, ldc, m, m, 1, 0);
        blocked(false, true, m, m, k, alpha, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc, 1, true);
    }

    /**
     * Whether {@link #gemm} computes an m x n x k product (k &gt; 0, alpha ≠ 0) on its packed path,
     * where each element is one sum of its products in k order started from zero and stored once
     * with alpha and beta, rather than with the small-product loops (which sum differently).
     */
    public static boolean packedPath(int m, int n, int k) {
        return VECTOR && (long) m * n * k >= SMALL;
    }

    /**
     * {@code batch} independent GEMMs with the same shapes; matrix {@code i} of A starts at
     * {@code aOff + i*strideA}, and likewise for B and C. Strides may be 0 for A and B (one matrix
     * shared by the whole batch); the C matrices must not overlap one another (interleaved layouts,
     * e.g. {@code ldc = heads*d, strideC = d}, are fine). Parallel across the batch when it has
     * enough matrices, else within each product; results do not depend on the thread count.
     */
    public static void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, long strideA, float[] b, int bOff, int ldb, long strideB,
            float beta, float[] c, int cOff, int ldc, long strideC) {
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        checkSizes(m, n, k);
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k, batch, strideA);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n, batch, strideB);
        checkMatrix("C", c, cOff, ldc, m, n, batch, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        int threads = Parallel.threadsHere();
        boolean acrossBatch = threads > 1 && (batch % threads == 0 || batch >= 4 * threads);
        if (acrossBatch) {
            Parallel.forRange(batch, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    run(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), lda,
                            b, (int) (bOff + i * strideB), ldb, beta, c, (int) (cOff + i * strideC), ldc, 1);
                }
            });
        } else {
            for (int i = 0; i < batch; i++) {
                run(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), lda,
                        b, (int) (bOff + i * strideB), ldb, beta, c, (int) (cOff + i * strideC), ldc, threads);
            }
        }
    }

    /**
     * Convenience on rank-2 tensors: {@code c = op(a) op(b)}, or {@code c += op(a) op(b)} when
     * {@code accumulate}.
     */
    public static void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("matmul needs rank-2 tensors, got ranks "
                    + a.rank() + ", " + b.rank() + ", " + c.rank());
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb || c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("matmul shape mismatch: op(a) is " + m + "x" + k + ", op(b) is "
                    + kb + "x" + n + ", c is " + c.dim(0) + "x" + c.dim(1));
        }
        gemm(transA, transB, m, n, k, 1f, a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1),
                accumulate ? 1f : 0f, c.data(), c.offset(), c.dim(1));
    }

    // ---------------------------------------------------------------------------------------------
    // validation

    private static void checkSizes(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative gemm size m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** A stored rows x cols matrix with row stride ld, repeated count times at stride apart. */
    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols, int count, long stride) {
        if (x == null) throw new IllegalArgumentException(name + " is null");
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " (" + ld
                    + ") is smaller than its stored row length " + cols);
        }
        if (off < 0) throw new IllegalArgumentException("offset of " + name + " is negative: " + off);
        if (stride < 0) throw new IllegalArgumentException("batch stride of " + name + " is negative: " + stride);
        if (rows == 0 || cols == 0 || count == 0) return;
        long last = off + (count - 1) * stride + (long) (rows - 1) * ld + cols; // one past the last element read
        if (last > x.length) {
            throw new IllegalArgumentException(name + " (" + (count > 1 ? count + " matrices of " : "") + rows + "x"
                    + cols + ", ld " + ld + ", offset " + off + (count > 1 ? ", stride " + stride : "")
                    + ") needs " + last + " floats but its array has " + x.length);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // dispatch

    private static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
            int threads) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (!VECTOR || (long) m * n * k < SMALL) {
            small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (threads > 1 && m > n && ceilDiv(m, GemmKernels.MR) >= 2 * threads) {
            // Taller than wide: split the rows of C (in whole MR tiles) instead. Each thread packs
            // all of op(B), the smaller operand, and reads only its own rows of A, where a column
            // split would stream the whole of the larger A once per slice. Same tiles, same k
            // blocks: the bits of one thread. Two chunks per thread, claimed at run time, as below.
            int mr = GemmKernels.MR;
            int tiles = ceilDiv(m, mr);
            Parallel.split(tiles, Math.min(tiles, 2 * threads), (chunk, t0, t1) -> {
                int i0 = t0 * mr, i1 = Math.min(m, t1 * mr);
                blocked(transA, transB, i1 - i0, n, k, alpha, a, aOff + (transA ? i0 : i0 * lda), lda,
                        b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc, 1, false);
            });
        } else if (threads > 1 && ceilDiv(n, GemmKernels.NR) >= 2 * threads) {
            // Split the columns of C (in whole B micro-panels): each thread packs only its own part
            // of op(B) and runs the serial blocked loops on it, so there is one fork-join per call
            // and no shared buffer. Tile boundaries stay multiples of NR from column 0 and the
            // k blocking depends on k only, so every tile is computed exactly as with one thread.
            // Two chunks per thread, claimed at run time: when one thread is late (a worker waking
            // up, or descheduled on a busy machine) the other takes over its second chunk.
            int nr = GemmKernels.NR;
            int panels = ceilDiv(n, nr);
            Parallel.split(panels, Math.min(panels, 2 * threads), (chunk, q0, q1) -> {
                int j0 = q0 * nr, j1 = Math.min(n, q1 * nr);
                blocked(transA, transB, m, j1 - j0, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? j0 * ldb : j0), ldb, beta, c, cOff + j0, ldc, 1, false);
            });
        } else {
            blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads, false);
        }
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int r = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, r, r + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[r + j] *= beta;
            }
        }
    }

    /** Plain loops for small products (and the fallback without the Vector API). */
    private static void small(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int sai = transA ? 1 : lda, sap = transA ? lda : 1; // op(A)(i, p) = a[aOff + i*sai + p*sap]
        int sbp = transB ? 1 : ldb, sbj = transB ? ldb : 1; // op(B)(p, j) = b[bOff + p*sbp + j*sbj]
        if (transB) {
            // dot products: op(B) column j is contiguous
            for (int i = 0; i < m; i++) {
                int cr = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    float s = 0f;
                    int ai = aOff + i * sai, bj = bOff + j * sbj;
                    for (int p = 0; p < k; p++) s = Math.fma(a[ai + p * sap], b[bj + p], s);
                    c[cr + j] = beta == 0f ? alpha * s : Math.fma(beta, c[cr + j], alpha * s);
                }
            }
        } else {
            // row updates: C[i, :] += (alpha * op(A)(i, p)) * B[p, :], B rows contiguous
            for (int i = 0; i < m; i++) {
                int cr = cOff + i * ldc;
                if (beta == 0f) {
                    java.util.Arrays.fill(c, cr, cr + n, 0f);
                } else if (beta != 1f) {
                    for (int j = 0; j < n; j++) c[cr + j] *= beta;
                }
                for (int p = 0; p < k; p++) {
                    float x = alpha * a[aOff + i * sai + p * sap];
                    int br = bOff + p * sbp;
                    for (int j = 0; j < n; j++) c[cr + j] = Math.fma(x, b[br + j], c[cr + j]);
                }
            }
        }
    }

    /**
     * The packed, blocked path (see the class comment); with {@code lower}, only the tiles that hold
     * an element on or below the diagonal of C.
     */
    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
            int threads, boolean lower) {
        final int mr = GemmKernels.MR, nr = GemmKernels.NR;
        int kBlocks = ceilDiv(k, KC);
        int kcStep = ceilDiv(k, kBlocks);
        int nBlocks = ceilDiv(n, NC);
        int ncStep = ceilDiv(ceilDiv(n, nBlocks), nr) * nr;
        int mTiles = ceilDiv(m, mr);
        for (int jc = 0; jc < n; jc += ncStep) {
            final int jc0 = jc;
            final int nc = Math.min(ncStep, n - jc);
            final int panels = ceilDiv(nc, nr);
            for (int pc = 0; pc < k; pc += kcStep) {
                final int pc0 = pc;
                final int kc = Math.min(kcStep, k - pc);
                final float[] bp = PACKED_B.floats(panels * nr * kc);
                if (threads > 1 && panels > 1) {
                    Parallel.forRange(panels, 1, (q0, q1) ->
                            GemmKernels.packB(transB, b, bOff, ldb, pc0, kc, jc0, nc, q0, q1, bp));
                } else {
                    GemmKernels.packB(transB, b, bOff, ldb, pc0, kc, jc0, nc, 0, panels, bp);
                }
                final int mode = pc != 0 || beta == 1f ? GemmKernels.ADD
                        : beta == 0f ? GemmKernels.OVERWRITE : GemmKernels.SCALE;
                if (threads <= 1) {
                    region(transA, a, aOff, lda, alpha, 0, m, pc0, kc, bp, jc0, nc, 0, panels, beta, mode, c, cOff, ldc, lower);
                } else if (mTiles >= 2 * threads || panels < 2) {
                    Parallel.forRange(mTiles, 1, (t0, t1) -> region(transA, a, aOff, lda, alpha,
                            t0 * mr, Math.min(m, t1 * mr), pc0, kc, bp, jc0, nc, 0, panels, beta, mode, c, cOff, ldc, lower));
                } else {
                    Parallel.forRange(panels, 1, (q0, q1) -> region(transA, a, aOff, lda, alpha,
                            0, m, pc0, kc, bp, jc0, nc, q0, q1, beta, mode, c, cOff, ldc, lower));
                }
            }
        }
    }

    /**
     * Rows [i0, i1) of C against B micro-panels [q0, q1) of the packed block {@code bp}; with
     * {@code lower}, tiles whose first column lies right of their last row are skipped.
     */
    private static void region(boolean transA, float[] a, int aOff, int lda, float alpha, int i0, int i1,
            int pc, int kc, float[] bp, int jc, int nc, int q0, int q1, float beta, int mode,
            float[] c, int cOff, int ldc, boolean lower) {
        final int mr = GemmKernels.MR, nr = GemmKernels.NR;
        for (int ic = i0; ic < i1; ic += MC) {
            int mc = Math.min(MC, i1 - ic);
            for (int q = q0; q < q1; q++) {
                int j = jc + q * nr;
                int cols = Math.min(nr, jc + nc - j);
                int bi = q * nr * kc;
                for (int t = 0; t * mr < mc; t++) {
                    int i = ic + t * mr;
                    int rows = Math.min(mr, mc - t * mr);
                    if (lower && j > i + rows - 1) continue;
                    boolean full = rows == mr && cols == nr;
                    float[] out = full ? c : EDGE_TILE.floats(mr * nr);
                    int oi = full ? cOff + i * ldc + j : 0, ldo = full ? ldc : nr;
                    int om = full ? mode : GemmKernels.OVERWRITE;
                    float oa = full ? alpha : 1f;
                    if (transA) {
                        GemmKernels.kernelColumns(kc, a, aOff + pc * lda + i, lda, rows, bp, bi, out, oi, ldo, om, oa, beta);
                    } else {
                        GemmKernels.kernelRows(kc, a, aOff + i * lda + pc, lda, rows, bp, bi, out, oi, ldo, om, oa, beta);
                    }
                    if (!full) {
                        // the kernel's own store arithmetic, so edge tiles match full ones bit for bit
                        float[] tl = out;
                        for (int r = 0; r < rows; r++) {
                            int ci = cOff + (i + r) * ldc + j;
                            for (int jj = 0; jj < cols; jj++) {
                                float v = tl[r * nr + jj];
                                c[ci + jj] = mode == GemmKernels.OVERWRITE ? v * alpha
                                        : mode == GemmKernels.ADD ? Math.fma(v, alpha, c[ci + jj])
                                        : Math.fma(c[ci + jj], beta, v * alpha);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
