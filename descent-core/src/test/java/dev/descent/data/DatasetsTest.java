package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.FormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled datasets match the counts and label distributions documented with their provenance (docs/data.md). */
class DatasetsTest {
    @Test
    void breastCancerMatchesTheDocumentedShape() {
        ClassificationData d = Datasets.breastCancer();
        assertEquals(569, d.rows());
        assertEquals(30, d.cols());
        assertEquals(2, d.classes());
        assertArrayEquals(new int[] {212, 357}, d.classCounts());
        assertEquals(17.99f, d.features()[0]);
        assertEquals(10.38f, d.features()[1]);
        assertEquals(0, d.labels()[0]);
    }

    @Test
    void wineMatchesTheDocumentedShape() {
        ClassificationData d = Datasets.wine();
        assertEquals(178, d.rows());
        assertEquals(13, d.cols());
        assertArrayEquals(new int[] {59, 71, 48}, d.classCounts());
        assertEquals(14.23f, d.features()[0]);
    }

    @Test
    void digitsSplitsMatchUci() {
        ClassificationData train = Datasets.digitsTrain();
        ClassificationData test = Datasets.digitsTest();
        assertEquals(3823, train.rows());
        assertEquals(1797, test.rows());
        assertEquals(64, train.cols());
        assertArrayEquals(new int[] {376, 389, 380, 389, 387, 376, 377, 387, 380, 382}, train.classCounts());
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, test.classCounts());
        for (float v : train.features()) assertTrue(v >= 0 && v <= 16);
    }

    @Test
    void mnistTestSetIsReadFromIdx() {
        ClassificationData d = Datasets.mnistT10k();
        assertEquals(10000, d.rows());
        assertEquals(784, d.cols());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, d.classCounts());
        float max = 0;
        for (float v : d.features()) max = Math.max(max, v);
        assertEquals(255f, max);
    }

    @Test
    void seededSplitIsDeterministicAndDisjoint() {
        ClassificationData d = Datasets.wine();
        ClassificationData.Split a = d.split(120, 7), b = d.split(120, 7), c = d.split(120, 8);
        assertArrayEquals(a.train().features(), b.train().features());
        assertEquals(120, a.train().rows());
        assertEquals(58, a.test().rows());
        assertTrue(!Arrays.equals(a.train().labels(), c.train().labels()), "another seed shuffles differently");
        int[] p = d.permutation(7);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "a permutation");
    }

    @Test
    void standardizerUsesTrainingStatistics() {
        ClassificationData.Split s = Datasets.breastCancer().split(400, 1);
        ClassificationData.Standardizer st = s.train().fitStandardizer();
        ClassificationData z = st.apply(s.train());
        for (int j = 0; j < z.cols(); j++) {
            double m = 0, v = 0;
            for (int i = 0; i < z.rows(); i++) m += z.features()[i * z.cols() + j];
            m /= z.rows();
            for (int i = 0; i < z.rows(); i++) v += Math.pow(z.features()[i * z.cols() + j] - m, 2);
            assertEquals(0, m, 1e-5);
            assertEquals(1, v / z.rows(), 1e-4);
        }
    }

    @Test
    void classSubsetsRelabel() {
        ClassificationData t = Datasets.digitsTest().classes("digits/0-1", 3, 7);
        assertEquals(183 + 179, t.rows());
        assertArrayEquals(new int[] {183, 179}, t.classCounts());
    }

    @Test
    void malformedFilesAreRefusedWithTheLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "2,2,a,b\n1,2,0\n1,x,1\n");
        FormatException e = assertThrows(FormatException.class, () -> Datasets.readSklearnCsv(csv));
        assertTrue(e.getMessage().contains(":3:"), e.getMessage());
        Files.writeString(csv, "3,2,a,b\n1,2,0\n1,3,1\n");
        assertTrue(assertThrows(FormatException.class, () -> Datasets.readSklearnCsv(csv)).getMessage().contains("header says 3 rows"));
        Files.writeString(csv, "1,2,0\n1,2\n");
        assertTrue(assertThrows(FormatException.class, () -> Datasets.readLabelLastCsv(csv)).getMessage().contains("2 fields, expected 3"));

        Path img = dir.resolve("img.gz"), lab = dir.resolve("lab.gz");
        gz(img, ByteBuffer.allocate(16 + 3).putInt(2051).putInt(2).putInt(1).putInt(2).array()); // 2 images of 1x2 need 4 bytes, 3 given
        gz(lab, ByteBuffer.allocate(10).putInt(2049).putInt(2).put((byte) 1).put((byte) 2).array());
        assertTrue(assertThrows(FormatException.class, () -> Datasets.readIdx(img, lab)).getMessage().contains("truncated"));
        gz(lab, ByteBuffer.allocate(10).putInt(2049).putInt(3).put((byte) 1).put((byte) 2).array());
        assertTrue(assertThrows(FormatException.class, () -> Datasets.readIdx(img, lab)).getMessage().contains("2 images but 3 labels"));
    }

    private static void gz(Path p, byte[] bytes) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(bytes);
        }
    }
}
