package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API half of {@link Gemm}: panel packing and the register-blocked micro-kernel.
 *
 * <p>Kept apart from {@code Gemm} so that {@code Gemm} itself never names a
 * {@code jdk.incubator.vector} type: when the module is not in the boot layer this class is simply
 * never loaded and {@code Gemm} falls back to its plain loops instead of failing class
 * initialisation.
 *
 * <h2>Packed layout</h2>
 * Only op(B) is packed. A B block (kc x nc of {@code op(B)}) is made of micro-panels of {@link #NR}
 * columns; panel {@code q} starts at {@code q*NR*kc} and holds, for each {@code p}, the {@code NR}
 * values of row {@code p} (columns past {@code nc} are zero), so the micro-kernels read it strictly
 * sequentially. A is read where it is stored: {@link #kernelRows} when it is stored m x k,
 * {@link #kernelColumns} when it is stored transposed.
 */
final class GemmKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector: 16 with AVX-512, 8 with AVX2. */
    static final int VL = S.length();
    /** Rows of C per micro-tile. */
    static final int MR = 8;
    /** Columns of C per micro-tile: two vectors. */
    static final int NR = 2 * VL;

    /** Store modes of the micro-kernel. */
    static final int OVERWRITE = 0, ADD = 1, SCALE = 2;


    // 16 x 16 transpose (used when VL == 16): stage s swaps the off-diagonal s x s blocks of every
    // 2s x 2s block, for s = 8, 4, 2, 1; lanes with (lane & s) != 0 are the "high" half.
    private static final VectorMask<Float> HI8 = VL == 16 ? VectorMask.fromLong(S, hiBits(8)) : null;
    private static final VectorShuffle<Float> DN8 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 8) != 0 ? c - 8 : c) : null;
    private static final VectorShuffle<Float> UP8 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 8) == 0 ? c + 8 : c) : null;
    private static final VectorMask<Float> HI4 = VL == 16 ? VectorMask.fromLong(S, hiBits(4)) : null;
    private static final VectorShuffle<Float> DN4 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 4) != 0 ? c - 4 : c) : null;
    private static final VectorShuffle<Float> UP4 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 4) == 0 ? c + 4 : c) : null;
    private static final VectorMask<Float> HI2 = VL == 16 ? VectorMask.fromLong(S, hiBits(2)) : null;
    private static final VectorShuffle<Float> DN2 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 2) != 0 ? c - 2 : c) : null;
    private static final VectorShuffle<Float> UP2 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 2) == 0 ? c + 2 : c) : null;
    private static final VectorMask<Float> HI1 = VL == 16 ? VectorMask.fromLong(S, hiBits(1)) : null;
    private static final VectorShuffle<Float> DN1 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 1) != 0 ? c - 1 : c) : null;
    private static final VectorShuffle<Float> UP1 = VL == 16 ? VectorShuffle.fromOp(S, c -> (c & 1) == 0 ? c + 1 : c) : null;

    private static long hiBits(int s) {
        long bits = 0;
        for (int c = 0; c < VL; c++) if ((c & s) != 0) bits |= 1L << c;
        return bits;
    }

    private GemmKernels() {}

    /**
     * Packs micro-panels {@code [q0, q1)} of the block of {@code op(B)} with rows
     * {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} into {@code bp} (panel {@code q} at
     * {@code q*NR*kc}).
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
            int q0, int q1, float[] bp) {
        for (int q = q0; q < q1; q++) {
            int col0 = j0 + q * NR;
            int cols = Math.min(NR, j0 + nc - col0);
            int dst = q * NR * kc;
            if (!transB) {
                int src = bOff + p0 * ldb + col0;
                if (cols == NR) {
                    for (int p = 0; p < kc; p++) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + VL).intoArray(bp, dst + VL);
                        src += ldb;
                        dst += NR;
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        for (int j = 0; j < NR; j++) bp[dst + j] = j < cols ? b[src + j] : 0f;
                        src += ldb;
                        dst += NR;
                    }
                }
            } else {
                // op(B)(p, j) = b[(j0 + j) * ldb + p]
                int done = 0;
                if (VL == 16 && cols == NR) {
                    done = kc & ~15;
                    int src = bOff + col0 * ldb + p0;
                    packBT16(b, src, ldb, done, bp, dst);
                    packBT16(b, src + 16 * ldb, ldb, done, bp, dst + 16);
                }
                // the rest: read each stored row sequentially, scatter by NR
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bOff + (col0 + j) * ldb + p0;
                        for (int p = done, d = dst + done * NR + j; p < kc; p++, d += NR) bp[d] = b[src + p];
                    } else {
                        for (int p = done, d = dst + done * NR + j; p < kc; p++, d += NR) bp[d] = 0f;
                    }
                }
            }
        }
    }


    /**
     * Packs a 16-row group of a transposed-B panel: rows {@code src + j*ldb} (j < 16), values
     * {@code p < kc16} (a multiple of 16), into {@code bp[dst + p*NR + j]}; 16 x 16 blocks are
     * transposed in registers (4 stages of one permute and one blend per vector).
     */
    private static void packBT16(float[] b, int src, int ldb, int kc16, float[] bp, int dst) {
        for (int p = 0; p < kc16; p += 16) {
            FloatVector v0 = FloatVector.fromArray(S, b, src + 0 * ldb + p);
            FloatVector v1 = FloatVector.fromArray(S, b, src + 1 * ldb + p);
            FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * ldb + p);
            FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * ldb + p);
            FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * ldb + p);
            FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * ldb + p);
            FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * ldb + p);
            FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * ldb + p);
            FloatVector v8 = FloatVector.fromArray(S, b, src + 8 * ldb + p);
            FloatVector v9 = FloatVector.fromArray(S, b, src + 9 * ldb + p);
            FloatVector v10 = FloatVector.fromArray(S, b, src + 10 * ldb + p);
            FloatVector v11 = FloatVector.fromArray(S, b, src + 11 * ldb + p);
            FloatVector v12 = FloatVector.fromArray(S, b, src + 12 * ldb + p);
            FloatVector v13 = FloatVector.fromArray(S, b, src + 13 * ldb + p);
            FloatVector v14 = FloatVector.fromArray(S, b, src + 14 * ldb + p);
            FloatVector v15 = FloatVector.fromArray(S, b, src + 15 * ldb + p);
            { FloatVector x = v0.blend(v8.rearrange(DN8), HI8); v8 = v0.rearrange(UP8).blend(v8, HI8); v0 = x; }
            { FloatVector x = v1.blend(v9.rearrange(DN8), HI8); v9 = v1.rearrange(UP8).blend(v9, HI8); v1 = x; }
            { FloatVector x = v2.blend(v10.rearrange(DN8), HI8); v10 = v2.rearrange(UP8).blend(v10, HI8); v2 = x; }
            { FloatVector x = v3.blend(v11.rearrange(DN8), HI8); v11 = v3.rearrange(UP8).blend(v11, HI8); v3 = x; }
            { FloatVector x = v4.blend(v12.rearrange(DN8), HI8); v12 = v4.rearrange(UP8).blend(v12, HI8); v4 = x; }
            { FloatVector x = v5.blend(v13.rearrange(DN8), HI8); v13 = v5.rearrange(UP8).blend(v13, HI8); v5 = x; }
            { FloatVector x = v6.blend(v14.rearrange(DN8), HI8); v14 = v6.rearrange(UP8).blend(v14, HI8); v6 = x; }
            { FloatVector x = v7.blend(v15.rearrange(DN8), HI8); v15 = v7.rearrange(UP8).blend(v15, HI8); v7 = x; }
            { FloatVector x = v0.blend(v4.rearrange(DN4), HI4); v4 = v0.rearrange(UP4).blend(v4, HI4); v0 = x; }
            { FloatVector x = v1.blend(v5.rearrange(DN4), HI4); v5 = v1.rearrange(UP4).blend(v5, HI4); v1 = x; }
            { FloatVector x = v2.blend(v6.rearrange(DN4), HI4); v6 = v2.rearrange(UP4).blend(v6, HI4); v2 = x; }
            { FloatVector x = v3.blend(v7.rearrange(DN4), HI4); v7 = v3.rearrange(UP4).blend(v7, HI4); v3 = x; }
            { FloatVector x = v8.blend(v12.rearrange(DN4), HI4); v12 = v8.rearrange(UP4).blend(v12, HI4); v8 = x; }
            { FloatVector x = v9.blend(v13.rearrange(DN4), HI4); v13 = v9.rearrange(UP4).blend(v13, HI4); v9 = x; }
            { FloatVector x = v10.blend(v14.rearrange(DN4), HI4); v14 = v10.rearrange(UP4).blend(v14, HI4); v10 = x; }
            { FloatVector x = v11.blend(v15.rearrange(DN4), HI4); v15 = v11.rearrange(UP4).blend(v15, HI4); v11 = x; }
            { FloatVector x = v0.blend(v2.rearrange(DN2), HI2); v2 = v0.rearrange(UP2).blend(v2, HI2); v0 = x; }
            { FloatVector x = v1.blend(v3.rearrange(DN2), HI2); v3 = v1.rearrange(UP2).blend(v3, HI2); v1 = x; }
            { FloatVector x = v4.blend(v6.rearrange(DN2), HI2); v6 = v4.rearrange(UP2).blend(v6, HI2); v4 = x; }
            { FloatVector x = v5.blend(v7.rearrange(DN2), HI2); v7 = v5.rearrange(UP2).blend(v7, HI2); v5 = x; }
            { FloatVector x = v8.blend(v10.rearrange(DN2), HI2); v10 = v8.rearrange(UP2).blend(v10, HI2); v8 = x; }
            { FloatVector x = v9.blend(v11.rearrange(DN2), HI2); v11 = v9.rearrange(UP2).blend(v11, HI2); v9 = x; }
            { FloatVector x = v12.blend(v14.rearrange(DN2), HI2); v14 = v12.rearrange(UP2).blend(v14, HI2); v12 = x; }
            { FloatVector x = v13.blend(v15.rearrange(DN2), HI2); v15 = v13.rearrange(UP2).blend(v15, HI2); v13 = x; }
            { FloatVector x = v0.blend(v1.rearrange(DN1), HI1); v1 = v0.rearrange(UP1).blend(v1, HI1); v0 = x; }
            { FloatVector x = v2.blend(v3.rearrange(DN1), HI1); v3 = v2.rearrange(UP1).blend(v3, HI1); v2 = x; }
            { FloatVector x = v4.blend(v5.rearrange(DN1), HI1); v5 = v4.rearrange(UP1).blend(v5, HI1); v4 = x; }
            { FloatVector x = v6.blend(v7.rearrange(DN1), HI1); v7 = v6.rearrange(UP1).blend(v7, HI1); v6 = x; }
            { FloatVector x = v8.blend(v9.rearrange(DN1), HI1); v9 = v8.rearrange(UP1).blend(v9, HI1); v8 = x; }
            { FloatVector x = v10.blend(v11.rearrange(DN1), HI1); v11 = v10.rearrange(UP1).blend(v11, HI1); v10 = x; }
            { FloatVector x = v12.blend(v13.rearrange(DN1), HI1); v13 = v12.rearrange(UP1).blend(v13, HI1); v12 = x; }
            { FloatVector x = v14.blend(v15.rearrange(DN1), HI1); v15 = v14.rearrange(UP1).blend(v15, HI1); v14 = x; }
            int d = dst + p * NR;
            v0.intoArray(bp, d + 0 * NR);
            v1.intoArray(bp, d + 1 * NR);
            v2.intoArray(bp, d + 2 * NR);
            v3.intoArray(bp, d + 3 * NR);
            v4.intoArray(bp, d + 4 * NR);
            v5.intoArray(bp, d + 5 * NR);
            v6.intoArray(bp, d + 6 * NR);
            v7.intoArray(bp, d + 7 * NR);
            v8.intoArray(bp, d + 8 * NR);
            v9.intoArray(bp, d + 9 * NR);
            v10.intoArray(bp, d + 10 * NR);
            v11.intoArray(bp, d + 11 * NR);
            v12.intoArray(bp, d + 12 * NR);
            v13.intoArray(bp, d + 13 * NR);
            v14.intoArray(bp, d + 14 * NR);
            v15.intoArray(bp, d + 15 * NR);
        }
    }

    /**
     * The micro-kernel for a transposed A ({@code op(A) = A^T}, A stored k x m), read in place: an
     * {@code MR x NR} tile of C from {@code kc} rank-1 updates, where row {@code r} of the tile at
     * step {@code p} is {@code a[ai + p*lda + r]} and the B micro-panel is packed ({@code bp} at
     * {@code bi}). The 8 values of one step lie side by side in one stored row of A, so they are
     * exactly the 8 values a packed A micro-panel would hold for that step: packing A only copied
     * them (once for every block of C columns, with a single use per copy in the thin products of
     * training), and is not done.
     *
     * <p>The 8 x 2 accumulator vectors (16 registers) plus two B vectors and one broadcast fit in the
     * 32 vector registers of AVX-512. Each step issues 16 independent FMAs for 2 vector loads and 8
     * broadcasts, which keeps both FMA pipes busy with enough independent chains to hide latency.
     * Rows at or past {@code rows} re-read column {@code rows-1} (never out of bounds); their
     * results are discarded by the caller, and each row's accumulators are independent, so the
     * valid rows are bit-identical to a full tile's.
     *
     * <p>Store ({@code acc} the accumulated sum): {@link #OVERWRITE} C = acc*alpha; {@link #ADD}
     * C = fma(acc, alpha, C); {@link #SCALE} C = fma(C, beta, acc*alpha). The whole tile must lie
     * inside {@code c}.
     */
    static void kernelColumns(int kc, float[] a, int ai, int lda, int rows, float[] bp, int bi,
            float[] c, int ci, int ldc, int mode, float alpha, float beta) {
        int last = rows - 1;
        int o1 = Math.min(1, last), o2 = Math.min(2, last), o3 = Math.min(3, last);
        int o4 = Math.min(4, last), o5 = Math.min(5, last), o6 = Math.min(6, last), o7 = Math.min(7, last);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + o1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + o2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + o3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + o4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + o5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + o6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + o7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ai += lda;
            bi += NR;
        }
        // stores written out: a helper taking vectors might not be inlined, and would then box them
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (mode == OVERWRITE) {
            c00.mul(av).intoArray(c, ci);
            c01.mul(av).intoArray(c, ci + VL);
            c10.mul(av).intoArray(c, ci + ldc);
            c11.mul(av).intoArray(c, ci + ldc + VL);
            c20.mul(av).intoArray(c, ci + 2 * ldc);
            c21.mul(av).intoArray(c, ci + 2 * ldc + VL);
            c30.mul(av).intoArray(c, ci + 3 * ldc);
            c31.mul(av).intoArray(c, ci + 3 * ldc + VL);
            c40.mul(av).intoArray(c, ci + 4 * ldc);
            c41.mul(av).intoArray(c, ci + 4 * ldc + VL);
            c50.mul(av).intoArray(c, ci + 5 * ldc);
            c51.mul(av).intoArray(c, ci + 5 * ldc + VL);
            c60.mul(av).intoArray(c, ci + 6 * ldc);
            c61.mul(av).intoArray(c, ci + 6 * ldc + VL);
            c70.mul(av).intoArray(c, ci + 7 * ldc);
            c71.mul(av).intoArray(c, ci + 7 * ldc + VL);
        } else if (mode == ADD) {
            c00.fma(av, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c01.fma(av, FloatVector.fromArray(S, c, ci + VL)).intoArray(c, ci + VL);
            c10.fma(av, FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
            c11.fma(av, FloatVector.fromArray(S, c, ci + ldc + VL)).intoArray(c, ci + ldc + VL);
            c20.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
            c21.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc + VL)).intoArray(c, ci + 2 * ldc + VL);
            c30.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
            c31.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc + VL)).intoArray(c, ci + 3 * ldc + VL);
            c40.fma(av, FloatVector.fromArray(S, c, ci + 4 * ldc)).intoArray(c, ci + 4 * ldc);
            c41.fma(av, FloatVector.fromArray(S, c, ci + 4 * ldc + VL)).intoArray(c, ci + 4 * ldc + VL);
            c50.fma(av, FloatVector.fromArray(S, c, ci + 5 * ldc)).intoArray(c, ci + 5 * ldc);
            c51.fma(av, FloatVector.fromArray(S, c, ci + 5 * ldc + VL)).intoArray(c, ci + 5 * ldc + VL);
            c60.fma(av, FloatVector.fromArray(S, c, ci + 6 * ldc)).intoArray(c, ci + 6 * ldc);
            c61.fma(av, FloatVector.fromArray(S, c, ci + 6 * ldc + VL)).intoArray(c, ci + 6 * ldc + VL);
            c70.fma(av, FloatVector.fromArray(S, c, ci + 7 * ldc)).intoArray(c, ci + 7 * ldc);
            c71.fma(av, FloatVector.fromArray(S, c, ci + 7 * ldc + VL)).intoArray(c, ci + 7 * ldc + VL);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(bv, c00.mul(av)).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + VL).fma(bv, c01.mul(av)).intoArray(c, ci + VL);
            FloatVector.fromArray(S, c, ci + ldc).fma(bv, c10.mul(av)).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + VL).fma(bv, c11.mul(av)).intoArray(c, ci + ldc + VL);
            FloatVector.fromArray(S, c, ci + 2 * ldc).fma(bv, c20.mul(av)).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + VL).fma(bv, c21.mul(av)).intoArray(c, ci + 2 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 3 * ldc).fma(bv, c30.mul(av)).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + VL).fma(bv, c31.mul(av)).intoArray(c, ci + 3 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 4 * ldc).fma(bv, c40.mul(av)).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(S, c, ci + 4 * ldc + VL).fma(bv, c41.mul(av)).intoArray(c, ci + 4 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 5 * ldc).fma(bv, c50.mul(av)).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(S, c, ci + 5 * ldc + VL).fma(bv, c51.mul(av)).intoArray(c, ci + 5 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 6 * ldc).fma(bv, c60.mul(av)).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(S, c, ci + 6 * ldc + VL).fma(bv, c61.mul(av)).intoArray(c, ci + 6 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 7 * ldc).fma(bv, c70.mul(av)).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(S, c, ci + 7 * ldc + VL).fma(bv, c71.mul(av)).intoArray(c, ci + 7 * ldc + VL);
        }
    }

    /**
     * Micro-kernel reading A unpacked: row {@code r} of the tile is {@code a[ai + r*lda + p]},
     * {@code p < kc}. Rows at or past {@code rows} re-read row {@code rows-1} (never out of bounds);
     * their results are discarded by the caller, and each row's accumulators are independent, so
     * the valid rows are bit-identical to a full tile's.
     */
    static void kernelRows(int kc, float[] a, int ai, int lda, int rows, float[] bp, int bi,
            float[] c, int ci, int ldc, int mode, float alpha, float beta) {
        int last = rows - 1;
        int o1 = Math.min(1, last) * lda, o2 = Math.min(2, last) * lda, o3 = Math.min(3, last) * lda;
        int o4 = Math.min(4, last) * lda, o5 = Math.min(5, last) * lda, o6 = Math.min(6, last) * lda;
        int o7 = Math.min(7, last) * lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + p + o1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + p + o2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + p + o3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + p + o4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + p + o5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + p + o6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + p + o7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            bi += NR;
        }
        // stores written out: a helper taking vectors might not be inlined, and would then box them
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (mode == OVERWRITE) {
            c00.mul(av).intoArray(c, ci);
            c01.mul(av).intoArray(c, ci + VL);
            c10.mul(av).intoArray(c, ci + ldc);
            c11.mul(av).intoArray(c, ci + ldc + VL);
            c20.mul(av).intoArray(c, ci + 2 * ldc);
            c21.mul(av).intoArray(c, ci + 2 * ldc + VL);
            c30.mul(av).intoArray(c, ci + 3 * ldc);
            c31.mul(av).intoArray(c, ci + 3 * ldc + VL);
            c40.mul(av).intoArray(c, ci + 4 * ldc);
            c41.mul(av).intoArray(c, ci + 4 * ldc + VL);
            c50.mul(av).intoArray(c, ci + 5 * ldc);
            c51.mul(av).intoArray(c, ci + 5 * ldc + VL);
            c60.mul(av).intoArray(c, ci + 6 * ldc);
            c61.mul(av).intoArray(c, ci + 6 * ldc + VL);
            c70.mul(av).intoArray(c, ci + 7 * ldc);
            c71.mul(av).intoArray(c, ci + 7 * ldc + VL);
        } else if (mode == ADD) {
            c00.fma(av, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c01.fma(av, FloatVector.fromArray(S, c, ci + VL)).intoArray(c, ci + VL);
            c10.fma(av, FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
            c11.fma(av, FloatVector.fromArray(S, c, ci + ldc + VL)).intoArray(c, ci + ldc + VL);
            c20.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
            c21.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc + VL)).intoArray(c, ci + 2 * ldc + VL);
            c30.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
            c31.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc + VL)).intoArray(c, ci + 3 * ldc + VL);
            c40.fma(av, FloatVector.fromArray(S, c, ci + 4 * ldc)).intoArray(c, ci + 4 * ldc);
            c41.fma(av, FloatVector.fromArray(S, c, ci + 4 * ldc + VL)).intoArray(c, ci + 4 * ldc + VL);
            c50.fma(av, FloatVector.fromArray(S, c, ci + 5 * ldc)).intoArray(c, ci + 5 * ldc);
            c51.fma(av, FloatVector.fromArray(S, c, ci + 5 * ldc + VL)).intoArray(c, ci + 5 * ldc + VL);
            c60.fma(av, FloatVector.fromArray(S, c, ci + 6 * ldc)).intoArray(c, ci + 6 * ldc);
            c61.fma(av, FloatVector.fromArray(S, c, ci + 6 * ldc + VL)).intoArray(c, ci + 6 * ldc + VL);
            c70.fma(av, FloatVector.fromArray(S, c, ci + 7 * ldc)).intoArray(c, ci + 7 * ldc);
            c71.fma(av, FloatVector.fromArray(S, c, ci + 7 * ldc + VL)).intoArray(c, ci + 7 * ldc + VL);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(bv, c00.mul(av)).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + VL).fma(bv, c01.mul(av)).intoArray(c, ci + VL);
            FloatVector.fromArray(S, c, ci + ldc).fma(bv, c10.mul(av)).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + VL).fma(bv, c11.mul(av)).intoArray(c, ci + ldc + VL);
            FloatVector.fromArray(S, c, ci + 2 * ldc).fma(bv, c20.mul(av)).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + VL).fma(bv, c21.mul(av)).intoArray(c, ci + 2 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 3 * ldc).fma(bv, c30.mul(av)).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + VL).fma(bv, c31.mul(av)).intoArray(c, ci + 3 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 4 * ldc).fma(bv, c40.mul(av)).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(S, c, ci + 4 * ldc + VL).fma(bv, c41.mul(av)).intoArray(c, ci + 4 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 5 * ldc).fma(bv, c50.mul(av)).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(S, c, ci + 5 * ldc + VL).fma(bv, c51.mul(av)).intoArray(c, ci + 5 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 6 * ldc).fma(bv, c60.mul(av)).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(S, c, ci + 6 * ldc + VL).fma(bv, c61.mul(av)).intoArray(c, ci + 6 * ldc + VL);
            FloatVector.fromArray(S, c, ci + 7 * ldc).fma(bv, c70.mul(av)).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(S, c, ci + 7 * ldc + VL).fma(bv, c71.mul(av)).intoArray(c, ci + 7 * ldc + VL);
        }
    }
}
