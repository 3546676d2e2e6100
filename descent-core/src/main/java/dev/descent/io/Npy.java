package dev.descent.io;

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
import java.util.Arrays;

/**
 * Reads and writes NumPy's {@code .npy} format, versions 1.0, 2.0 and 3.0.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and a minor version byte, a little-endian header
 * length (u16 for 1.0, u32 for 2.0 and 3.0), then the header: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} padded with spaces and ending
 * in a newline so that the data starts on a 64-byte boundary; then the raw elements.
 *
 * <p><b>Writing</b> produces exactly the bytes NumPy 2.x's {@code np.save} writes for a C-ordered
 * {@code <f4} array (including its spare spaces for a growing first axis): version 1.0, or 2.0 when
 * the header would not fit a u16 length.
 *
 * <p><b>Reading</b> accepts descr {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1} with byte order
 * {@code <} or {@code >} ({@code |} too for one-byte types) and converts to float32 (see {@link
 * DType} for the conversions). {@code fortran_order: True} is supported: the data is transposed into
 * C order. 0-d arrays (shape {@code ()}) become rank-0 tensors; empty arrays become tensors of size
 * 0. The header is parsed by a small strict parser (not a Python evaluator) that accepts exactly the
 * three keys {@code descr}, {@code fortran_order}, {@code shape}, each once, with string values in
 * single or double quotes without escapes. The data must be exactly {@code elements * itemsize}
 * bytes long. Anything else throws {@link FormatException}; nothing is allocated from a length that
 * was not checked against the file size. Structured dtypes, objects (pickles) and strings are
 * refused.
 */
public final class Npy {
    /** Largest header accepted (NumPy itself refuses more than 10,000 bytes by default). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** NumPy pads the header so the first axis can grow in place up to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    private Npy() {}

    /**
     * A validated {@code .npy} header.
     *
     * @param major format major version (1, 2 or 3)
     * @param minor format minor version (0)
     * @param descr the descr string as stored, e.g. {@code "<f4"}
     * @param dtype the element type it denotes
     * @param order the byte order of the elements
     * @param fortranOrder whether the data is stored column-major
     * @param shape the dimensions; a copy is returned by {@link #shape()}
     * @param dataOffset absolute file position of the first element
     */
    public record Header(int major, int minor, String descr, DType dtype, ByteOrder order, boolean fortranOrder,
                         int[] shape, long dataOffset) {
        public Header {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements (1 for a 0-d array). */
        public long elements() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && major == h.major && minor == h.minor && descr.equals(h.descr)
                    && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape) && dataOffset == h.dataOffset;
        }

