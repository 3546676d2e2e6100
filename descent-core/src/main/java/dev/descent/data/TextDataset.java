package dev.descent.data;

import dev.descent.io.TextFiles;
import dev.descent.tensor.Philox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A character-level text corpus split as nanoGPT's {@code shakespeare_char/prepare.py}: the first
 * 90% of the characters train, the last 10% validate. Batches are {@code block_size} windows at
 * random offsets, {@code y} being {@code x} shifted by one (nanoGPT's {@code get_batch}); the
 * offsets of batch n come from the counter-based stream (seed, purpose) at n, so batch n is the
 * same whether the run was interrupted or not.
 */
public final class TextDataset {
    /** The bundled Tiny Shakespeare corpus (see docs/data.md for its provenance). */
    public static final String SHAKESPEARE = "shakespeare_char";

    private final CharTokenizer tokenizer;
    private final int[] train;
    private final int[] val;

    public TextDataset(String text) {
        if (text.length() < 16) throw new IllegalArgumentException("text of " + text.length() + " characters is too short to split");
        this.tokenizer = new CharTokenizer(text);
        int[] all = tokenizer.encode(text);
        int n = (int) (all.length * 0.9);
        this.train = java.util.Arrays.copyOfRange(all, 0, n);
        this.val = java.util.Arrays.copyOfRange(all, n, all.length);
    }

    /** Tiny Shakespeare, from the jar. */
    public static TextDataset shakespeare() {
        try (InputStream in = TextDataset.class.getResourceAsStream("tinyshakespeare.txt")) {
            if (in == null) throw new IllegalStateException("the bundled tinyshakespeare.txt is missing from the classpath");
            return new TextDataset(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled tinyshakespeare.txt", e);
        }
    }

    /**
     * Largest text file read by {@link #fromFile(Path)}: 64 MiB, 60 times Tiny Shakespeare. Reading a
     * corpus takes about 10 bytes of heap per character at its peak (the text, its token ids, and the
     * two splits), so 64 MiB needs about 700 MB; a larger corpus belongs in a tokenised, memory-mapped
     * format, which this character-level reader is not.
     */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /** A UTF-8 text file of at most {@link #MAX_FILE_BYTES}; devices, pipes and folders are refused. */
    public static TextDataset fromFile(Path path) {
        return fromFile(path, MAX_FILE_BYTES);
    }

    /** A UTF-8 text file of at most {@code maxBytes} (a regular file: a device such as /dev/zero would never end). */
    public static TextDataset fromFile(Path path, long maxBytes) {
        return new TextDataset(TextFiles.readUtf8(path, maxBytes, "data file"));
    }

    public CharTokenizer tokenizer() { return tokenizer; }

    public int[] train() { return train; }

    public int[] val() { return val; }

    /** Inputs and next-token targets, each {@code [batch, block]} flattened. */
    public record Batch(int[] x, int[] y, int batch, int block) {}

    /** Batch number {@code n} of split {@code data}, offsets drawn from {@code rng} at indices n·batch … */
    public static Batch batch(int[] data, int batch, int block, Philox rng, long n) {
        if (data.length <= block + 1) {
            throw new IllegalArgumentException("split of " + data.length + " tokens is too short for block_size " + block);
        }
        long tokens = (long) batch * block;
        if (tokens > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch_size " + batch + " x block_size " + block + " = " + tokens
                    + " tokens per batch; a batch holds at most " + (Integer.MAX_VALUE - 8));
        }
        int[] x = new int[(int) tokens];
        int[] y = new int[(int) tokens];
        int range = data.length - block;
        for (int b = 0; b < batch; b++) {
            int start = rng.nextInt(n * batch + b, range);
            System.arraycopy(data, start, x, b * block, block); // b * block < tokens, checked above
            System.arraycopy(data, start + 1, y, b * block, block);
        }
        return new Batch(x, y, batch, block);
    }
}
