package dev.descent.merge;

import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.io.Safetensors.TensorInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A safetensors file read one tensor (or one slice of a tensor) at a time: the header is validated
 * once by {@link Safetensors#readHeader}, then each read is a positioned read of just the bytes asked
 * for, converted to float32. Nothing else of the file is held in memory, which is what lets a merge of
 * many experts stream. Floating-point dtypes only (F32, F16, BF16, F64).
 */
final class TensorFile implements Closeable {
    /** Elements converted per read: the size of the one transfer buffer. */
    static final int CHUNK = 1 << 16;

    final Path path;
    private final Safetensors.Header header;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);

    private TensorFile(Path path, Safetensors.Header header, FileChannel channel) {
        this.path = path;
        this.header = header;
        this.channel = channel;
    }

    static TensorFile open(Path path) throws IOException {
        Safetensors.Header h = Safetensors.readHeader(path);
        for (TensorInfo t : h.tensors().values()) {
            if (t.dtype() != DType.F32 && t.dtype() != DType.F16 && t.dtype() != DType.BF16 && t.dtype() != DType.F64) {
                throw new IllegalArgumentException(path + ": tensor '" + t.name() + "' has dtype " + t.dtype()
                        + "; merging takes F32, F16, BF16 or F64 tensors");
            }
        }
        return new TensorFile(path, h, FileChannel.open(path, StandardOpenOption.READ));
    }

    Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    TensorInfo info(String name) {
        return header.tensors().get(name);
    }

    /** Reads the whole tensor {@code name} into {@code dst[0..n)}. */
    void read(String name, float[] dst) throws IOException {
        TensorInfo t = info(name);
        read(t, 0, dst, 0, Math.toIntExact(t.elements()));
    }

    /** Reads elements {@code [from, from + n)} of tensor {@code t} into {@code dst[at..]}. */
    void read(TensorInfo t, long from, float[] dst, int at, int n) throws IOException {
        int size = t.dtype().size();
        long pos = header.dataStart() + t.begin() + from * size;
        int done = 0;
        while (done < n) {
            int m = Math.min(CHUNK, n - done);
            buffer.clear().limit(m * size);
            while (buffer.hasRemaining()) {
                int r = channel.read(buffer, pos + (long) done * size + buffer.position());
                if (r < 0) throw new IOException(path + ": file ended inside tensor '" + t.name() + "'");
            }
            buffer.flip();
            decode(t.dtype(), buffer, dst, at + done, m);
            done += m;
        }
    }

    private static void decode(DType dtype, ByteBuffer src, float[] dst, int at, int n) {
        switch (dtype) {
            case F32 -> src.asFloatBuffer().get(dst, at, n);
            case F16 -> { for (int i = 0; i < n; i++) dst[at + i] = Float.float16ToFloat(src.getShort()); }
            case BF16 -> { for (int i = 0; i < n; i++) dst[at + i] = Float.intBitsToFloat((src.getShort() & 0xFFFF) << 16); }
            case F64 -> { for (int i = 0; i < n; i++) dst[at + i] = (float) src.getDouble(); }
            default -> throw new IllegalStateException("checked at open: " + dtype);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
