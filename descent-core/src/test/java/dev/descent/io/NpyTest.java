package dev.descent.io;

import static dev.descent.io.TestBytes.hex;
import static dev.descent.io.TestBytes.littleEndianFloats;
import static dev.descent.io.TestBytes.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    // Golden files: the exact bytes numpy 2.4.6 writes, produced with
    //   b = io.BytesIO(); np.save(b, a); b.getvalue().hex()
    // (for the v2/v3 ones: np.lib.format.write_array(b, a, version=(2, 0)) / (3, 0)).

    /** np.array([[1.5, -2.0, 0.0], [3.25, np.inf, -0.0]], dtype='<f4') */
    static final String F32_2x3 = ""
            + "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73"
            + "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
            + "202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c00000000000005040"
            + "0000807f00000080";
    /** np.asfortranarray(np.arange(6, dtype='>f8').reshape(2, 3)): fortran_order True, big-endian. */
    static final String F8BE_FORTRAN_2x3 = ""
            + "934e554d5059010076007b276465736372273a20273e6638272c2027666f727472616e5f6f72646572273a2054727565"
            + "2c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020"
            + "202020202020202020202020202020202020202020202020202020202020200a00000000000000004008000000000000"
            + "3ff0000000000000401000000000000040000000000000004014000000000000";
    /** np.array([-1, 0, 2147483647, 5], dtype='<i4') */
    static final String I4_4 = ""
            + "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73"
            + "652c20277368617065273a2028342c292c207d2020202020202020202020202020202020202020202020202020202020"
            + "202020202020202020202020202020202020202020202020202020202020200affffffff00000000ffffff7f05000000";
    /** np.array(7, dtype='<i8'): a 0-d array. */
    static final String I8_SCALAR = ""
            + "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73"
            + "652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020"
            + "202020202020202020202020202020202020202020202020202020202020200a0700000000000000";
    /** np.array([0.5, -1.0], dtype='<f4') written as version 2.0. */
    static final String F4_V2_2 = ""
            + "934e554d50590200740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a204661"
            + "6c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020"
            + "202020202020202020202020202020202020202020202020202020202020200a0000003f000080bf";
    /** np.array([0.5, -1.0], dtype='<f4') written as version 3.0. */
    static final String F4_V3_2 = ""
            + "934e554d50590300740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a204661"
            + "6c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020"
            + "202020202020202020202020202020202020202020202020202020202020200a0000003f000080bf";

    @Test
    void goldenFloat32ReadsAndWriterReproducesNumpyBytes() throws Exception {
        byte[] golden = hex(F32_2x3);
        Tensor t = Npy.read(golden);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f, Float.POSITIVE_INFINITY, -0f}, t.toArray());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.get(5)));
        assertArrayEquals(golden, Npy.toBytes(t), "writer must match np.save byte for byte");
        Npy.Header h = Npy.readHeader(golden);
        assertEquals(1, h.major());
        assertEquals("<f4", h.descr());
        assertEquals(128, h.dataOffset());
    }

    @Test
    void goldenFortranOrderBigEndianFloat64IsTransposedIntoCOrder() throws Exception {
        Tensor t = Npy.read(hex(F8BE_FORTRAN_2x3));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, t.toArray());
        Npy.Header h = Npy.readHeader(hex(F8BE_FORTRAN_2x3));
        assertTrue(h.fortranOrder());
        assertEquals(ByteOrder.BIG_ENDIAN, h.order());
        assertEquals(DType.F64, h.dtype());
    }

    @Test
    void goldenIntegersAndScalar() throws Exception {
        Tensor i4 = Npy.read(hex(I4_4));
        assertArrayEquals(new int[] {4}, i4.shape());
        assertArrayEquals(new float[] {-1, 0, 2147483647f, 5}, i4.toArray());
        Tensor s = Npy.read(hex(I8_SCALAR));
        assertEquals(0, s.rank());
        assertEquals(7f, s.get(0));
        assertEquals(128 + 4, Npy.toBytes(Tensor.scalar(7f)).length);
    }

    @Test
    void goldenVersions2And3() throws Exception {
        for (String g : new String[] {F4_V2_2, F4_V3_2}) {
            Tensor t = Npy.read(hex(g));
            assertArrayEquals(new float[] {0.5f, -1f}, t.toArray());
        }
        assertEquals(2, Npy.readHeader(hex(F4_V2_2)).major());
        assertEquals(3, Npy.readHeader(hex(F4_V3_2)).major());
    }

    @Test
    void writerAlignsDataTo64BytesAndEndsHeaderWithNewline() throws Exception {
        int[][] shapes = {{}, {0}, {1}, {7}, {2, 3}, {1, 2, 3, 4}, {123456789, 0}, {0, 2147483647}};
        for (int[] shape : shapes) {
            byte[] b = Npy.toBytes(Tensor.zeros(shape));
            int hlen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
            assertEquals(0, (10 + hlen) % 64, Arrays.toString(shape));
            assertEquals('\n', b[10 + hlen - 1]);
            assertArrayEquals(shape, Npy.read(b).shape());
        }
    }

    @Test
    void writerSwitchesToVersion2ForHugeHeaders() throws Exception {
        int[] shape = new int[30_000];
        Arrays.fill(shape, 1);
        Tensor t = Tensor.of(new float[] {42f}, shape);
        byte[] b = Npy.toBytes(t);
        assertEquals(2, b[6]);
        long hlen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(0, (12 + hlen) % 64);
        assertTrue(hlen > 65535);
        Tensor back = Npy.read(b);
        assertEquals(30_000, back.rank());
        assertEquals(42f, back.get(0));
    }

    @Test
    void fortranOrderRank3() throws Exception {
        int[] shape = {2, 3, 4};
        float[] fOrder = new float[24];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++) fOrder[i + 2 * j + 6 * k] = i * 100 + j * 10 + k;
        byte[] b = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }\n", littleEndianFloats(fOrder));
        Tensor t = Npy.read(b);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++) assertEquals(i * 100 + j * 10 + k, t.at(i, j, k));
    }

    @Test
    void otherDescrsConvert() throws Exception {
        assertArrayEquals(new float[] {0, 255, 1},
                Npy.read(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,)}", new byte[] {0, -1, 1})).toArray());
        assertArrayEquals(new float[] {0, 1, 1},
                Npy.read(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}", new byte[] {0, 1, 2})).toArray());
        assertArrayEquals(new float[] {1, -2},
                Npy.read(npy(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (2,)}", new byte[] {0, 1, -1, -2})).toArray());
        assertArrayEquals(new float[] {1f},
                Npy.read(npy(1, "{\"descr\": \"<f2\", \"fortran_order\": False, \"shape\": (1L,)}", new byte[] {0, 0x3c})).toArray());
        byte[] be = ByteBuffer.allocate(4).putFloat(-3.5f).array();
        assertArrayEquals(new float[] {-3.5f},
                Npy.read(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", be)).toArray());
    }

    @Test
    void fileRoundTripIsAtomicAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.npy");
        float[] backing = {9, 1, 2, 3, 4, 5, 6, 9};
        Tensor view = Tensor.view(backing, 1, 2, 3);
        Npy.write(f, view);
        Npy.write(f, view); // replace an existing file
        Tensor back = Npy.read(f);
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.toArray());
        assertEquals("<f4", Npy.readHeader(f).descr());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    // ------------------------------------------------------------------ refusals

    private static String refuse(byte[] b) {
        FormatException e = assertThrows(FormatException.class, () -> Npy.read(b));
        FormatException h = assertThrows(FormatException.class, () -> Npy.readHeader(b));
        assertFalse(e.getMessage().isBlank());
        assertFalse(h.getMessage().isBlank());
        return e.getMessage();
    }

    private static void assertRefused(byte[] b, String word) {
        String m = refuse(b);
        assertTrue(m.contains(word), () -> "message \"" + m + "\" lacks \"" + word + "\"");
    }

    private static final String OK = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

    @Test
    void refusesBadMagicVersionAndShortFiles() {
        byte[] good = npy(1, OK, new byte[8]);
        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        assertRefused(badMagic, "magic");
        byte[] v4 = good.clone();
        v4[6] = 4;
        assertRefused(v4, "version");
        byte[] v11 = good.clone();
        v11[7] = 1;
        assertRefused(v11, "version");
        assertRefused(new byte[0], "short");
        assertRefused(Arrays.copyOf(good, 9), "short");
    }

    @Test
    void refusesHeaderLengthBeyondTheFile() {
        byte[] b = npy(1, OK, new byte[8]);
        b[8] = (byte) 0xFF;
        b[9] = (byte) 0xFF;
        assertRefused(b, "past the end");
        byte[] v2 = npy(2, OK, new byte[8]);
        v2[8] = v2[9] = v2[10] = v2[11] = (byte) 0xFF; // 4 GiB - 1
        assertRefused(v2, "cap");
        byte[] v2b = npy(2, OK, new byte[8]);
        v2b[10] = 1; // 65536 + ...
        assertRefused(v2b, "past the end");
    }

    @Test
    void refusesDataThatDoesNotMatchTheShape() throws Exception {
        assertRefused(npy(1, OK, new byte[7]), "truncated");
        assertRefused(npy(1, OK, new byte[12]), "trailing");
        assertRefused(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647), }", new byte[16]),
                "overflow");
        assertRefused(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
                new byte[16]), "overflow");
        assertRefused(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2147483647, 2147483647), }", new byte[16]),
                "needs");
        assertRefused(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", new byte[16]), "exceeds");
        // a valid header whose shape a Descent tensor cannot represent is refused at read time only
        byte[] zeroButHuge = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 0), }", new byte[0]);
        assertEquals(0, Npy.readHeader(zeroButHuge).elements());
        FormatException e = assertThrows(FormatException.class, () -> Npy.read(zeroButHuge));
        assertTrue(e.getMessage().contains("cannot be represented"), e.getMessage());
    }

    @Test
    void refusesUnknownDescrs() {
        for (String d : new String[] {"<c8", "<U3", "|O", "<f16", "f4", "=f4", "|f4", "<V8", ""}) {
            assertRefused(npy(1, "{'descr': '" + d + "', 'fortran_order': False, 'shape': (2,), }", new byte[8]), "descr");
        }
        assertRefused(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", new byte[8]),
                "quoted string");
    }

    @Test
    void refusesMalformedDicts() {
        String[][] cases = {
            {"{'descr': '<f4', 'shape': (2,), }", "missing key 'fortran_order'"},
            {"{'fortran_order': False, 'shape': (2,), }", "missing key 'descr'"},
            {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key"},
            {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "duplicate key"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "not a tuple"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", "negative"},
            {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "True or False"},
            {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", "expected"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk", "after the dict"},
            {"{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", "expected ','"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,", "ends early"},
            {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,)}", "escapes"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (,)}", "integer"},
            {"", "ends early"},
            {"[1, 2]", "expected '{'"},
        };
        for (String[] c : cases) assertRefused(npy(1, c[0], new byte[8]), c[1]);
    }

    @Test
    void version3HeaderMustBeUtf8() throws Exception {
        byte[] b = npy(3, OK + "\n", new byte[8]);
        byte[] bad = b.clone();
        bad[12 + OK.length()] = (byte) 0xC3; // a lone lead byte in place of the newline
        assertRefused(bad, "UTF-8");
        assertEquals(2, Npy.readHeader(b).shape()[0]);
        // in a latin-1 (v1) header the same byte is a character, refused as junk after the dict
        assertRefused(npy(1, OK + "\u00c3", new byte[8]), "after the dict");
    }
}
