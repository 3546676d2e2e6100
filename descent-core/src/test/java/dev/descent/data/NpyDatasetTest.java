package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.io.FormatException;
import dev.descent.io.Npy;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .npy} classification datasets; the files are numpy's own ({@code src/test/resources/golden/npy_dataset_golden.py}). */
class NpyDatasetTest {
    static final String X_F64 = ""
            + "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c"
            + "20277368617065273a2028342c2033292c207d20202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a000000000000e03f000000000000f0bf000000000000"
            + "024000000000000008409a9999999999b93f0000000000000080fca9f1d24d62503f00000000000010400000000000001640"
            + "0000000000001cc00000000000002040ea8ca039593e2946";
    static final String Y_I64 = ""
            + "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c"
            + "20277368617065273a2028342c292c207d202020202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a00000000000000000200000000000000010000000000"
            + "00000200000000000000";
    static final String Y_U8 = ""
            + "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c"
            + "20277368617065273a2028342c292c207d202020202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a01000100";
    static final String Y_F32 = ""
            + "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c"
            + "20277368617065273a2028342c292c207d202020202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a000000000000803f0000803f00000000";
    static final String Y_NEG = ""
            + "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c"
            + "20277368617065273a2028342c292c207d202020202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a00000000ffffffff0100000000000000";
    static final String X_I32 = ""
            + "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c"
            + "20277368617065273a2028342c2032292c207d20202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a00000000010000000200000003000000040000000500"
            + "00000600000007000000";
    static final String X_F32_FORTRAN = ""
            + "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a20547275652c20"
            + "277368617065273a2028342c2033292c207d2020202020202020202020202020202020202020202020202020202020202020"
            + "2020202020202020202020202020202020202020202020202020200a00000000000040400000c040000010410000803f0000"
            + "80400000e04000002041000000400000a0400000004100003041";

    @TempDir
    Path dir;

    private Path file(String name, String hex) throws IOException {
        return Files.write(dir.resolve(name), HexFormat.of().parseHex(hex));
    }

    @Test
    void loadsNumpyFeaturesAndLabels() throws Exception {
        ClassificationData d = ClassificationData.fromNpy(file("train_x.npy", X_F64), file("train_y.npy", Y_I64));
        assertEquals("train_x", d.name());
        assertEquals(4, d.rows());
        assertEquals(3, d.cols());
        assertEquals(3, d.classes());
        // np.array(X, dtype=np.float64).astype(np.float32), row-major
        assertArrayEquals(new float[] {0.5f, -1f, 2.25f, 3f, 0.1f, -0f, 1e-3f, 4f, 5.5f, -7f, 8f, 1e30f}, d.features());
        assertArrayEquals(new int[] {0, 2, 1, 2}, d.labels());
        ClassificationData u = NpyDataset.load(file("f.npy", X_F32_FORTRAN), file("u.npy", Y_U8), 5);
        assertEquals(5, u.classes());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, u.features(), "Fortran order read as C order");
        assertArrayEquals(new int[] {1, 0, 1, 0}, u.labels());
    }

    @Test
    void loadsFilesOfOurWriter() throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        Path y = file("y.npy", Y_U8.replace("28342c29", "28322c29").substring(0, Y_U8.length() - 4)); // numpy's file cut to shape (2,): labels 1, 0
        ClassificationData d = ClassificationData.fromNpy(x, y);
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertEquals(2, d.classes());
    }

    private void assertRefused(Path x, Path y, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> NpyDataset.load(x, y));
        assertTrue(e.getMessage().endsWith(expected), () -> "message: " + e.getMessage());
    }

    @Test
    void refusesWrongDtypesShapesAndLabels() throws Exception {
        Path x = file("x.npy", X_F64);
        Path y = file("y.npy", Y_I64);
        assertRefused(x, file("yf.npy", Y_F32), "labels have dtype '<f4'; expected an integer dtype (i1 i2 i4 i8 u1 u2 u4 u8)");
        assertRefused(file("xi.npy", X_I32), y, "features have dtype '<i4'; expected float32 or float64 ('<f4', '<f8')");
        assertRefused(y, y, "features have dtype '<i8'; expected float32 or float64 ('<f4', '<f8')");
        assertRefused(x, x, "labels have dtype '<f8'; expected an integer dtype (i1 i2 i4 i8 u1 u2 u4 u8)");
        Path flat = dir.resolve("flat.npy");
        Npy.write(flat, Tensor.of(new float[] {1, 2, 3, 4}, 4));
        assertRefused(flat, y, "features have shape [4]; expected (N, D) with D >= 1");
        Path three = dir.resolve("three.npy");
        Npy.write(three, Tensor.of(new float[] {1, 2, 3}, 3, 1));
        assertRefused(three, y, "4 labels for 3 feature rows in " + three);
        assertRefused(x, file("neg.npy", Y_NEG), "label -1 of row 1 is outside [0, 2^24)");
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, Tensor.of(new float[] {1, 2, 3, 4, Float.NaN, 6, 7, 8}, 4, 2));
        assertRefused(nan, y, "feature at row 2, column 0 is NaN as float32; features must be finite");
        FormatException few = assertThrows(FormatException.class, () -> NpyDataset.load(x, y, 2));
        assertTrue(few.getMessage().endsWith("label 2 is outside [0, 2) for 2 classes"), few.getMessage());
    }
}
