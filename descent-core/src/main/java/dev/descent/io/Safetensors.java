package dev.descent.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8
 * JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} object of string values; then the data buffer, where each tensor
 * occupies {@code [begin, end)} (relative to the buffer start) in little-endian, row-major order.
 *
 * <p><b>Writing</b> stores tensors in the map's iteration order, both in the header and in the
 * buffer (readers do not depend on the order), with {@code __metadata__} first when non-empty, as
 * compact JSON padded with spaces to a multiple of 8 bytes as the reference writer does: float32
 * {@link Tensor}s as {@code F32} ({@link #write}), or {@link TypedTensor}s each in its own dtype
 * ({@link #writeTyped}), so that reading a file with {@link #readTyped} and writing it back gives
 * the same bytes (for files laid out this way). Files are replaced atomically through
 * {@link AtomicFiles}.
 *
 * <p><b>Reading</b> keeps the stored dtype ({@link #readTyped}: every tensor as a {@link TypedTensor}
 * holding its bytes) or converts every supported {@link DType} to float32 ({@link #read}, what the
 * float32 loaders such as checkpoints use; equal to {@code readTyped} then
 * {@link TypedTensor#toFloat32()} per tensor). Both validate the whole header
 * before reading any data, like the reference implementation: the header length must fit the file
 * and the {@value #MAX_HEADER_BYTES}-byte cap; the header must be strict UTF-8 JSON without
 * duplicate names; every entry needs a known dtype, a shape of non-negative integers and two
 * ordered offsets whose span equals {@code elements * dtype size}; and the tensors must cover the
 * buffer exactly, with no hole, no overlap and no trailing bytes. Violations throw {@link
 * FormatException}; nothing is allocated from a length that was not checked against the file size.
 * Unknown fields inside a tensor entry are ignored, as the reference does.
 */
public final class Safetensors {
    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64", "C128");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Safetensors() {}

    /**
     * One header entry.
     *
     * @param name the tensor's name
     * @param dtype its stored element type
     * @param shape its dimensions (row-major); a copy is returned by {@link #shape()}
     * @param begin first byte, relative to the start of the data buffer
     * @param end one past the last byte, relative to the start of the data buffer
     */
    public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements (the product of the shape; 1 for a scalar). */
        public long elements() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                    && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin);
        }

        @Override
        public String toString() {
            return name + ": " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    /**
     * A validated header.
     *
     * @param tensors entries by name, in header order (unmodifiable)
     * @param metadata the {@code __metadata__} strings, empty when absent (unmodifiable)
     * @param dataStart absolute file position of the data buffer ({@code 8 + N})
     */
    public record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {}

    /**
     * A file's content converted to float32.
     *
     * @param tensors tensors by name, in header order (unmodifiable), each with its own storage
     * @param metadata the {@code __metadata__} strings, empty when absent (unmodifiable)
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * A file's content in its stored dtypes.
     *
     * @param tensors tensors by name, in header order (unmodifiable), each with its own bytes
     * @param metadata the {@code __metadata__} strings, empty when absent (unmodifiable)
     */
    public record TypedContents(Map<String, TypedTensor> tensors, Map<String, String> metadata) {
        /** Every tensor converted to float32 ({@link TypedTensor#toFloat32()}). */
        public Contents toFloat32() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            tensors.forEach((name, t) -> out.put(name, t.toFloat32()));
            return new Contents(Collections.unmodifiableMap(out), metadata);
        }
    }

    // ------------------------------------------------------------------ reading

    /** Reads and validates only the header of {@code file}; no tensor data is read. */
    public static Header readHeader(Path file) throws IOException {
        return ByteSource.parseFile(file, Safetensors::parseHeader);
    }

    /** Reads and validates only the header of an in-memory safetensors file. */
    public static Header readHeader(byte[] bytes) throws FormatException {
        return ByteSource.parseBytes("safetensors bytes", bytes, Safetensors::parseHeader);
    }

    /** Reads every tensor of {@code file}, converted to float32, and its metadata. */
    public static Contents read(Path file) throws IOException {
        return ByteSource.parseFile(file, Safetensors::readAll);
    }

    /** Reads every tensor of an in-memory safetensors file, converted to float32, and its metadata. */
    public static Contents read(byte[] bytes) throws FormatException {
        return ByteSource.parseBytes("safetensors bytes", bytes, Safetensors::readAll);
    }

    /** Reads every tensor of {@code file} in its stored dtype, and its metadata. */
    public static TypedContents readTyped(Path file) throws IOException {
        return ByteSource.parseFile(file, Safetensors::readAllTyped);
    }

    /** Reads every tensor of an in-memory safetensors file in its stored dtype, and its metadata. */
    public static TypedContents readTyped(byte[] bytes) throws FormatException {
        return ByteSource.parseBytes("safetensors bytes", bytes, Safetensors::readAllTyped);
    }

    private static TypedContents readAllTyped(ByteSource src) throws IOException {
        Header h = parseHeader(src);
        Map<String, TypedTensor> out = new LinkedHashMap<>();
        for (TensorInfo info : h.tensors().values()) {
            long n = info.elements();
            long bytes = info.end() - info.begin();
            if (n > Integer.MAX_VALUE - 16 || bytes > Integer.MAX_VALUE - 16) {
                throw new FormatException(src.name + ": tensor '" + info.name() + "' has " + n + " elements in "
                        + bytes + " bytes, more than a Descent tensor can hold (2^31 - 17)");
            }
            byte[] raw = src.read(h.dataStart() + info.begin(), (int) bytes);
            try {
                out.put(info.name(), TypedTensor.of(info.dtype(), info.shape(), raw));
            } catch (IllegalArgumentException e) { // e.g. [2147483647, 0]: a partial product too large
                throw new FormatException(src.name + ": tensor '" + info.name() + "' shape "
                        + Arrays.toString(info.shape()) + " cannot be represented as a Descent tensor: "
                        + e.getMessage(), e);
            }
        }
        return new TypedContents(Collections.unmodifiableMap(out), h.metadata());
    }

    private static Contents readAll(ByteSource src) throws IOException {
        Header h = parseHeader(src);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorInfo info : h.tensors().values()) {
            long n = info.elements();
            if (n > Integer.MAX_VALUE - 16) {
                throw new FormatException(src.name + ": tensor '" + info.name() + "' has " + n
                        + " elements, more than a Descent tensor can hold (2^31 - 17)");
            }
            float[] values = new float[(int) n];
            src.decode(h.dataStart() + info.begin(), info.dtype(), ByteOrder.LITTLE_ENDIAN, values, (int) n);
            try {
                out.put(info.name(), Tensor.of(values, info.shape()));
            } catch (IllegalArgumentException e) { // e.g. [2147483647, 0]: a partial product too large
                throw new FormatException(src.name + ": tensor '" + info.name() + "' shape "
                        + Arrays.toString(info.shape()) + " cannot be represented as a Descent tensor: "
                        + e.getMessage(), e);
            }
        }
        return new Contents(Collections.unmodifiableMap(out), h.metadata());
    }

    private static Header parseHeader(ByteSource src) throws IOException {
        String where = src.name;
        long size = src.size();
        if (size < 8) {
            throw new FormatException(where + ": file too short (" + size + " bytes) for the 8-byte header length");
        }
        long n = ByteBuffer.wrap(src.read(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new FormatException(where + ": header length " + Long.toUnsignedString(n)
                    + " exceeds the cap of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new FormatException(where + ": header length " + n + " runs past the end of the file ("
                    + size + " bytes, so at most " + (size - 8) + " header bytes)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(src.read(8, (int) n)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(where + ": header is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new FormatException(where + ": header is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new FormatException(where + ": header JSON is not an object");
        }
        long bufferLength = size - 8 - n;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                parseMetadata(where, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), parseEntry(where, e.getKey(), e.getValue(), bufferLength));
            }
        }
        checkCoverage(where, tensors.values(), bufferLength);
        return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata), 8 + n);
    }

    private static void parseMetadata(String where, JsonNode node, Map<String, String> out) throws FormatException {
        if (node.isNull()) return;
        if (!node.isObject()) {
            throw new FormatException(where + ": " + METADATA_KEY + " must be an object of strings, got " + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new FormatException(where + ": " + METADATA_KEY + " value for '" + e.getKey()
                        + "' must be a string, got " + e.getValue().getNodeType());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo parseEntry(String where, String name, JsonNode node, long bufferLength)
            throws FormatException {
        String at = where + ": tensor '" + name + "'";
        if (!node.isObject()) throw new FormatException(at + ": entry must be an object, got " + node.getNodeType());
        JsonNode dt = node.get("dtype");
        if (dt == null) throw new FormatException(at + ": missing field \"dtype\"");
        if (!dt.isTextual()) throw new FormatException(at + ": \"dtype\" must be a string");
        DType dtype = dtypeOf(at, dt.textValue());

        JsonNode sh = node.get("shape");
        if (sh == null) throw new FormatException(at + ": missing field \"shape\"");
        if (!sh.isArray()) throw new FormatException(at + ": \"shape\" must be an array");
        int[] shape = new int[sh.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegativeLong(at, "shape", sh.get(i));
            if (d > Integer.MAX_VALUE) {
                throw new FormatException(at + ": dimension " + d + " in \"shape\" exceeds 2^31 - 1");
            }
            shape[i] = (int) d;
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException overflow) {
                throw new FormatException(at + ": \"shape\" " + sh + " overflows 64-bit element count");
            }
        }

        JsonNode off = node.get("data_offsets");
        if (off == null) throw new FormatException(at + ": missing field \"data_offsets\"");
        if (!off.isArray() || off.size() != 2) {
            throw new FormatException(at + ": \"data_offsets\" must be an array [begin, end]");
        }
        long begin = nonNegativeLong(at, "data_offsets", off.get(0));
        long end = nonNegativeLong(at, "data_offsets", off.get(1));
        if (end < begin) {
            throw new FormatException(at + ": \"data_offsets\" [" + begin + ", " + end + "] end before begin");
        }
        if (end > bufferLength) {
            throw new FormatException(at + ": \"data_offsets\" [" + begin + ", " + end
                    + "] extend past the end of the data buffer (" + bufferLength + " bytes)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, dtype.size);
        } catch (ArithmeticException overflow) {
            throw new FormatException(at + ": \"shape\" " + sh + " of " + dtype + " overflows a 64-bit byte count");
        }
        if (bytes != end - begin) {
            throw new FormatException(at + ": \"shape\" " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes + " bytes but \"data_offsets\" [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static DType dtypeOf(String at, String name) throws FormatException {
        for (DType d : DType.values()) {
            if (d.name().equals(name)) return d;
        }
        if (KNOWN_UNSUPPORTED.contains(name)) {
            throw new FormatException(at + ": unsupported dtype \"" + name + "\" (Descent reads " + Arrays.toString(DType.values()) + ")");
        }
        throw new FormatException(at + ": unknown dtype \"" + name + "\"");
    }

    private static long nonNegativeLong(String at, String field, JsonNode v) throws FormatException {
        if (v == null || !v.isIntegralNumber()) {
            throw new FormatException(at + ": \"" + field + "\" must hold integers, got " + v);
        }
        if (!v.canConvertToLong()) {
            throw new FormatException(at + ": \"" + field + "\" value " + v + " is too large");
        }
        long x = v.longValue();
        if (x < 0) throw new FormatException(at + ": \"" + field + "\" holds negative value " + x);
        return x;
    }

    /** The tensors, sorted by offsets, must tile {@code [0, bufferLength)} exactly. */
    private static void checkCoverage(String where, Iterable<TensorInfo> infos, long bufferLength)
            throws FormatException {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < expected) {
                throw new FormatException(where + ": tensor '" + t.name() + "' at [" + t.begin() + ", " + t.end()
                        + ") overlaps tensor '" + previous.name() + "' ending at " + expected);
            }
            if (t.begin() > expected) {
                throw new FormatException(where + ": hole in the data buffer: bytes [" + expected + ", "
                        + t.begin() + ") belong to no tensor (before '" + t.name() + "')");
            }
            expected = t.end();
            previous = t;
        }
        if (expected != bufferLength) {
            throw new FormatException(where + ": the tensors cover " + expected + " bytes of the data buffer but it holds "
                    + bufferLength + " (trailing bytes or a hole at the end)");
        }
    }

    // ------------------------------------------------------------------ writing

    /** Writes {@code tensors} as F32 to {@code file} (atomically), without metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} as F32, in iteration order, plus string {@code metadata} (may be empty),
     * replacing {@code file} atomically.
     *
     * @throws IllegalArgumentException for a null name, tensor or metadata entry, or the reserved
     *     name {@code "__metadata__"}
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = headerBytes(float32Entries(tensors), metadata);
        AtomicFiles.write(file, out -> writeTo(out, header, tensors));
    }

    /** The bytes of the file {@link #write(Path, Map, Map)} would produce (at most 2 GiB). */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = headerBytes(float32Entries(tensors), metadata);
        long total = header.length + 8L;
        for (Tensor t : tensors.values()) total += 4L * t.size();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("safetensors file of " + total + " bytes does not fit a byte array");
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) total);
        try {
            writeTo(Channels.newChannel(bos), header, tensors);
        } catch (IOException e) {
            throw new AssertionError("in-memory writes do not fail", e);
        }
        return bos.toByteArray();
    }

    /**
     * Writes {@code tensors}, each in its own dtype and byte for byte, in iteration order, plus string
     * {@code metadata} (may be empty), replacing {@code file} atomically.
     *
     * @throws IllegalArgumentException for a null name, tensor or metadata entry, or the reserved
     *     name {@code "__metadata__"}
     */
    public static void writeTyped(Path file, Map<String, TypedTensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = headerBytes(typedEntries(tensors), metadata);
        AtomicFiles.write(file, out -> writeTypedTo(out, header, tensors));
    }

    /** The bytes of the file {@link #writeTyped} would produce (at most 2 GiB). */
    public static byte[] toBytesTyped(Map<String, TypedTensor> tensors, Map<String, String> metadata) {
        byte[] header = headerBytes(typedEntries(tensors), metadata);
        long total = header.length + 8L;
        for (TypedTensor t : tensors.values()) total += t.bytes().length;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("safetensors file of " + total + " bytes does not fit a byte array");
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) total);
        try {
            writeTypedTo(Channels.newChannel(bos), header, tensors);
        } catch (IOException e) {
            throw new AssertionError("in-memory writes do not fail", e);
        }
        return bos.toByteArray();
    }

    /** What the header says about one tensor. */
    private record Entry(String name, DType dtype, int[] shape, long bytes) {}

    private static List<Entry> float32Entries(Map<String, Tensor> tensors) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (e.getKey() == null || t == null) throw new IllegalArgumentException("tensor names and tensors must not be null");
            out.add(new Entry(e.getKey(), DType.F32, t.shape(), 4L * t.size()));
        }
        return out;
    }

    private static List<Entry> typedEntries(Map<String, TypedTensor> tensors) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, TypedTensor> e : tensors.entrySet()) {
            TypedTensor t = e.getValue();
            if (e.getKey() == null || t == null) throw new IllegalArgumentException("tensor names and tensors must not be null");
            out.add(new Entry(e.getKey(), t.dtype(), t.shape(), t.bytes().length));
        }
        return out;
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes. */
    private static byte[] headerBytes(List<Entry> tensors, Map<String, String> metadata) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(METADATA_KEY);
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null");
                }
                m.put(e.getKey(), e.getValue());
            }
        }
        long offset = 0;
        for (Entry t : tensors) {
            String name = t.name();
            if (name.equals(METADATA_KEY)) throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved");
            ObjectNode entry = root.putObject(name);
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            long end = offset + t.bytes();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise the safetensors header", e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeTo(WritableByteChannel out, byte[] header, Map<String, Tensor> tensors) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        AtomicFiles.writeFully(out, len);
        AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
        long total = 0;
        for (Tensor t : tensors.values()) total += t.size();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ByteSource.CHUNK, Math.max(4, 4 * total)))
                .order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / 4;
        for (Tensor t : tensors.values()) {
            float[] data = t.data();
            int base = t.offset();
            for (int done = 0; done < t.size(); ) {
                int n = Math.min(perChunk, t.size() - done);
                buf.clear();
                buf.asFloatBuffer().put(data, base + done, n);
                buf.limit(4 * n);
                AtomicFiles.writeFully(out, buf);
                done += n;
            }
        }
    }

    private static void writeTypedTo(WritableByteChannel out, byte[] header, Map<String, TypedTensor> tensors)
            throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        AtomicFiles.writeFully(out, len);
        AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
        for (TypedTensor t : tensors.values()) AtomicFiles.writeFully(out, ByteBuffer.wrap(t.bytes()));
    }
}
