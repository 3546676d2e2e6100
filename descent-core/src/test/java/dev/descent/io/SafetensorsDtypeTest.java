package dev.descent.io;

import static dev.descent.io.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.tensor.BFloat16Tensor;
import dev.descent.tensor.Float16Tensor;
import dev.descent.tensor.StorageFormat;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors keeps the stored dtype: typed reads, typed writes, bit-for-bit round trips. */
class SafetensorsDtypeTest {
    /**
     * A file with one tensor per dtype, written by {@code src/test/resources/golden/formats_golden.py}
     * from the documented format with numpy, json and struct (the python {@code safetensors} package is
     * not installed on the build machine): half F16 [3,4] = float16 of the first 12 finite edge values
     * (0, -0, 1, -1, float32 max (→ inf), -max (→ -inf), the smallest normal and two subnormals (→ 0),
     * 65504, 65505, 65519 (→ 65504)); brain BF16 [2,6] = the same values rounded to bfloat16 by bit
     * manipulation; bytes I8 [5] = -128, -1, 0, 1, 127; ubytes U8 [3] = 0, 128, 255; ints I32 [2] =
     * -2^31, 2^31-1; longs I64 [2] = -2^63, 2^40+1; doubles F64 [2] = 0.1, -1e300; floats F32 [1,2] =
     * 0.1, -3.5; {@code __metadata__} {"format":"pt"} first, tensors in buffer order, compact JSON
     * padded with spaces to a multiple of 8.
     */
    static final String NUMPY_FILE = ""
            + "00020000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074227d2c2268616c66223a7b2264"
            + "74797065223a22463136222c227368617065223a5b332c345d2c22646174615f6f666673657473223a5b302c32345d7d2c22"
            + "627261696e223a7b226474797065223a2242463136222c227368617065223a5b322c365d2c22646174615f6f666673657473"
            + "223a5b32342c34385d7d2c226279746573223a7b226474797065223a224938222c227368617065223a5b355d2c2264617461"
            + "5f6f666673657473223a5b34382c35335d7d2c22756279746573223a7b226474797065223a225538222c227368617065223a"
            + "5b335d2c22646174615f6f666673657473223a5b35332c35365d7d2c22696e7473223a7b226474797065223a22493332222c"
            + "227368617065223a5b325d2c22646174615f6f666673657473223a5b35362c36345d7d2c226c6f6e6773223a7b2264747970"
            + "65223a22493634222c227368617065223a5b325d2c22646174615f6f666673657473223a5b36342c38305d7d2c22646f7562"
            + "6c6573223a7b226474797065223a22463634222c227368617065223a5b325d2c22646174615f6f666673657473223a5b3830"
            + "2c39365d7d2c22666c6f617473223a7b226474797065223a22463332222c227368617065223a5b312c325d2c22646174615f"
            + "6f666673657473223a5b39362c3130345d7d7d2000000080003c00bc007c00fc000000000000ff7bff7bff7b00000080803f"
            + "80bf807f80ff80000000210080478047804780ff00017f0080ff00000080ffffff7f00000000000000800100000000010000"
            + "9a9999999999b93f9c7500883ce437fecdcccc3d000060c0";

    @Test
    void readsEveryDtypeAsStoredAndWritesTheSameBytesBack() throws Exception {
        byte[] file = hex(NUMPY_FILE);
        Safetensors.TypedContents c = Safetensors.readTyped(file);
        assertEquals(List.of("half", "brain", "bytes", "ubytes", "ints", "longs", "doubles", "floats"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "pt"), c.metadata());
        Map<String, TypedTensor> t = c.tensors();
        assertEquals(List.of(DType.F16, DType.BF16, DType.I8, DType.U8, DType.I32, DType.I64, DType.F64, DType.F32),
                t.values().stream().map(TypedTensor::dtype).toList());
        assertArrayEquals(new int[] {3, 4}, t.get("half").shape());
        assertArrayEquals(new float[] {0f, -0f, 1, -1, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 0, 0, 65504, 65504, 65504},
                t.get("half").toFloat32().toArray()); // numpy: finite.astype(np.float16).astype(np.float32)
        assertArrayEquals(new float[] {-128, -1, 0, 1, 127}, t.get("bytes").toFloat32().toArray());
        assertArrayEquals(new float[] {0, 128, 255}, t.get("ubytes").toFloat32().toArray());
        assertArrayEquals(new float[] {-0x1p31f, 0x1p31f}, t.get("ints").toFloat32().toArray());
        assertArrayEquals(new float[] {-0x1p63f, 0x1p40f}, t.get("longs").toFloat32().toArray());
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, t.get("doubles").toFloat32().toArray());
        assertArrayEquals(new float[] {0.1f, -3.5f}, t.get("floats").toFloat32().toArray());
        // the bfloat16 bits are what BFloat16Tensor.fromFloat gives for the same float32 values
        short[] bits = ((BFloat16Tensor) t.get("brain").toStored()).bits();
        float[] source = {0f, -0f, 1, -1, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, Float.MIN_VALUE,
            Float.intBitsToFloat(0x0020AAC8), 65504, 65505, 65519};
        for (int i = 0; i < source.length; i++) assertEquals(BFloat16Tensor.fromFloat(source[i]), bits[i], "bf16 " + i);

