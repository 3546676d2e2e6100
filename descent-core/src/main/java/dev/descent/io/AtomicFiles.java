package dev.descent.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: the content is written to a temporary file in the target's own
 * folder, flushed to the device ({@code fsync}), then renamed over the target in one atomic step,
 * and finally the folder itself is flushed so the rename survives a power loss.
 *
 * <p>A reader therefore sees either the old file or the complete new one, never a partial write.
 * If writing fails, the temporary file is deleted and the target is left untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces a file's content onto a channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code content} writes. The parent
     * folder must exist.
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null) throw new IOException("no parent folder for " + target);
        // Not Files.createTempFile: its files are private (0600); this one gets the mode any new file
        // gets (0644 under the usual umask), like the files beside it.
        Path tmp = dir.resolve("." + abs.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                content.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            done = true;
            syncFolder(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Atomically replaces (or creates) {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> writeFully(out, ByteBuffer.wrap(bytes)));
    }

    /** Writes all remaining bytes of {@code buf} to {@code out}. */
    public static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) out.write(buf);
    }

    /** Best effort: some platforms (Windows) cannot open or flush a folder. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the rename itself is done; durability of the folder entry is platform dependent
        }
    }
}
