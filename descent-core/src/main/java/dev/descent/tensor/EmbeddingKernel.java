package dev.descent.tensor;

/**
 * Embedding lookup (row gather) and its adjoint (row scatter-add), with index checks that name the
 * offending token.
 */
public final class EmbeddingKernel {
    private EmbeddingKernel() {}

    /** out[i, :] = table[idx[i], :] for a table of {@code rows} × {@code dim}. */
    public static void gather(float[] table, int to, int rows, int dim, int[] idx, float[] out, int oo) {
        for (int i = 0; i < idx.length; i++) {
            int r = idx[i];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException("index " + r + " at position " + i + " outside [0, " + rows + ")");
            }
            System.arraycopy(table, to + r * dim, out, oo + i * dim, dim);
        }
    }

    /** dtable[idx[i], :] += dout[i, :], in index order (repeated indices accumulate deterministically). */
    public static void scatterAdd(float[] dout, int doo, int[] idx, int dim, float[] dtable, int dto) {
        for (int i = 0; i < idx.length; i++) {
            Elementwise.addInPlace(dout, doo + i * dim, dtable, dto + idx[i] * dim, dim);
        }
    }
}
