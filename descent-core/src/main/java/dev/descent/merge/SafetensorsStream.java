package dev.descent.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.AtomicFiles;
import dev.descent.io.DType;
import dev.descent.tensor.BFloat16Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file whose tensors are produced one at a time: the header (every name, dtype and
 * shape is known before any value) goes first, then each tensor's bytes as it is computed, so only one
 * output tensor is ever held. The layout is the one {@code io.Safetensors} writes (compact JSON,
 * {@code __metadata__} first, padded with spaces to a multiple of 8 bytes, tensors in the given order).
 * The file appears atomically ({@link AtomicFiles}): a failure leaves nothing behind.
 */
final class SafetensorsStream {
    /** One output tensor: its name, dtype (F32, F16 or BF16) and shape. */
    record Entry(String name, DType dtype, int[] shape) {
        long elements() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }
    }

    /** Produces the float32 values of one tensor. */
    @FunctionalInterface
    interface Producer {
        float[] values(Entry e) throws IOException;
    }

    private SafetensorsStream() {}

    static void write(java.nio.file.Path file, List<Entry> entries, Map<String, String> metadata, Producer producer) throws IOException {
        byte[] header = header(entries, metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            AtomicFiles.writeFully(out, len);
            AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
            for (Entry e : entries) {
                float[] v = producer.values(e);
                encode(out, e.dtype(), v, Math.toIntExact(e.elements()));
            }
        });
    }

    private static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            var shape = t.putArray("shape");
            for (int s : e.shape()) shape.add(s);
            long end = offset + e.elements() * e.dtype().size();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] h = new byte[padded];
        java.util.Arrays.fill(h, (byte) ' ');
        System.arraycopy(text, 0, h, 0, text.length);
        return h;
    }

    private static void encode(WritableByteChannel out, DType dtype, float[] v, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(TensorFile.CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < n; from += TensorFile.CHUNK) {
            int m = Math.min(TensorFile.CHUNK, n - from);
            b.clear();
            for (int i = from; i < from + m; i++) {
                switch (dtype) {
                    case F32 -> b.putFloat(v[i]);
                    case F16 -> b.putShort(Float.floatToFloat16(v[i]));
                    case BF16 -> b.putShort(BFloat16Tensor.fromFloat(v[i]));
                    default -> throw new IllegalStateException("output dtype " + dtype);
                }
            }
            AtomicFiles.writeFully(out, b.flip());
        }
    }
}