        @Override
        public int hashCode() {
            return descr.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "npy v" + major + "." + minor + " " + descr + (fortranOrder ? " F " : " C ")
                    + Arrays.toString(shape) + " @" + dataOffset;
        }
    }

    // ------------------------------------------------------------------ reading

    /** Reads and validates only the header of {@code file}. */
    public static Header readHeader(Path file) throws IOException {
        return ByteSource.parseFile(file, Npy::parseHeader);
    }

    /** Reads and validates only the header of an in-memory {@code .npy} file. */
    public static Header readHeader(byte[] bytes) throws FormatException {
        return ByteSource.parseBytes("npy bytes", bytes, Npy::parseHeader);
    }

    /** Reads {@code file} as a float32 tensor in C order. */
    public static Tensor read(Path file) throws IOException {
        return ByteSource.parseFile(file, Npy::readAll);
    }

    /** Reads an in-memory {@code .npy} file as a float32 tensor in C order. */
    public static Tensor read(byte[] bytes) throws FormatException {
        return ByteSource.parseBytes("npy bytes", bytes, Npy::readAll);
    }

    private static Tensor readAll(ByteSource src) throws IOException {
        Header h = parseHeader(src);
        int n = (int) h.elements(); // checked by parseHeader
        float[] values = new float[n];
        src.decode(h.dataOffset(), h.dtype(), h.order(), values, n);
        int[] shape = h.shape();
        if (h.fortranOrder() && shape.length > 1 && n > 0) values = fortranToC(values, shape);
        try {
            return Tensor.of(values, shape);
        } catch (IllegalArgumentException e) { // e.g. (2147483647, 0): a partial product too large
            throw new FormatException(src.name + ": shape " + Arrays.toString(shape)
                    + " cannot be represented as a Descent tensor: " + e.getMessage(), e);
        }
    }

    /** Reorders column-major {@code f} of {@code shape} into row-major order. */
    private static float[] fortranToC(float[] f, int[] shape) {
        int rank = shape.length;
        int[] stride = new int[rank]; // column-major strides
        int s = 1;
        for (int d = 0; d < rank; d++) {
            stride[d] = s;
            s *= shape[d];
        }
        float[] c = new float[f.length];
        int[] idx = new int[rank];
        int src = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = f[src];
            for (int d = rank - 1; d >= 0; d--) { // odometer over the C-order index
                if (++idx[d] < shape[d]) {
                    src += stride[d];
                    break;
                }
                idx[d] = 0;
                src -= (shape[d] - 1) * stride[d];
            }
        }
        return c;
    }

    private static Header parseHeader(ByteSource src) throws IOException {
        String where = src.name;
        long size = src.size();
        if (size < 10) throw new FormatException(where + ": file too short (" + size + " bytes) for a .npy preamble");
        byte[] pre = src.read(0, 8);
        if (!Arrays.equals(pre, 0, 6, MAGIC, 0, 6)) {
            throw new FormatException(where + ": bad magic, not a .npy file (expected \\x93NUMPY)");
        }
        int major = pre[6] & 0xFF;
        int minor = pre[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new FormatException(where + ": unsupported .npy format version " + major + "." + minor);
        }
        int lenBytes = major == 1 ? 2 : 4;
        if (size < 8 + lenBytes) throw new FormatException(where + ": file too short for the header length");
        ByteBuffer lb = ByteBuffer.wrap(src.read(8, lenBytes)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lb.getShort() & 0xFFFF : lb.getInt() & 0xFFFFFFFFL;
        long start = 8 + lenBytes;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new FormatException(where + ": header length " + headerLength + " exceeds the cap of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > size - start) {
            throw new FormatException(where + ": header length " + headerLength + " runs past the end of the file ("
                    + size + " bytes)");
        }
        byte[] raw = src.read(start, (int) headerLength);
        String text;
        if (major == 3) {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                throw new FormatException(where + ": version 3.0 header is not valid UTF-8", e);
            }
        } else {
            text = new String(raw, StandardCharsets.ISO_8859_1);
        }
        HeaderParser p = new HeaderParser(where, text);
        p.parse();
        String descr = p.descr;
        DType dtype = dtypeOf(where, descr);
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        long elements = 1;
        for (int d : p.shape) {
            try {
                elements = Math.multiplyExact(elements, (long) d);
            } catch (ArithmeticException overflow) {
                throw new FormatException(where + ": shape " + Arrays.toString(p.shape) + " overflows the element count");
            }
        }
        long dataOffset = start + headerLength;
        long available = size - dataOffset;
        long needed;
        try {
            needed = Math.multiplyExact(elements, (long) dtype.size);
        } catch (ArithmeticException overflow) {
            throw new FormatException(where + ": shape " + Arrays.toString(p.shape) + " overflows the byte count");
        }
        if (needed != available) {
            throw new FormatException(where + ": shape " + Arrays.toString(p.shape) + " of '" + descr + "' needs "
                    + needed + " data bytes but the file holds " + available
                    + (needed > available ? " (truncated or lying header)" : " (trailing bytes)"));
        }
        if (elements > Integer.MAX_VALUE - 16) {
            throw new FormatException(where + ": " + elements + " elements exceed what a Descent tensor can hold");
        }
        return new Header(major, minor, descr, dtype, order, p.fortranOrder, p.shape, dataOffset);
    }

    private static DType dtypeOf(String where, String descr) throws FormatException {
        if (descr.length() == 3) {
            char bo = descr.charAt(0);
            DType t = switch (descr.substring(1)) {
                case "f2" -> DType.F16;
                case "f4" -> DType.F32;
                case "f8" -> DType.F64;
                case "i1" -> DType.I8;
                case "i2" -> DType.I16;
                case "i4" -> DType.I32;
                case "i8" -> DType.I64;
                case "u1" -> DType.U8;
                case "u2" -> DType.U16;
                case "u4" -> DType.U32;
                case "u8" -> DType.U64;
                case "b1" -> DType.BOOL;
                default -> null;
            };
            if (t != null && (bo == '<' || bo == '>' || (bo == '|' && t.size == 1))) return t;
            if (t != null && bo == '=') {
                throw new FormatException(where + ": descr '" + descr + "' uses native byte order '=', which a file "
                        + "cannot specify; expected '<' or '>'");
            }
        }
        throw new FormatException(where + ": unsupported descr '" + descr + "' (supported: f2 f4 f8 i1 i2 i4 i8 "
                + "u1 u2 u4 u8 b1 with '<' or '>')");
    }

    /** Strict parser for the header's dict literal: exactly the keys descr, fortran_order and shape. */
    private static final class HeaderParser {
        private final String where;
        private final String s;
        private int pos;
        String descr;
        Boolean fortranOrder;
        int[] shape;

        HeaderParser(String where, String s) {
            this.where = where;
            this.s = s;
        }

        void parse() throws FormatException {
            ws();
            expect('{');
            while (true) {
                ws();
                if (peek() == '}') break;
                String key = string();
                ws();
                expect(':');
                ws();
                switch (key) {
                    case "descr" -> {
                        if (descr != null) throw fail("duplicate key 'descr'");
                        descr = string();
                    }
                    case "fortran_order" -> {
                        if (fortranOrder != null) throw fail("duplicate key 'fortran_order'");
                        fortranOrder = bool();
                    }
                    case "shape" -> {
                        if (shape != null) throw fail("duplicate key 'shape'");
                        shape = tuple();
                    }
                    default -> throw fail("unexpected key '" + key + "' (only descr, fortran_order, shape)");
                }
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}'");
                }
            }
            pos++; // '}'
            ws();
            if (pos != s.length()) throw fail("unexpected text after the dict");
            if (descr == null) throw fail("missing key 'descr'");
            if (fortranOrder == null) throw fail("missing key 'fortran_order'");
            if (shape == null) throw fail("missing key 'shape'");
        }

        private String string() throws FormatException {
            char q = peek();
            if (q != '\'' && q != '"') throw fail("expected a quoted string");
            int end = pos + 1;
            while (end < s.length() && s.charAt(end) != q) {
                char c = s.charAt(end);
                if (c == '\\' || c == '\n' || c == '\r') throw fail("escapes and line breaks are not allowed in strings");
                end++;
            }
            if (end >= s.length()) throw fail("unterminated string");
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private boolean bool() throws FormatException {
            if (s.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw fail("'fortran_order' must be True or False");
        }

        private int[] tuple() throws FormatException {
            expect('(');
            int[] dims = new int[4];
            int n = 0;
            boolean trailingComma = false;
            while (true) {
                ws();
                if (peek() == ')') break;
                if (n == dims.length) dims = Arrays.copyOf(dims, 2 * n);
                dims[n++] = dim();
                ws();
                if (peek() == ',') {
                    pos++;
                    trailingComma = true;
                } else if (peek() == ')') {
                    trailingComma = false;
                } else {
                    throw fail("expected ',' or ')' in 'shape'");
                }
            }
            pos++; // ')'
            if (n == 1 && !trailingComma) throw fail("'shape' (d) is not a tuple; write (d,)");
            return Arrays.copyOf(dims, n);
        }

        private int dim() throws FormatException {
            boolean negative = false;
            if (peek() == '-') {
                negative = true;
                pos++;
            }
            int start = pos;
            long v = 0;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                v = v * 10 + (s.charAt(pos) - '0');
                pos++;
                if (v > Integer.MAX_VALUE) {
                    throw fail("dimension " + (negative ? "-" : "") + s.substring(start, pos) + "... exceeds 2^31 - 1");
                }
            }
            if (pos == start) throw fail("expected an integer in 'shape'");
            if (pos < s.length() && s.charAt(pos) == 'L') pos++; // Python 2 long literal
            if (negative) throw fail("negative dimension -" + v + " in 'shape'");
            return (int) v;
        }

        private void ws() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
                pos++;
            }
        }

        private char peek() throws FormatException {
            if (pos >= s.length()) throw fail("header ends early");
            return s.charAt(pos);
        }

        private void expect(char c) throws FormatException {
            if (peek() != c) throw fail("expected '" + c + "'");
            pos++;
        }

        private FormatException fail(String why) {
            int from = Math.max(0, pos - 20);
            int to = Math.min(s.length(), pos + 20);
            return new FormatException(where + ": malformed header dict at character " + pos + ": " + why
                    + " (near \"" + s.substring(from, to).replace("\n", "\\n") + "\")");
        }
    }

    // ------------------------------------------------------------------ writing

    /** Writes {@code t} as a C-ordered {@code <f4} array to {@code file}, replacing it atomically. */
    public static void write(Path file, Tensor t) throws IOException {
        byte[] header = headerBytes(t.shape());
        AtomicFiles.write(file, out -> writeTo(out, header, t));
    }

    /** The bytes {@link #write(Path, Tensor)} would produce (at most 2 GiB). */
    public static byte[] toBytes(Tensor t) {
        byte[] header = headerBytes(t.shape());
        long total = header.length + 4L * t.size();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(".npy file of " + total + " bytes does not fit a byte array");
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) total);
        try {
            writeTo(Channels.newChannel(bos), header, t);
        } catch (IOException e) {
            throw new AssertionError("in-memory writes do not fail", e);
        }
        return bos.toByteArray();
    }

    /** Magic, version, length and padded dict, exactly as NumPy 2.x lays them out. */
    private static byte[] headerBytes(int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dict.append(", ");
            dict.append(shape[i]);
        }
        if (shape.length == 1) dict.append(',');
        dict.append("), }");
        if (shape.length > 0) dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        long hlen = text.length + 1L; // + '\n'
        long padded = hlen + ALIGN - (10 + hlen) % ALIGN;
        if (padded > 0xFFFF) {
            major = 2;
            padded = hlen + ALIGN - (12 + hlen) % ALIGN;
        }
        if (padded > MAX_HEADER_BYTES) throw new IllegalArgumentException("rank " + shape.length + " is too large for .npy");
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + (int) padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) padded);
        else b.putInt((int) padded);
        b.put(text);
        while (b.position() < b.capacity() - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    private static void writeTo(WritableByteChannel out, byte[] header, Tensor t) throws IOException {
        AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ByteSource.CHUNK, Math.max(4, 4L * t.size())))
                .order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / 4;
        float[] data = t.data();
        for (int done = 0; done < t.size(); ) {
            int n = Math.min(perChunk, t.size() - done);
            buf.clear();
            buf.asFloatBuffer().put(data, t.offset() + done, n);
            buf.limit(4 * n);
            AtomicFiles.writeFully(out, buf);
            done += n;
        }
    }
}
