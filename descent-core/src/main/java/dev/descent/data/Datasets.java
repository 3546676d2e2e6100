package dev.descent.data;

import dev.descent.io.FormatException;
import dev.descent.io.TextFiles;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The classification datasets shipped inside the jar (provenance, checksums and licenses in
 * {@code docs/data.md}) and readers for the same formats from files:
 * <ul>
 *   <li>scikit-learn CSV ({@code breast_cancer.csv}, {@code wine_data.csv}): a first line
 *       {@code n_samples,n_features,class names…}, then rows of features followed by the integer label;</li>
 *   <li>UCI optdigits CSV ({@code optdigits-train.csv}, {@code digits.csv}): no header, 64 pixel
 *       counts 0..16 then the label;</li>
 *   <li>MNIST IDX, gzip-compressed: big-endian int32 magic 2051 / 2049, counts and dimensions, then
 *       unsigned bytes.</li>
 * </ul>
 * Features are returned as stored (raw units, pixel counts, bytes 0..255); callers scale or
 * standardize them (see {@link ClassificationData#fitStandardizer()}). Malformed input is refused
 * with a {@link FormatException} naming the file, the line and the problem.
 */
public final class Datasets {
    private Datasets() {}

    /** Breast Cancer Wisconsin (Diagnostic): 569 × 30 real features, 2 classes (0 = malignant, 1 = benign). */
    public static ClassificationData breastCancer() { return bundled("breast_cancer.csv", Format.SKLEARN_CSV, "breast_cancer"); }

    /** UCI Wine: 178 × 13 real features, 3 classes. */
    public static ClassificationData wine() { return bundled("wine_data.csv", Format.SKLEARN_CSV, "wine"); }

    /** UCI optdigits training split ({@code optdigits.tra}): 3,823 × 64 pixel counts 0..16, 10 classes. */
    public static ClassificationData digitsTrain() { return bundled("optdigits-train.csv", Format.OPTDIGITS_CSV, "digits/train"); }

    /** UCI optdigits test split ({@code optdigits.tes} = scikit-learn's {@code load_digits}): 1,797 × 64, 10 classes; writers disjoint from the training split. */
    public static ClassificationData digitsTest() { return bundled("digits.csv", Format.OPTDIGITS_CSV, "digits/test"); }

    /** The MNIST test set (t10k): 10,000 × 784 pixel bytes 0..255 (28 × 28, row-major), 10 classes. */
    public static ClassificationData mnistT10k() {
        try (InputStream images = resource("mnist-t10k-images-idx3-ubyte.gz"); InputStream labels = resource("mnist-t10k-labels-idx1-ubyte.gz")) {
            return readIdx("mnist/t10k", images, labels);
        } catch (IOException e) {
            throw new UncheckedIOException("bundled MNIST files are unreadable (a broken build?)", e);
        }
    }

    /**
     * Largest file the file readers accept: 64 MiB (MNIST's full training images are 9.5 MiB gzipped,
     * the largest bundled CSV 0.5 MiB). A device, pipe or folder is refused before it is opened, so
     * {@code /dev/zero} fails at once instead of filling the heap.
     */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /** Reads a scikit-learn-style CSV (header {@code n,features,classnames…}) from a file. */
    public static ClassificationData readSklearnCsv(Path file) throws IOException {
        TextFiles.checkReadable(file, MAX_FILE_BYTES, "data file");
        try (InputStream in = Files.newInputStream(file)) {
            return readCsv(file.toString(), in, Format.SKLEARN_CSV);
        }
    }

    /** Reads an optdigits-style CSV (no header, label last) from a file; the class count is max label + 1. */
    public static ClassificationData readLabelLastCsv(Path file) throws IOException {
        TextFiles.checkReadable(file, MAX_FILE_BYTES, "data file");
        try (InputStream in = Files.newInputStream(file)) {
            return readCsv(file.toString(), in, Format.OPTDIGITS_CSV);
        }
    }

    /** Reads gzip-compressed IDX image and label files (MNIST's format). */
    public static ClassificationData readIdx(Path imagesGz, Path labelsGz) throws IOException {
        TextFiles.checkReadable(imagesGz, MAX_FILE_BYTES, "image file");
        TextFiles.checkReadable(labelsGz, MAX_FILE_BYTES, "label file");
        try (InputStream images = Files.newInputStream(imagesGz); InputStream labels = Files.newInputStream(labelsGz)) {
            return readIdx(imagesGz.getFileName().toString(), images, labels);
        }
    }

    private enum Format { SKLEARN_CSV, OPTDIGITS_CSV }

    private static ClassificationData bundled(String resource, Format format, String name) {
        try (InputStream in = resource(resource)) {
            return readCsv(name, in, format);
        } catch (IOException e) {
            throw new UncheckedIOException("bundled dataset " + resource + " is unreadable (a broken build?)", e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Datasets.class.getResourceAsStream(name);
        if (in == null) throw new IOException("resource dev/descent/data/" + name + " is missing from the jar");
        return in;
    }

    private static ClassificationData readCsv(String name, InputStream in, Format format) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        int declaredRows = -1, declaredCols = -1, declaredClasses = -1;
        int lineNo = 0;
        String line;
        if (format == Format.SKLEARN_CSV) {
            line = r.readLine();
            lineNo++;
            if (line == null) throw new FormatException(name + ": empty file");
            String[] h = line.split(",");
            if (h.length < 4) throw new FormatException(name + ":1: header must be 'n_samples,n_features,class names…', got '" + line + "'");
            try {
                declaredRows = Integer.parseInt(h[0].trim());
                declaredCols = Integer.parseInt(h[1].trim());
            } catch (NumberFormatException e) {
                throw new FormatException(name + ":1: header counts are not integers: '" + line + "'");
            }
            declaredClasses = h.length - 2;
        }
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int cols = declaredCols;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            if (cols < 0) cols = f.length - 1;
            if (f.length != cols + 1) throw new FormatException(name + ":" + lineNo + ": " + f.length + " fields, expected " + (cols + 1));
            float[] x = new float[cols];
            try {
                for (int j = 0; j < cols; j++) x[j] = Float.parseFloat(f[j].trim());
            } catch (NumberFormatException e) {
                throw new FormatException(name + ":" + lineNo + ": not a number: " + e.getMessage());
            }
            int label;
            try {
                label = Integer.parseInt(f[cols].trim());
            } catch (NumberFormatException e) {
                throw new FormatException(name + ":" + lineNo + ": label '" + f[cols].trim() + "' is not an integer");
            }
            if (label < 0) throw new FormatException(name + ":" + lineNo + ": negative label " + label);
            rows.add(x);
            labels.add(label);
        }
        if (rows.isEmpty()) throw new FormatException(name + ": no data rows");
        if (declaredRows >= 0 && declaredRows != rows.size()) throw new FormatException(name + ": header says " + declaredRows + " rows, file has " + rows.size());
        int maxLabel = labels.stream().mapToInt(Integer::intValue).max().orElse(0);
        int classes = declaredClasses > 0 ? declaredClasses : maxLabel + 1;
        if (maxLabel >= classes) throw new FormatException(name + ": label " + maxLabel + " but the header names " + classes + " classes");
        float[] features = new float[rows.size() * cols];
        int[] l = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, features, i * cols, cols);
            l[i] = labels.get(i);
        }
        return new ClassificationData(name, features, l, rows.size(), cols, Math.max(2, classes));
    }

    private static ClassificationData readIdx(String name, InputStream imagesGz, InputStream labelsGz) throws IOException {
        try (DataInputStream img = new DataInputStream(new GZIPInputStream(imagesGz));
             DataInputStream lab = new DataInputStream(new GZIPInputStream(labelsGz))) {
            int magic = img.readInt();
            if (magic != 2051) throw new FormatException(name + ": image magic " + magic + ", expected 2051 (IDX unsigned-byte rank 3)");
            int n = img.readInt(), h = img.readInt(), w = img.readInt();
            if (n <= 0 || h <= 0 || w <= 0 || (long) n * h * w > Integer.MAX_VALUE) throw new FormatException(name + ": bad image dimensions " + n + "x" + h + "x" + w);
            int lmagic = lab.readInt();
            if (lmagic != 2049) throw new FormatException(name + ": label magic " + lmagic + ", expected 2049 (IDX unsigned-byte rank 1)");
            int ln = lab.readInt();
            if (ln != n) throw new FormatException(name + ": " + n + " images but " + ln + " labels");
            byte[] pixels = new byte[n * h * w];
            byte[] labels = new byte[n];
            img.readFully(pixels);
            lab.readFully(labels);
            float[] features = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) features[i] = pixels[i] & 0xFF;
            int[] l = new int[n];
            for (int i = 0; i < n; i++) {
                l[i] = labels[i] & 0xFF;
                if (l[i] > 9) throw new FormatException(name + ": label " + l[i] + " of image " + i + " is not a digit");
            }
            return new ClassificationData(name, features, l, n, h * w, 10);
        } catch (EOFException e) {
            throw new FormatException(name + ": truncated IDX file", e);
        }
    }
}
