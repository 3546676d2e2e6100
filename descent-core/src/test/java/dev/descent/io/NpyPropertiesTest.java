package dev.descent.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property-based tests: round trips and fuzzing of the {@code .npy} reader. */
class NpyPropertiesTest {
    /** Random shapes of rank 0 to 4 (dimensions 0 to 5) over any float bit pattern, as views at an offset. */
    @Provide
    static Arbitrary<Tensor> tensors() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(0).ofMaxSize(4);
        return shapes.flatMap(shape -> {
            int n = Tensor.sizeOf(shape);
            return Combinators.combine(Arbitraries.integers().array(int[].class).ofSize(n),
                    Arbitraries.integers().between(0, 3)).as((bits, pad) -> {
                        float[] buf = new float[pad + n + 1];
                        for (int i = 0; i < n; i++) buf[pad + i] = Float.intBitsToFloat(bits[i]);
                        return Tensor.view(buf, pad, shape);
                    });
        });
    }

    static void assertSameBits(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(Float.floatToRawIntBits(expected.get(i)), Float.floatToRawIntBits(actual.get(i)), "element " + i);
        }
    }

    @Property(tries = 300)
    void roundTripPreservesShapeAndEveryBit(@ForAll("tensors") Tensor t) throws Exception {
        byte[] b = Npy.toBytes(t);
        assertSameBits(t, Npy.read(b));
        Npy.Header h = Npy.readHeader(b);
        assertEquals(0, h.dataOffset() % 64);
        assertEquals(b.length, h.dataOffset() + 4L * t.size());
    }

    @Provide
    static Arbitrary<byte[]> validFiles() {
        return Arbitraries.oneOf(tensors().map(Npy::toBytes),
                Arbitraries.of(NpyTest.F32_2x3, NpyTest.F8BE_FORTRAN_2x3, NpyTest.I4_4, NpyTest.I8_SCALAR,
                        NpyTest.F4_V2_2, NpyTest.F4_V3_2).map(TestBytes::hex));
    }

    /** Random mutations and truncations either parse or throw FormatException, quickly. */
    @Property(tries = 2000)
    void mutatedFilesParseOrFailCleanly(@ForAll("validFiles") byte[] valid, @ForAll long seed) {
        // the length field is at 8 (u16 for v1, u32 for v2/v3); mutating 4 bytes also hits the v1 header start
        byte[] b = TestBytes.mutate(valid, seed, 8, (seed & 1) == 0 ? 2 : 4);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                Tensor t = Npy.read(b);
                Npy.Header h = Npy.readHeader(b);
                assertArrayEquals(h.shape(), t.shape());
                assertEquals(b.length, h.dataOffset() + h.elements() * h.dtype().size());
            } catch (FormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            }
        });
    }

    /** Hand-built headers with random (possibly lying) shapes, descrs and data lengths. */
    @Property(tries = 1000)
    void randomHeadersParseOrFailCleanly(
            @ForAll("descrs") String descr, @ForAll boolean fortran, @ForAll("dims") long[] dims,
            @ForAll("dataLengths") int dataLength, @ForAll("versions") int version) {
        StringBuilder shape = new StringBuilder("(");
        for (long d : dims) shape.append(d).append(", ");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + shape + "), }\n";
        byte[] b = TestBytes.npy(version, dict, new byte[dataLength]);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                Tensor t = Npy.read(b);
                assertEquals(dataLength, (long) t.size() * Npy.readHeader(b).dtype().size());
            } catch (FormatException expected) {
                assertTrue(!expected.getMessage().isBlank());
            }
        });
    }

    @Provide
    static Arbitrary<String> descrs() {
        return Arbitraries.of("<f4", ">f4", "<f8", ">f8", "<f2", "<i4", ">i8", "|u1", "|b1", "<u8", "<c8", "|f4", "=f4", "<U4");
    }

    @Provide
    static Arbitrary<long[]> dims() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 6),
                Arbitraries.of(-1L, 2147483647L, 2147483648L, 4294967296L, 9223372036854775807L, 1L << 40))
                .array(long[].class).ofMinSize(0).ofMaxSize(5);
    }

    @Provide
    static Arbitrary<Integer> dataLengths() {
        return Arbitraries.integers().between(0, 300);
    }

    @Provide
    static Arbitrary<Integer> versions() {
        return Arbitraries.of(1, 2, 3);
    }
}
