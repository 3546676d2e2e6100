package dev.descent.data;

import dev.descent.tensor.Philox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A labelled classification dataset held in memory: {@code rows} examples of {@code cols} float
 * features (row-major in {@link #features()}), integer labels in [0, classes).
 *
 * <p>Splits and shuffles are seeded (Philox keyed by the seed and a purpose), so the same seed gives
 * the same split on every machine. Standardization statistics are fitted on one set (the training
 * split) and applied to others, so no test information leaks into training.
 *
 * @param name     dataset name, carried into subsets ("breast_cancer", "digits/train", …)
 * @param features rows × cols values, row-major
 * @param labels   one label per row, in [0, classes)
 */
public record ClassificationData(String name, float[] features, int[] labels, int rows, int cols, int classes) {
    public ClassificationData {
        if (rows < 0 || cols < 1 || classes < 2) throw new IllegalArgumentException("bad dataset shape " + rows + "x" + cols + ", classes " + classes);
        if (features.length != (long) rows * cols) throw new IllegalArgumentException(name + ": features hold " + features.length + " values, expected " + rows + "x" + cols);
        if (labels.length != rows) throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + rows + " rows");
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0 || labels[i] >= classes) throw new IllegalArgumentException(name + ": label " + labels[i] + " of row " + i + " is outside [0, " + classes + ")");
        }
    }

    /**
     * Features (N, D) float32/float64 and integer labels (N,) from two {@code .npy} files, as
     * {@code np.save} writes them; classes = largest label + 1 (see {@link NpyDataset}).
     */
    public static ClassificationData fromNpy(Path features, Path labels) throws IOException {
        return NpyDataset.load(features, labels);
    }

    /** The examples at {@code indices}, in that order. */
    public ClassificationData subset(String subsetName, int[] indices) {
        float[] f = new float[indices.length * cols];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= rows) throw new IllegalArgumentException("index " + i + " outside [0, " + rows + ")");
            System.arraycopy(features, i * cols, f, k * cols, cols);
            l[k] = labels[i];
        }
        return new ClassificationData(subsetName, f, l, indices.length, cols, classes);
    }

    /** The examples whose label is in {@code keep}, relabelled 0..keep.length-1 in the order given (for class-incremental tasks). */
    public ClassificationData classes(String subsetName, int... keep) {
        int[] map = new int[classes];
        Arrays.fill(map, -1);
        for (int k = 0; k < keep.length; k++) map[keep[k]] = k;
        int n = 0;
        for (int l : labels) if (map[l] >= 0) n++;
        int[] idx = new int[n];
        n = 0;
        for (int i = 0; i < rows; i++) if (map[labels[i]] >= 0) idx[n++] = i;
        ClassificationData s = subset(subsetName, idx);
        int[] relabelled = new int[s.rows];
        for (int i = 0; i < s.rows; i++) relabelled[i] = map[s.labels[i]];
        return new ClassificationData(subsetName, s.features, relabelled, s.rows, cols, Math.max(2, keep.length));
    }

    /** A seeded random permutation of 0..rows-1 ({@link Philox#permutation} of the stream (seed, "split/" + name)). */
    public int[] permutation(long seed) {
        return Philox.stream(seed, "split/" + name).permutation(rows);
    }

    /** A train/test pair. */
    public record Split(ClassificationData train, ClassificationData test) {}

    /** Shuffles with {@link #permutation(long)} and puts the first {@code trainRows} into train, the rest into test. */
    public Split split(int trainRows, long seed) {
        if (trainRows < 1 || trainRows >= rows) throw new IllegalArgumentException("train rows must be in [1, " + rows + "), got " + trainRows);
        int[] p = permutation(seed);
        return new Split(subset(name + "/train", Arrays.copyOfRange(p, 0, trainRows)),
                subset(name + "/test", Arrays.copyOfRange(p, trainRows, rows)));
    }

    /** Per-feature mean and standard deviation (population, in double), fitted on this set. */
    public Standardizer fitStandardizer() {
        double[] mean = new double[cols];
        double[] sd = new double[cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) mean[j] += features[i * cols + j];
        for (int j = 0; j < cols; j++) mean[j] /= Math.max(1, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double d = features[i * cols + j] - mean[j];
                sd[j] += d * d;
            }
        }
        for (int j = 0; j < cols; j++) sd[j] = Math.sqrt(sd[j] / Math.max(1, rows));
        return new Standardizer(mean, sd);
    }

    /** Feature-wise (x − mean)/sd; a constant feature (sd = 0) maps to 0 (x − mean). */
    public record Standardizer(double[] mean, double[] sd) {
        public ClassificationData apply(ClassificationData d) {
            if (d.cols != mean.length) throw new IllegalArgumentException("standardizer fitted on " + mean.length + " features, data has " + d.cols);
            float[] f = new float[d.features.length];
            for (int i = 0; i < d.rows; i++) {
                for (int j = 0; j < d.cols; j++) {
                    double s = sd[j] > 0 ? sd[j] : 1;
                    f[i * d.cols + j] = (float) ((d.features[i * d.cols + j] - mean[j]) / s);
                }
            }
            return new ClassificationData(d.name, f, d.labels, d.rows, d.cols, d.classes);
        }
    }

    /** Every feature multiplied by {@code factor} (e.g. 1/16 for optdigits counts, 1/255 for MNIST bytes). */
    public ClassificationData scaled(float factor) {
        float[] f = features.clone();
        for (int i = 0; i < f.length; i++) f[i] *= factor;
        return new ClassificationData(name, f, labels, rows, cols, classes);
    }

    /** Number of examples of each class. */
    public int[] classCounts() {
        int[] c = new int[classes];
        for (int l : labels) c[l]++;
        return c;
    }
}
