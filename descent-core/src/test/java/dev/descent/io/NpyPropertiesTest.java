package dev.descent.io;

import static dev.descent.io.TestBytes.forEachCase;
import static dev.descent.io.TestBytes.pick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomized tests: round trips and fuzzing of the {@code .npy} reader. Each case draws its inputs from a
 * {@link SplittableRandom} seeded with the case's own seed (see {@link TestBytes#forEachCase}); failures name it.
 */
class NpyPropertiesTest {
    /** Float bit patterns worth hitting more often than uniform sampling would: zeros, infinities, NaNs, extremes. */
    private static final int[] SPECIAL_FLOAT_BITS = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, // +-0, +-infinity
        0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7fffffff, 0xffffffff, // quiet/signalling NaNs
        0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, // subnormals, MIN_NORMAL, +-MAX
        0x3f800000, 0xbf800000, 0x33800000, 0x4b800000, // +-1, 2^-24, 2^24
    };

    /** A float bit pattern: any of the 2^32, or (one time in four) a special one. */
    static int floatBits(SplittableRandom r) {
        return r.nextInt(4) == 0 ? SPECIAL_FLOAT_BITS[r.nextInt(SPECIAL_FLOAT_BITS.length)] : r.nextInt();
    }

    /**
     * A random tensor: rank 0 to 4, dimensions 0 to 5, any float bit patterns, as a view at offset 0 to 3 into a
     * larger buffer whose other elements hold junk (so a writer that ignores the view's offset is caught).
     */
    static Tensor tensor(SplittableRandom r) {
        int[] shape = new int[r.nextInt(5)];
        for (int i = 0; i < shape.length; i++) shape[i] = r.nextInt(6);
        int n = Tensor.sizeOf(shape);
        int pad = r.nextInt(4);
        float[] buf = new float[pad + n + 1];
        for (int i = 0; i < buf.length; i++) buf[i] = Float.intBitsToFloat(floatBits(r));
        return Tensor.view(buf, pad, shape);
    }

    static void assertSameBits(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(Float.floatToRawIntBits(expected.get(i)), Float.floatToRawIntBits(actual.get(i)), "element " + i);
        }
    }

    @Test
    void roundTripPreservesShapeAndEveryBit() {
        forEachCase("npy.roundTrip", 300, r -> {
            Tensor t = tensor(r);
            byte[] b = Npy.toBytes(t);
            assertSameBits(t, Npy.read(b));
            Npy.Header h = Npy.readHeader(b);
            assertEquals(0, h.dataOffset() % 64, "data offset is 64-byte aligned");
            assertEquals(b.length, h.dataOffset() + 4L * t.size(), "file length");
        });
    }

    private static final String[] GOLDEN = {
        NpyTest.F32_2x3, NpyTest.F8BE_FORTRAN_2x3, NpyTest.I4_4, NpyTest.I8_SCALAR, NpyTest.F4_V2_2, NpyTest.F4_V3_2,
    };

    /** A valid file: half the time a random tensor written by {@link Npy#toBytes}, otherwise a golden file. */
    static byte[] validFile(SplittableRandom r) {
        return r.nextBoolean() ? Npy.toBytes(tensor(r)) : TestBytes.hex(pick(r, GOLDEN));
    }

    /** Random mutations and truncations either parse or throw FormatException, quickly. */
    @Test
    void mutatedFilesParseOrFailCleanly() {
        forEachCase("npy.mutation", 2000, r -> {
            // the length field is at 8 (u16 for v1, u32 for v2/v3); mutating 4 bytes also hits the v1 header start
            byte[] b = TestBytes.mutate(validFile(r), r, 8, r.nextBoolean() ? 2 : 4);
            try {
                Tensor t = Npy.read(b);
                Npy.Header h = Npy.readHeader(b);
                assertArrayEquals(h.shape(), t.shape(), "shape");
                assertEquals(b.length, h.dataOffset() + h.elements() * h.dtype().size(), "file length");
            } catch (FormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "message");
            }
        });
    }

    private static final String[] DESCRS = {
        "<f4", ">f4", "<f8", ">f8", "<f2", "<i4", ">i8", "|u1", "|b1", "<u8", "<c8", "|f4", "=f4", "<U4",
    };

    private static final long[] LYING_DIMS = {-1L, 2147483647L, 2147483648L, 4294967296L, Long.MAX_VALUE, 1L << 40};

    /** Bytes per element the descr claims (digits after the type letter; 4 per character for 'U'). */
    private static int itemSize(String descr) {
        int n = Integer.parseInt(descr.substring(2));
        return descr.charAt(1) == 'U' ? 4 * n : n;
    }

    /**
     * Hand-built headers with random (possibly lying) shapes, descrs and data lengths. Half of the cases use
     * small dimensions and a data length that matches the shape, so that the accepting path is exercised too.
     */
    @Test
    void randomHeadersParseOrFailCleanly() {
        forEachCase("npy.header", 1000, r -> {
            String descr = pick(r, DESCRS);
            boolean fortran = r.nextBoolean();
            int version = 1 + r.nextInt(3);
            boolean consistent = r.nextBoolean();
            long[] dims = new long[r.nextInt(6)];
            long elements = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = consistent || r.nextBoolean() ? r.nextInt(7) : pick(r, LYING_DIMS);
                elements *= dims[i];
            }
            int dataLength = consistent && elements <= 1000 ? (int) elements * itemSize(descr) : r.nextInt(301);

            StringBuilder shape = new StringBuilder("(");
            for (long d : dims) shape.append(d).append(", ");
            String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                    + ", 'shape': " + shape + "), }\n";
            byte[] b = TestBytes.npy(version, dict, new byte[dataLength]);
            try {
                Tensor t = Npy.read(b);
                assertEquals(dataLength, (long) t.size() * Npy.readHeader(b).dtype().size(), "data length");
            } catch (FormatException expected) {
                assertTrue(!expected.getMessage().isBlank(), "message");
            }
        });
    }
}
