package dev.descent.io;

import static dev.descent.io.NpyPropertiesTest.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property-based tests: round trips and fuzzing of the safetensors reader. */
class SafetensorsPropertiesTest {
    record File(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    @Provide
    static Arbitrary<File> files() {
        Arbitrary<String> names = Arbitraries.strings().ofMinLength(0).ofMaxLength(12)
                .filter(s -> !s.equals("__metadata__"));
        Arbitrary<Map<String, Tensor>> tensors = Arbitraries.maps(names, NpyPropertiesTest.tensors())
                .ofMinSize(0).ofMaxSize(5)
                .map(LinkedHashMap::new);
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(Arbitraries.strings().ofMaxLength(8),
                Arbitraries.strings().ofMaxLength(20)).ofMaxSize(3);
        return Combinators.combine(tensors, metadata).as(File::new);
    }

    @Property(tries = 300)
    void roundTripPreservesNamesOrderShapesBitsAndMetadata(@ForAll("files") File f) throws Exception {
        byte[] b = Safetensors.toBytes(f.tensors(), f.metadata());
        Safetensors.Contents c = Safetensors.read(b);
        assertEquals(List.copyOf(f.tensors().keySet()), List.copyOf(c.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) assertSameBits(e.getValue(), c.tensors().get(e.getKey()));
        assertEquals(f.metadata(), c.metadata());
        long n = Safetensors.readHeader(b).dataStart() - 8;
        assertEquals(0, n % 8);
    }

    @Provide
    static Arbitrary<byte[]> validFiles() {
        return Arbitraries.oneOf(files().map(f -> Safetensors.toBytes(f.tensors(), f.metadata())),
                Arbitraries.just(TestBytes.hex(SafetensorsTest.GOLDEN)));
    }

    /** Random mutations and truncations either parse or throw FormatException, quickly. */
    @Property(tries = 2000)
    void mutatedFilesParseOrFailCleanly(@ForAll("validFiles") byte[] valid, @ForAll long seed) {
        byte[] b = TestBytes.mutate(valid, seed, 0, 8);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                Safetensors.Contents c = Safetensors.read(b);
                Safetensors.Header h = Safetensors.readHeader(b);
                assertEquals(h.tensors().keySet(), c.tensors().keySet());
                long covered = 0;
                for (Safetensors.TensorInfo t : h.tensors().values()) covered += t.end() - t.begin();
                assertEquals(b.length - h.dataStart(), covered);
            } catch (FormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            }
        });
    }

    record Entry(String name, String dtype, List<Long> shape, long begin, long end) {
        String json() {
            return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape.toString().replace(" ", "")
                    + ",\"data_offsets\":[" + begin + "," + end + "]}";
        }
    }

    @Provide
    static Arbitrary<Entry> entries() {
        Arbitrary<Long> dims = Arbitraries.oneOf(Arbitraries.longs().between(0, 5),
                Arbitraries.of(-1L, 2147483647L, 4294967296L, Long.MAX_VALUE));
        Arbitrary<Long> offsets = Arbitraries.oneOf(Arbitraries.longs().between(0, 64),
                Arbitraries.of(-8L, Long.MAX_VALUE, 1L << 40));
        return Combinators.combine(Arbitraries.of("a", "b", "c", "d"),
                Arbitraries.of("F32", "F16", "BF16", "F64", "I64", "I32", "U8", "BOOL", "F8_E4M3", "X"),
                dims.list().ofMaxSize(4), offsets, offsets).as(Entry::new);
    }

    /** Headers assembled from random (mostly lying) entries either parse or throw FormatException. */
    @Property(tries = 2000)
    void randomHeadersParseOrFailCleanly(@ForAll("entryLists") List<Entry> entries, @ForAll("lengths") int dataLength) {
        List<String> parts = new ArrayList<>();
        for (Entry e : entries) parts.add(e.json());
        byte[] b = TestBytes.safetensors("{" + String.join(",", parts) + "}", dataLength);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                Safetensors.Contents c = Safetensors.read(b);
                long total = 0;
                for (Safetensors.TensorInfo t : Safetensors.readHeader(b).tensors().values()) total += t.end() - t.begin();
                assertEquals(dataLength, total);
                assertEquals(entries.size(), c.tensors().size());
            } catch (FormatException expected) {
                assertTrue(!expected.getMessage().isBlank());
            }
        });
    }

    @Provide
    static Arbitrary<List<Entry>> entryLists() {
        return entries().list().ofMaxSize(4);
    }

    @Provide
    static Arbitrary<Integer> lengths() {
        return Arbitraries.integers().between(0, 64);
    }
}
