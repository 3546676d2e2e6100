package dev.descent.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The identity of the training code a JVM runs: SHA-256 over the jars (or class folders) that hold
 * descent-core and descent-spark, in that order; a folder is hashed as its files' relative paths and
 * contents, sorted by path. The driver sends its hash with every stage and each rank compares it with
 * its own before training, so a worker started from another build fails at once with a message
 * instead of silently taking other steps.
 */
public final class BuildHash {
    private BuildHash() {}

    /** This JVM's hash (first 16 hex digits suffice to tell builds apart in a message; all 64 are compared). */
    public static String current() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : List.of(dev.descent.nn.Gpt.class, BuildHash.class)) add(sha, codeSource(c));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the code of " + c.getName(), e);
        }
    }

    private static void add(MessageDigest sha, Path source) throws IOException {
        if (Files.isRegularFile(source)) {
            sha.update(Files.readAllBytes(source));
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            sha.update(source.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(f));
        }
    }
}
