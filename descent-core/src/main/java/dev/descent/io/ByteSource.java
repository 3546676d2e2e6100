package dev.descent.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Positioned, bounded reads from a file or an in-memory array. Every read names its exact range, so
 * no caller ever allocates or reads more than the source is known to hold.
 */
abstract sealed class ByteSource permits ByteSource.OfArray, ByteSource.OfChannel {
    /** Largest buffer a decoding loop uses at once (a multiple of every element size). */
    static final int CHUNK = 1 << 20;

    final String name;

    ByteSource(String name) {
        this.name = name;
    }

    abstract long size();

    /** Fills {@code dst} from position {@code pos}, or fails with a {@link FormatException}. */
    abstract void readFully(long pos, ByteBuffer dst) throws IOException;

    /** Reads {@code [pos, pos + n)} into a new array; {@code n} must already be checked against the size. */
    byte[] read(long pos, int n) throws IOException {
        if (pos < 0 || n < 0 || pos > size() - n) {
            throw new FormatException(name + ": range [" + pos + ", " + (pos + n) + ") lies beyond the end of "
                    + size() + " bytes");
        }
        byte[] b = new byte[n];
        readFully(pos, ByteBuffer.wrap(b));
        return b;
    }

    /**
     * Decodes {@code count} elements of {@code type} stored from {@code pos} in {@code order} into
     * {@code dst[0..count)}, reading at most {@link #CHUNK} bytes at a time.
     */
    void decode(long pos, DType type, ByteOrder order, float[] dst, int count) throws IOException {
        int per = CHUNK / type.size;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, (long) count * type.size)).order(order);
        int done = 0;
        while (done < count) {
            int n = Math.min(per, count - done);
            buf.clear().limit(n * type.size);
            readFully(pos + (long) done * type.size, buf);
            buf.flip();
            type.decode(buf, dst, done, n);
            done += n;
        }
    }

    static final class OfArray extends ByteSource {
        private final byte[] bytes;

        OfArray(String name, byte[] bytes) {
            super(name);
            this.bytes = bytes;
        }

        @Override
        long size() {
            return bytes.length;
        }

        @Override
        void readFully(long pos, ByteBuffer dst) throws FormatException {
            if (pos < 0 || pos > bytes.length - dst.remaining()) {
                throw new FormatException(name + ": data ends at " + bytes.length + " bytes, wanted "
                        + dst.remaining() + " bytes at " + pos);
            }
            dst.put(bytes, (int) pos, dst.remaining());
        }
    }

    static final class OfChannel extends ByteSource {
        private final FileChannel ch;
        private final long size;

        OfChannel(String name, FileChannel ch) throws IOException {
            super(name);
            this.ch = ch;
            this.size = ch.size();
        }

        @Override
        long size() {
            return size;
        }

        @Override
        void readFully(long pos, ByteBuffer dst) throws IOException {
            long p = pos;
            while (dst.hasRemaining()) {
                int r = ch.read(dst, p);
                if (r < 0) {
                    throw new FormatException(name + ": file ended at " + p + " bytes while reading "
                            + "(was it truncated while being read?)");
                }
                p += r;
            }
        }
    }

    /** A parse step over a source: a header reader or a whole-file reader. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(ByteSource src) throws IOException;
    }

    /** Runs {@code parser} over {@code file}, read through a channel with bounded reads. */
    static <T> T parseFile(java.nio.file.Path file, Parser<T> parser) throws IOException {
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            return parser.parse(new OfChannel(file.toString(), ch));
        }
    }

    /** Runs {@code parser} over in-memory bytes, where the only possible failure is a format error. */
    static <T> T parseBytes(String name, byte[] bytes, Parser<T> parser) throws FormatException {
        try {
            return parser.parse(new OfArray(name, bytes));
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("in-memory reads do not fail", e);
        }
    }
}
