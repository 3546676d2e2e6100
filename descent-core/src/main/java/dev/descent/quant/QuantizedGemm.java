package dev.descent.quant;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.StoredTensor;

/**
 * The two products of a linear layer whose weight W [out, in] stays in a {@link StoredTensor}'s
 * packed format: W is decoded tile by tile into a small float32 buffer and each tile goes straight
 * into {@link Gemm}, so no full float32 copy of W ever exists (a tile holds at most
 * {@value #TILE_FLOATS} floats, one per thread).
 *
 * <ul>
 *   <li>{@link #forward}: Y[rows, out] = X[rows, in] · Wᵀ + β·Y, tiles of whole rows of W (output
 *       columns of Y). Each output element is one {@link Gemm} dot over the full in-dimension, in the
 *       same order as a single {@link Gemm} call on the decoded W, so the result is bit-identical to
 *       {@code Gemm.gemm(false, true, …)} over {@code W.toFloat32()} whenever both calls take Gemm's
 *       packed path (see {@code QuantizedLinearTest}).</li>
 *   <li>{@link #inputGradient}: dX[rows, in] += dY[rows, out] · W, tiles of whole blocks of columns
 *       of W (so the reduction over out is never split), again one Gemm per tile.</li>
 * </ul>
 * Tiles are split across {@link Parallel}'s threads; Gemm called inside a chunk runs on that
 * thread, so the result does not depend on the thread count. Rows of a tile are decoded by the
 * format's own {@link StoredTensor#dequantize} kernel (whole blocks at a time).
 */
public final class QuantizedGemm {
    /** Floats per decoded tile (1 MiB): large enough for Gemm's blocking, small enough for L2. */
    static final int TILE_FLOATS = 1 << 18;
    /** Tiles are whole multiples of this many rows or columns (Gemm's panel width and the formats' block). */
    private static final int ALIGN = 32;

    private QuantizedGemm() {}

    /** Y = X·Wᵀ + beta·Y for X [rows, in] at {@code xo}, Y [rows, out] at {@code yo} (row-major, dense). */
    public static void forward(StoredTensor w, float[] x, int xo, int rows, float beta, float[] y, int yo) {
        int out = w.shape()[0];
        int in = w.shape()[1];
        int tileRows = Math.max(ALIGN, TILE_FLOATS / in / ALIGN * ALIGN);
        int tiles = (out + tileRows - 1) / tileRows;
        Parallel.forRange(tiles, 1, (fromTile, toTile) -> {
            float[] tile = new float[Math.min(tileRows, out) * in];
            for (int t = fromTile; t < toTile; t++) {
                int r0 = t * tileRows;
                int n = Math.min(tileRows, out - r0);
                w.dequantize(r0 * in, tile, 0, n * in);
                Gemm.gemm(false, true, rows, n, in, 1f, x, xo, in, tile, 0, in, beta, y, yo + r0, out);
            }
        });
    }

    /** dX += dY·W for dY [rows, out] at {@code go}, dX [rows, in] at {@code dxo}. */
    public static void inputGradient(StoredTensor w, float[] dy, int go, int rows, float[] dx, int dxo) {
        int out = w.shape()[0];
        int in = w.shape()[1];
        int tileCols = Math.min(in, Math.max(ALIGN, TILE_FLOATS / out / ALIGN * ALIGN));
        int tiles = (in + tileCols - 1) / tileCols;
        Parallel.forRange(tiles, 1, (fromTile, toTile) -> {
            float[] tile = new float[out * tileCols];
            for (int t = fromTile; t < toTile; t++) {
                int c0 = t * tileCols;
                int n = Math.min(tileCols, in - c0);
                for (int r = 0; r < out; r++) w.dequantize(r * in + c0, tile, r * n, n);
                Gemm.gemm(false, false, rows, n, out, 1f, dy, go, out, tile, 0, n, 1f, dx, dxo + c0, in);
            }
        });
    }
}
