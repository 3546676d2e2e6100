package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API half of {@link Gemm}: panel packing and the register-blocked micro-kernel.
 *
 * <p>Kept apart from {@code Gemm} so that {@code Gemm} itself never names a
 * {@code jdk.incubator.vector} type: when the module is not in the boot layer this class is simply
 * never loaded and {@code Gemm} falls back to its plain loops instead of failing class
 * initialisation.
 *
 * <h2>Packed layouts</h2>
 * <ul>
 *   <li>A block (mc x kc of {@code op(A)}; only used when A is stored transposed): micro-panels of {@link #MR} rows; panel {@code t}
 *       starts at {@code t*MR*kc} and holds, for each {@code p} in order, the {@code MR} values of
 *       column {@code p} (rows past {@code mc} are zero).</li>
 *   <li>B block (kc x nc of {@code op(B)}): micro-panels of {@link #NR} columns; panel {@code q}
 *       starts at {@code q*NR*kc} and holds, for each {@code p}, the {@code NR} values of row
 *       {@code p} (columns past {@code nc} are zero).</li>
 * </ul>
 * Both layouts make the micro-kernel read memory strictly sequentially.
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

    private GemmKernels() {}

    /**
     * Packs rows {@code [i0, i0+mc)} and columns {@code [p0, p0+kc)} of {@code op(A) = A^T} (A stored k x m) into
     * {@code ap} from index 0 (layout in the class comment).
     */
    static void packAT(float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] ap) {
        for (int t = 0; t * MR < mc; t++) {
            int rows = Math.min(MR, mc - t * MR);
            int row0 = i0 + t * MR;
            int dst = t * MR * kc;
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + row0;
                    for (int r = 0; r < MR; r++) {
                        ap[dst + r] = r < rows ? a[src + r] : 0f;
                    }
                    dst += MR;
                }
        }
    }

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
                // op(B)(p, j) = b[(j0 + j) * ldb + p]: read each stored row sequentially, scatter by NR.
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bOff + (col0 + j) * ldb + p0;
                        for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = b[src + p];
                    } else {
                        for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel on a packed A micro-panel ({@code ap} at {@code ai}, layout in the class
     * comment) and a packed B micro-panel ({@code bp} at {@code bi}): an {@code MR x NR} tile of C
     * from {@code kc} rank-1 updates.
     *
     * <p>The 8 x 2 accumulator vectors (16 registers) plus two B vectors and one broadcast fit in the
     * 32 vector registers of AVX-512. Each step issues 16 independent FMAs for 2 vector loads and 8
     * broadcasts, which keeps both FMA pipes busy with enough independent chains to hide latency.
     *
     * <p>Store ({@code acc} the accumulated sum): {@link #OVERWRITE} C = acc*alpha; {@link #ADD}
     * C = fma(acc, alpha, C); {@link #SCALE} C = fma(C, beta, acc*alpha). The whole tile must lie
     * inside {@code c}.
     */
    static void kernelPacked(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, int mode, float alpha, float beta) {
        float[] a = ap;
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
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ai += MR;
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
