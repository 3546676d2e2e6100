package dev.descent.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Reads a text file whole, with a size limit, before anything parses it. Only regular files are read:
 * a device ({@code /dev/zero}), a pipe or a socket has no size to check in advance and may never end,
 * so it is refused rather than read up to the limit. The bytes must be valid UTF-8 (a binary file is
 * named as such instead of surfacing the decoder's "Input length = 1").
 */
public final class TextFiles {
    private TextFiles() {}

    /**
     * The text of {@code file}; {@code what} names the file in messages ("config file", "data file").
     *
     * @throws IllegalArgumentException one line naming the file and the problem: missing, a folder,
     *         not a regular file, larger than {@code maxBytes}, not UTF-8, unreadable
     */
    public static String readUtf8(Path file, long maxBytes, String what) {
        checkReadable(file, maxBytes, what);
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
        if (b.length > maxBytes) throw tooLarge(what, file, b.length, maxBytes); // it grew while we read it
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " " + file + " is not UTF-8 text (a binary file?)");
        }
    }

    /**
     * Checks, before opening it, that {@code file} exists, is a regular file and holds at most
     * {@code maxBytes}; returns its size. For readers that stream a file rather than read it whole.
     */
    public static long checkReadable(Path file, long maxBytes, String what) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " not found: " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
        if (a.isDirectory()) throw new IllegalArgumentException(what + " " + file + " is a folder, not a file");
        if (!a.isRegularFile()) {
            throw new IllegalArgumentException(what + " " + file + " is not a regular file (a device, pipe or socket); give a file of at most "
                    + bytes(maxBytes));
        }
        if (a.size() > maxBytes) throw tooLarge(what, file, a.size(), maxBytes);
        return a.size();
    }

    private static IllegalArgumentException tooLarge(String what, Path file, long size, long max) {
        return new IllegalArgumentException(what + " " + file + " is " + bytes(size) + "; the limit is " + bytes(max));
    }

    /** A byte count for people: 512 bytes, 64 KiB, 1.5 MiB, 5.4 GiB. */
    public static String bytes(long n) {
        if (n < 1024) return n + " bytes";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }
}