        assertArrayEquals(file, Safetensors.toBytesTyped(t, c.metadata()), "typed write of a typed read is the same file");
        Safetensors.Contents floats = Safetensors.read(file);
        assertEquals(floats.tensors().keySet(), c.toFloat32().tensors().keySet());
        floats.tensors().forEach((name, v) -> assertArrayEquals(v.toArray(), t.get(name).toFloat32().toArray(), name));
    }

    @Test
    void halfPrecisionTensorsRoundTripBitForBit(@TempDir Path dir) throws Exception {
        Random r = new Random(7);
        float[] v = new float[6 * 64];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
        Tensor w = Tensor.of(v, 6, 64);
        StoredTensor half = StoredTensor.encode(w, StorageFormat.F16);
        StoredTensor brain = StoredTensor.encode(w, StorageFormat.BF16);
        Map<String, TypedTensor> m = new LinkedHashMap<>();
        m.put("w.f16", TypedTensor.of(half));
        m.put("w.bf16", TypedTensor.of(brain));
        m.put("w.f32", TypedTensor.of(StoredTensor.encode(w, StorageFormat.F32)));
        Path first = dir.resolve("a.safetensors");
        Path second = dir.resolve("b.safetensors");
        Safetensors.writeTyped(first, m, Map.of("dtype", "mixed"));
        Safetensors.TypedContents back = Safetensors.readTyped(first);
        Safetensors.writeTyped(second, back.tensors(), back.metadata());
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "write, read, write: identical bytes");
        assertEquals(DType.F16, back.tensors().get("w.f16").dtype());
        assertEquals(DType.BF16, Safetensors.readHeader(first).tensors().get("w.bf16").dtype());
        assertArrayEquals(((Float16Tensor) half).bits(), ((Float16Tensor) back.tensors().get("w.f16").toStored()).bits());
        assertArrayEquals(((BFloat16Tensor) brain).bits(), ((BFloat16Tensor) back.tensors().get("w.bf16").toStored()).bits());
        assertArrayEquals(v, back.tensors().get("w.f32").toFloat32().toArray());
        // an F32-only typed file is the file the float32 writer makes
        Map<String, Tensor> plain = Map.of("w", w);
        assertArrayEquals(Safetensors.toBytes(plain, Map.of()), Safetensors.toBytesTyped(Map.of("w", TypedTensor.of(w)), Map.of()));
    }

    @Test
    void dtypesWithoutKernelsAndFormatsWithoutDtypesSaySo() throws Exception {
        TypedTensor ints = Safetensors.readTyped(hex(NUMPY_FILE)).tensors().get("ints");
        var e = assertThrows(IllegalArgumentException.class, ints::toStored);
        assertEquals("dtype I32 has no tensor kernels (get, dequantize, dot and matvec take F32, BF16, F16): "
                + "convert it with toFloat32()", e.getMessage());
        var q = assertThrows(IllegalArgumentException.class, () -> TypedTensor.of(StoredTensor.encode(Tensor.zeros(32), StorageFormat.Q8)));
        assertEquals("a Q8 tensor has no safetensors dtype (F32, BF16 and F16 tensors do); store its codes and scales "
                + "as separate tensors", q.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TypedTensor.of(DType.F16, new int[] {3}, new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.toBytesTyped(Map.of("__metadata__", TypedTensor.of(Tensor.scalar(1))), Map.of()));
    }

    @Test
    void theIndependentGoldenFileKeepsItsBytes() throws Exception {
        Map<String, TypedTensor> t = Safetensors.readTyped(hex(SafetensorsTest.GOLDEN)).tensors();
        assertArrayEquals(hex("803f00bf"), t.get("c_bf16").bytes());
        assertArrayEquals(hex("003c00c1ff7b"), t.get("b_half").bytes());
        assertArrayEquals(hex("fdffffffffffffff0900000000000000"), t.get("e_i64").bytes());
        assertEquals(0, t.get("z_empty").size());
    }
}
