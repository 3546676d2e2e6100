package dev.descent.io;

import static dev.descent.io.TestBytes.hex;
import static dev.descent.io.TestBytes.safetensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    /**
     * A safetensors file built by an independent Python script with only {@code json} and {@code
     * struct} (no safetensors package): tensors appended to the buffer in the order e_i64 (I64 [2]:
     * -3, 9), a_weight (F32 [2,2]: 1..4), b_half (F16 [3]: 1, -2.5, 65504), c_bf16 (BF16 [2]: raw
     * 0x3F80, 0xBF00 = 1, -0.5), d_f64 (F64 []: 3.5, at the unaligned offset 42), z_empty (F32 [0,5]);
     * the header is {@code json.dumps(hdr, separators=(',', ':'))} with {@code __metadata__} first
     * and the tensors in <em>reverse</em> buffer order, space-padded to a multiple of 8, prefixed
     * with {@code struct.pack('<Q', len(header))}:
     *
     * <pre>{"__metadata__":{"format":"pt","note":"golden"},"z_empty":{"dtype":"F32","shape":[0,5],
     * "data_offsets":[50,50]},"d_f64":{...[42,50]},"c_bf16":{...[38,42]},"b_half":{...[32,38]},
     * "a_weight":{...[16,32]},"e_i64":{...[0,16]}}</pre>
     */
    static final String GOLDEN = ""
            + "a0010000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074222c226e6f7465223a2267"
            + "6f6c64656e227d2c227a5f656d707479223a7b226474797065223a22463332222c227368617065223a5b302c355d2c22"
            + "646174615f6f666673657473223a5b35302c35305d7d2c22645f663634223a7b226474797065223a22463634222c2273"
            + "68617065223a5b5d2c22646174615f6f666673657473223a5b34322c35305d7d2c22635f62663136223a7b2264747970"
            + "65223a2242463136222c227368617065223a5b325d2c22646174615f6f666673657473223a5b33382c34325d7d2c2262"
            + "5f68616c66223a7b226474797065223a22463136222c227368617065223a5b335d2c22646174615f6f66667365747322"
            + "3a5b33322c33385d7d2c22615f776569676874223a7b226474797065223a22463332222c227368617065223a5b322c32"
            + "5d2c22646174615f6f666673657473223a5b31362c33325d7d2c22655f693634223a7b226474797065223a2249363422"
            + "2c227368617065223a5b325d2c22646174615f6f666673657473223a5b302c31365d7d7d20202020fdffffffffffffff"
            + "09000000000000000000803f000000400000404000008040003c00c1ff7b803f00bf0000000000000c40";

    @Test
    void goldenFileFromAnIndependentWriter() throws Exception {
        Safetensors.Contents c = Safetensors.read(hex(GOLDEN));
        assertEquals(List.of("z_empty", "d_f64", "c_bf16", "b_half", "a_weight", "e_i64"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "note", "golden"), c.metadata());
        Map<String, Tensor> t = c.tensors();
        assertArrayEquals(new float[] {-3, 9}, t.get("e_i64").toArray());
        assertArrayEquals(new int[] {2, 2}, t.get("a_weight").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.get("a_weight").toArray());
        assertArrayEquals(new float[] {1, -2.5f, 65504}, t.get("b_half").toArray());
        assertArrayEquals(new float[] {1, -0.5f}, t.get("c_bf16").toArray());
        assertEquals(0, t.get("d_f64").rank());
        assertEquals(3.5f, t.get("d_f64").get(0));
        assertArrayEquals(new int[] {0, 5}, t.get("z_empty").shape());

        Safetensors.Header h = Safetensors.readHeader(hex(GOLDEN));
        assertEquals(8 + 0x1a0, h.dataStart());
        Safetensors.TensorInfo d = h.tensors().get("d_f64");
        assertEquals(DType.F64, d.dtype());
        assertEquals(42, d.begin());
        assertEquals(50, d.end());
        assertEquals(1, d.elements());
        assertEquals(DType.BF16, h.tensors().get("c_bf16").dtype());
    }

    @Test
    void writerLayoutMatchesTheSpecification() throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("b", Tensor.view(new float[] {0, -1, 0.5f, 7}, 1, 3)); // a view with an offset
        byte[] bytes = Safetensors.toBytes(m, Map.of("k", "v"));
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}}";
        assertEquals(json + " ".repeat((int) n - json.length()), header);
        JsonNode parsed = new ObjectMapper().readTree(header);
        assertEquals(2, parsed.get("w").get("shape").get(0).asInt());
        assertEquals(8 + n + 36, bytes.length);
        bb.position(8 + (int) n);
        float[] data = new float[9];
        for (int i = 0; i < 9; i++) data[i] = bb.getFloat();
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, -1, 0.5f, 7}, data);
        Safetensors.Contents back = Safetensors.read(bytes);
        assertEquals(List.of("w", "b"), List.copyOf(back.tensors().keySet()));
        assertArrayEquals(new float[] {-1, 0.5f, 7}, back.tensors().get("b").toArray());
        assertEquals(Map.of("k", "v"), back.metadata());
    }

    @Test
    void emptyFileAndNoMetadata() throws Exception {
        byte[] bytes = Safetensors.toBytes(Map.of(), Map.of());
        assertEquals("{}      ", new String(bytes, 8, 8, StandardCharsets.UTF_8));
        Safetensors.Contents c = Safetensors.read(bytes);
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void fileRoundTripIsAtomicAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("layer.0.weight", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        m.put("scalar", Tensor.scalar(-7f));
        Safetensors.write(f, m, Map.of("step", "12", "ünïcode", "✓"));
        Files.writeString(dir.resolve("other.txt"), "x");
        Safetensors.write(f, m, Map.of("step", "13", "ünïcode", "✓")); // replace
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals("13", c.metadata().get("step"));
        assertEquals("✓", c.metadata().get("ünïcode"));
        assertArrayEquals(new float[] {1, 2, 3, 4}, c.tensors().get("layer.0.weight").toArray());
        assertEquals(-7f, c.tensors().get("scalar").get(0));
        assertEquals(2, Safetensors.readHeader(f).tensors().size());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
        Safetensors.write(dir.resolve("plain.safetensors"), m);
        assertTrue(Safetensors.read(dir.resolve("plain.safetensors")).metadata().isEmpty());
    }

    @Test
    void integerAndBoolDtypes() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + 1 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put((byte) 3).putInt(-5).put((byte) 200).putShort((short) -2);
        String json = "{\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[2,6]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[6,7]},"
                + "\"s\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[7,9]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        byte[] file = ByteBuffer.allocate(8 + h.length + 9).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(b.array()).array();
        Map<String, Tensor> t = Safetensors.read(file).tensors();
        assertArrayEquals(new float[] {0, 1}, t.get("b").toArray());
        assertArrayEquals(new float[] {-5}, t.get("i").toArray());
        assertArrayEquals(new float[] {200}, t.get("u").toArray());
        assertArrayEquals(new float[] {-2}, t.get("s").toArray());
    }

    @Test
    void writerRefusesReservedAndNullNames() {
        assertThrows(IllegalArgumentException.class,
                () -> Safetensors.toBytes(Map.of("__metadata__", Tensor.scalar(1)), Map.of()));
        Map<String, Tensor> nullTensor = new LinkedHashMap<>();
        nullTensor.put("x", null);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.toBytes(nullTensor, Map.of()));
    }

    // ------------------------------------------------------------------ refusals

    private static void assertRefused(byte[] b, String word) {
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.read(b));
        FormatException h = assertThrows(FormatException.class, () -> Safetensors.readHeader(b));
        assertEquals(e.getMessage(), h.getMessage());
        FormatException typed = assertThrows(FormatException.class, () -> Safetensors.readTyped(b));
        assertEquals(e.getMessage(), typed.getMessage());
        assertTrue(e.getMessage().contains(word), () -> "message \"" + e.getMessage() + "\" lacks \"" + word + "\"");
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void refusesLyingHeaderLengths() {
        byte[] good = safetensors("{" + entry("a", "F32", "[2]", 0, 8) + "}", 8);
        byte[] tooLong = good.clone();
        tooLong[0] = (byte) (good.length - 8 + 1); // one past the end
        tooLong[1] = 0;
        assertRefused(tooLong, "past the end");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertRefused(huge, "cap");
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertRefused(huge, "cap");
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100_000_001L);
        assertRefused(huge, "cap");
        assertRefused(new byte[0], "short");
        assertRefused(new byte[7], "short");
        assertRefused(Arrays.copyOf(good, good.length - 1), "past the end of the data buffer");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertRefused(longer, "trailing");
        assertRefused(Arrays.copyOf(good, 20), "past the end");
    }

    @Test
    void refusesBadHeaderText() {
        assertRefused(safetensors("not json", 0), "JSON");
        assertRefused(safetensors("{\"a\":", 0), "JSON");
        assertRefused(safetensors("{} {}", 0), "JSON");
        assertRefused(safetensors("[1,2]", 0), "object");
        assertRefused(safetensors("", 0), "object");
        byte[] notUtf8 = safetensors("{\"x\":1}", 0);
        notUtf8[10] = (byte) 0xFF;
        assertRefused(notUtf8, "UTF-8");
    }

    @Test
    void refusesMissingAndMalformedFields() {
        assertRefused(safetensors("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "missing field \"dtype\"");
        assertRefused(safetensors("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing field \"shape\"");
        assertRefused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "missing field \"data_offsets\"");
        assertRefused(safetensors("{\"a\":[1]}", 0), "must be an object");
        assertRefused(safetensors("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "must be a string");
        assertRefused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4), "must be an array");
        assertRefused(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "[begin, end]");
        assertRefused(safetensors("{" + entry("a", "F32", "[1.5]", 0, 4) + "}", 4), "integers");
        assertRefused(safetensors("{" + entry("a", "F32", "[\"1\"]", 0, 4) + "}", 4), "integers");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 0, 4).replace("4]", "4.0]") + "}", 4), "integers");
        assertRefused(safetensors("{" + entry("a", "F32", "[99999999999999999999999]", 0, 4) + "}", 4), "too large");
        assertRefused(safetensors("{" + entry("a", "F32", "[-1]", 0, 4) + "}", 4), "negative");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", -4, 4) + "}", 4), "negative");
        assertRefused(safetensors("{\"__metadata__\":{\"k\":1}}", 0), "must be a string");
        assertRefused(safetensors("{\"__metadata__\":[\"k\"]}", 0), "object of strings");
    }

    @Test
    void refusesUnknownDtypes() {
        assertRefused(safetensors("{" + entry("a", "F33", "[1]", 0, 4) + "}", 4), "unknown dtype");
        assertRefused(safetensors("{" + entry("a", "f32", "[1]", 0, 4) + "}", 4), "unknown dtype");
        assertRefused(safetensors("{" + entry("a", "F8_E8M0", "[4]", 0, 4) + "}", 4), "unsupported dtype");
    }

    @Test
    void refusesShapeDtypeMismatchAndHugeDims() throws Exception {
        assertRefused(safetensors("{" + entry("a", "F32", "[2,2]", 0, 8) + "}", 8), "needs 16 bytes");
        assertRefused(safetensors("{" + entry("a", "F64", "[1]", 0, 4) + "}", 4), "needs 8 bytes");
        assertRefused(safetensors("{" + entry("a", "F32", "[2147483647,2147483647]", 0, 16) + "}", 16), "overflow");
        assertRefused(safetensors("{" + entry("a", "U8", "[2147483647,2147483647,2147483647]", 0, 16) + "}", 16), "overflow");
        assertRefused(safetensors("{" + entry("a", "U8", "[2147483647,2147483647]", 0, 16) + "}", 16), "needs");
        assertRefused(safetensors("{" + entry("a", "F32", "[4294967296]", 0, 16) + "}", 16), "exceeds");
        // a valid header whose shape a Descent tensor cannot represent is refused at read time only
        byte[] zeroButHuge = safetensors("{" + entry("a", "F32", "[2147483647,0]", 0, 0) + "}", 0);
        assertEquals(0, Safetensors.readHeader(zeroButHuge).tensors().get("a").elements());
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.read(zeroButHuge));
        assertTrue(e.getMessage().contains("cannot be represented"), e.getMessage());
    }

    @Test
    void refusesOffsetsBeyondTheBufferOverlapsHolesAndDuplicates() {
        assertRefused(safetensors("{" + entry("a", "F32", "[2]", 8, 16) + "}", 8), "past the end of the data buffer");
        assertRefused(safetensors("{" + entry("a", "F32", "[2]", 0, 8) + "}", 4), "past the end of the data buffer");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 8, 4) + "}", 8), "end before begin");
        assertRefused(safetensors("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12),
                "overlaps");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
                "hole");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8), "hole");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 0, 4) + "}", 8), "trailing");
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8),
                "uplicate");
        assertRefused(safetensors("{\"__metadata__\":{},\"__metadata__\":{}}", 0), "uplicate");
        // the same tensor twice at the same place is an overlap, not a valid aliasing
        assertRefused(safetensors("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}", 4),
                "overlaps");
    }

    @Test
    void emptyTensorsMayShareAnOffset() throws Exception {
        byte[] b = safetensors("{" + entry("e1", "F32", "[0]", 4, 4) + "," + entry("a", "F32", "[1]", 0, 4) + ","
                + entry("e2", "F64", "[3,0]", 4, 4) + "}", 4);
        Map<String, Tensor> t = Safetensors.read(b).tensors();
        assertEquals(3, t.size());
        assertEquals(0, t.get("e2").size());
        assertFalse(t.containsKey("__metadata__"));
    }
}
