package dev.descent.io;

import static dev.descent.io.NpyPropertiesTest.assertSameBits;
import static dev.descent.io.TestBytes.forEachCase;
import static dev.descent.io.TestBytes.pick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomized tests: round trips and fuzzing of the safetensors reader. Each case draws its inputs from a
 * {@link SplittableRandom} seeded with the case's own seed (see {@link TestBytes#forEachCase}); failures name it.
 */
class SafetensorsPropertiesTest {
    record File(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * A random file: 0 to 5 tensors (see {@link NpyPropertiesTest#tensor}) under distinct random names of up to
     * 12 code points (never {@code __metadata__}), and 0 to 3 metadata entries with random keys and values.
     */
    static File file(SplittableRandom r) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int count = r.nextInt(6);
        for (int attempts = 0; tensors.size() < count && attempts < 100; attempts++) {
            String name = TestBytes.randomString(r, 12);
            if (!name.equals("__metadata__") && !tensors.containsKey(name)) tensors.put(name, NpyPropertiesTest.tensor(r));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        int entries = r.nextInt(4);
        for (int i = 0; i < entries; i++) metadata.put(TestBytes.randomString(r, 8), TestBytes.randomString(r, 20));
        return new File(tensors, metadata);
    }

    @Test
    void roundTripPreservesNamesOrderShapesBitsAndMetadata() {
        forEachCase("safetensors.roundTrip", 300, r -> {
            File f = file(r);
            byte[] b = Safetensors.toBytes(f.tensors(), f.metadata());
            Safetensors.Contents c = Safetensors.read(b);
            assertEquals(List.copyOf(f.tensors().keySet()), List.copyOf(c.tensors().keySet()), "names in order");
            for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
                assertSameBits(e.getValue(), c.tensors().get(e.getKey()));
            }
            assertEquals(f.metadata(), c.metadata(), "metadata");
            long n = Safetensors.readHeader(b).dataStart() - 8;
            assertEquals(0, n % 8, "header length is a multiple of 8");
        });
    }

    /** A valid file: half the time a random one written by {@link Safetensors#toBytes}, otherwise the golden file. */
    static byte[] validFile(SplittableRandom r) {
        if (r.nextBoolean()) return TestBytes.hex(SafetensorsTest.GOLDEN);
        File f = file(r);
        return Safetensors.toBytes(f.tensors(), f.metadata());
    }

    /** Random mutations and truncations either parse or throw FormatException, quickly. */
    @Test
    void mutatedFilesParseOrFailCleanly() {
        forEachCase("safetensors.mutation", 2000, r -> {
            byte[] b = TestBytes.mutate(validFile(r), r, 0, 8); // the u64 header length is at 0
            Safetensors.TypedContents typed = readTypedOrNull(b);
            try {
                Safetensors.Contents c = Safetensors.read(b);
                assertSameAsFloat32(c, typed);
                Safetensors.Header h = Safetensors.readHeader(b);
                assertEquals(h.tensors().keySet(), c.tensors().keySet(), "names");
                long covered = 0;
                for (Safetensors.TensorInfo t : h.tensors().values()) covered += t.end() - t.begin();
                assertEquals(b.length - h.dataStart(), covered, "the tensors cover the data buffer");
            } catch (FormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "message");
                assertNull(typed, "readTyped refuses what read refuses");
            }
        });
    }

    record Entry(String name, String dtype, List<Long> shape, long begin, long end) {
        String json() {
            return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape.toString().replace(" ", "")
                    + ",\"data_offsets\":[" + begin + "," + end + "]}";
        }
    }

    private static final String[] DTYPES = {"F32", "F16", "BF16", "F64", "I64", "I32", "U8", "BOOL", "F8_E4M3", "X"};
    private static final long[] LYING_DIMS = {-1L, 2147483647L, 4294967296L, Long.MAX_VALUE};
    private static final long[] LYING_OFFSETS = {-8L, Long.MAX_VALUE, 1L << 40};

    /** Bytes per element of a dtype name (1 for the unsupported or unknown ones). */
    private static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            default -> 1;
        };
    }

    /**
     * 0 to 4 entries named a to d (so duplicates happen), with random dtypes. Entries are either lying through
     * and through (dimensions 0 to 5 or absurd, offsets 0 to 64 or absurd, chosen independently) or consistent
     * (small dimensions, offsets laid end to end from the previous entry) with, sometimes, one lie in them.
     * Returns the entries and, through {@code dataLength[0]}, the consistent data length (-1 if none).
     */
    static List<Entry> entries(SplittableRandom r, long[] dataLength) {
        List<Entry> entries = new ArrayList<>();
        int count = r.nextInt(5);
        long next = 0;
        boolean allConsistent = true;
        for (int i = 0; i < count; i++) {
            String name = pick(r, "a", "b", "c", "d");
            String dtype = pick(r, DTYPES);
            boolean consistent = r.nextBoolean();
            List<Long> shape = new ArrayList<>();
            int rank = r.nextInt(5);
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                long dim = consistent || r.nextBoolean() ? r.nextInt(6) : pick(r, LYING_DIMS);
                shape.add(dim);
                elements *= dim;
            }
            long begin;
            long end;
            if (consistent) {
                begin = next;
                end = begin + elements * elementSize(dtype);
                if (r.nextInt(4) == 0) end += pick(r, new long[] {-1, 1, 8, pick(r, LYING_OFFSETS)}); // one lie
                next = end;
            } else {
                allConsistent = false;
                begin = r.nextBoolean() ? r.nextInt(65) : pick(r, LYING_OFFSETS);
                end = r.nextBoolean() ? r.nextInt(65) : pick(r, LYING_OFFSETS);
            }
            entries.add(new Entry(name, dtype, shape, begin, end));
        }
        dataLength[0] = allConsistent && next >= 0 && next <= 4096 ? next : -1;
        return entries;
    }

    /** Headers assembled from random (mostly lying) entries either parse or throw FormatException. */
    @Test
    void randomHeadersParseOrFailCleanly() {
        forEachCase("safetensors.header", 2000, r -> {
            long[] consistentLength = new long[1];
            List<Entry> entries = entries(r, consistentLength);
            int dataLength = consistentLength[0] >= 0 && r.nextInt(4) != 0 ? (int) consistentLength[0] : r.nextInt(65);
            List<String> parts = new ArrayList<>();
            for (Entry e : entries) parts.add(e.json());
            byte[] b = TestBytes.safetensors("{" + String.join(",", parts) + "}", dataLength);
            Safetensors.TypedContents typed = readTypedOrNull(b);
            try {
                Safetensors.Contents c = Safetensors.read(b);
                assertSameAsFloat32(c, typed);
                long total = 0;
                for (Safetensors.TensorInfo t : Safetensors.readHeader(b).tensors().values()) total += t.end() - t.begin();
                assertEquals(dataLength, total, "the tensors cover the data buffer");
                assertEquals(entries.size(), c.tensors().size(), "tensor count");
            } catch (FormatException expected) {
                assertTrue(!expected.getMessage().isBlank(), "message");
                assertNull(typed, "readTyped refuses what read refuses");
            }
        });
    }

    private static Safetensors.TypedContents readTypedOrNull(byte[] b) {
        try {
            return Safetensors.readTyped(b);
        } catch (FormatException e) {
            return null;
        }
    }

    /** The typed reader accepted the file too, and its float32 conversion is what read gave. */
    private static void assertSameAsFloat32(Safetensors.Contents c, Safetensors.TypedContents typed) {
        assertNotNull(typed, "readTyped accepts what read accepts");
        assertEquals(c.metadata(), typed.metadata());
        assertEquals(List.copyOf(c.tensors().keySet()), List.copyOf(typed.tensors().keySet()));
        c.tensors().forEach((name, t) -> {
            assertArrayEquals(t.shape(), typed.tensors().get(name).shape(), name);
            assertArrayEquals(t.toArray(), typed.tensors().get(name).toFloat32().toArray(), name);
        });
    }
}
