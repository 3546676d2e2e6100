package dev.descent.data;

import dev.descent.io.DType;
import dev.descent.io.FormatException;
import dev.descent.io.Npy;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A classification dataset from two NumPy {@code .npy} files, as {@code np.save(x_path, X)} and
 * {@code np.save(y_path, y)} write them: features X of shape (N, D) with dtype float32 or float64
 * (float64 rounds to nearest float32), and labels y of shape (N,) with any integer dtype, each label
 * in [0, 2²⁴) (class indices, exact in float32). The number of classes is the largest label + 1
 * unless given. Either byte order and Fortran order are accepted ({@link Npy} reads them).
 *
 * <p>Anything else is refused with a {@link FormatException} naming the file and what was wrong: a
 * wrong rank or dtype, a row count that differs between the files, a negative or too large label,
 * a non-finite feature, fewer than two classes.
 */
public final class NpyDataset {
    private static final Set<DType> FEATURE_DTYPES = EnumSet.of(DType.F32, DType.F64);
    private static final Set<DType> LABEL_DTYPES = EnumSet.of(
            DType.I8, DType.U8, DType.I16, DType.U16, DType.I32, DType.U32, DType.I64, DType.U64);
    /** Labels are read through float32, which holds every integer below 2^24 exactly. */
    private static final int MAX_LABEL = 1 << 24;

    private NpyDataset() {}

    /** Loads features and labels; the class count is the largest label + 1. */
    public static ClassificationData load(Path features, Path labels) throws IOException {
        return load(features, labels, 0);
    }

    /**
     * Loads features and labels with {@code classes} classes ({@code 0}: the largest label + 1).
     * The dataset is named after the features file without {@code .npy}.
     */
    public static ClassificationData load(Path features, Path labels, int classes) throws IOException {
        Npy.Header xh = Npy.readHeader(features);
        Npy.Header yh = Npy.readHeader(labels);
        int[] xs = xh.shape();
        int[] ys = yh.shape();
        if (!FEATURE_DTYPES.contains(xh.dtype())) {
            throw new FormatException(features + ": features have dtype '" + xh.descr() + "'; expected float32 or float64 ('<f4', '<f8')");
        }
        if (xs.length != 2 || xs[1] < 1) {
            throw new FormatException(features + ": features have shape " + Arrays.toString(xs) + "; expected (N, D) with D >= 1");
        }
        if (!LABEL_DTYPES.contains(yh.dtype())) {
            throw new FormatException(labels + ": labels have dtype '" + yh.descr() + "'; expected an integer dtype (i1 i2 i4 i8 u1 u2 u4 u8)");
        }
        if (ys.length != 1) {
            throw new FormatException(labels + ": labels have shape " + Arrays.toString(ys) + "; expected (N,)");
        }
        if (ys[0] != xs[0]) {
            throw new FormatException(labels + ": " + ys[0] + " labels for " + xs[0] + " feature rows in " + features);
        }
        Tensor x = Npy.read(features);
        Tensor y = Npy.read(labels);
        if (!Arrays.equals(x.shape(), xs) || !Arrays.equals(y.shape(), ys)) { // a file replaced between the two reads
            throw new FormatException(features + ", " + labels + ": the files changed while being read");
        }
        int rows = xs[0];
        int cols = xs[1];
        float[] f = x.toArray();
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new FormatException(features + ": feature at row " + i / cols + ", column " + i % cols + " is "
                        + f[i] + " as float32; features must be finite");
            }
        }
        int[] l = new int[rows];
        int largest = -1;
        for (int i = 0; i < rows; i++) {
            float v = y.get(i);
            if (v < 0 || v >= MAX_LABEL) {
                throw new FormatException(labels + ": label " + (long) v + " of row " + i + " is outside [0, 2^24)");
            }
            l[i] = (int) v;
            largest = Math.max(largest, l[i]);
        }
        int k = classes == 0 ? largest + 1 : classes;
        if (k < 2) {
            throw new FormatException(labels + ": " + (classes == 0 ? "the labels hold a single class" : "classes = " + classes)
                    + "; a classification dataset needs at least 2 classes");
        }
        if (largest >= k) {
            throw new FormatException(labels + ": label " + largest + " is outside [0, " + k + ") for " + k + " classes");
        }
        String name = features.getFileName().toString().replaceFirst("\\.npy$", "");
        return new ClassificationData(name, f, l, rows, cols, k);
    }
}
