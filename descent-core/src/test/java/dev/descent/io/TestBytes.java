package dev.descent.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helpers: hex decoding, hand-built files, random mutations and the seeds of the fuzz tests. */
final class TestBytes {
    private TestBytes() {}

    /**
     * Base seed of the randomized tests. It is fixed, so every run checks the same cases; pass
     * {@code -Ddescent.fuzz.seed=N} to explore others.
     */
    static final long BASE_SEED = Long.getLong("descent.fuzz.seed", 0x0DE5_CE27_F022L);

    /** Time limit of one case: a parser must never hang or allocate its way into the ground. */
    static final Duration CASE_TIMEOUT = Duration.ofSeconds(5);

    /** After this many failing cases a randomized test stops and reports them. */
    private static final int MAX_REPORTED_FAILURES = 10;

    /** The body of one randomized case, drawing its inputs from {@code r}. */
    @FunctionalInterface
    interface Case {
        void run(SplittableRandom r) throws Exception;
    }

    /**
     * Runs {@code count} cases of the randomized test {@code test}. Case seeds are a fixed stream derived from
     * {@link #BASE_SEED} and the test's name; each case gets a fresh {@code SplittableRandom(seed)} and runs on a
     * worker thread under {@link #CASE_TIMEOUT} (preemptively: the test fails without waiting for a hung case).
     * Any failure &mdash; failed assertion, unexpected exception, {@link OutOfMemoryError}, timeout &mdash; is
     * reported with its seed; with {@code -Ddescent.fuzz.case=SEED} only that case runs, to reproduce it.
     */
    static void forEachCase(String test, int count, Case body) {
        Long only = Long.getLong("descent.fuzz.case");
        long[] seeds = only != null ? new long[] {only}
                : new SplittableRandom(BASE_SEED ^ test.hashCode()).longs(count).toArray();
        ExecutorService worker = newWorker(test);
        List<String> failures = new ArrayList<>();
        Throwable first = null;
        boolean hung = false;
        try {
            for (long seed : seeds) {
                Future<?> f = worker.submit(() -> {
                    body.run(new SplittableRandom(seed));
                    return null;
                });
                Throwable failure;
                try {
                    f.get(CASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                } catch (ExecutionException e) {
                    failure = e.getCause();
                } catch (TimeoutException e) {
                    f.cancel(true);
                    hung = true;
                    failure = new AssertionError("timed out after " + CASE_TIMEOUT.toMillis() + " ms");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(test + " interrupted", e);
                }
                failures.add("seed " + seed + ": " + failure);
                if (first == null) first = failure;
                if (hung || failures.size() >= MAX_REPORTED_FAILURES) {
                    break; // a hung case keeps the worker busy, and ten failures make the point
                }
            }
        } finally {
            worker.shutdownNow();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(test + ": " + failures.size() + " failing case(s) (of " + seeds.length
                    + "); rerun one with -Dtest=Class#method -Ddescent.fuzz.case=SEED\n  "
                    + String.join("\n  ", failures), first);
        }
    }

    private static ExecutorService newWorker(String test) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "fuzz-" + test);
            t.setDaemon(true);
            return t;
        });
    }

    /** One of {@code values}, uniformly. */
    @SafeVarargs
    static <T> T pick(SplittableRandom r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /** One of {@code values}, uniformly. */
    static long pick(SplittableRandom r, long... values) {
        return values[r.nextInt(values.length)];
    }

    private static final String SPECIAL_CHARS = "\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028\u2029\u00e9\ufeff\ufffd";

    /**
     * A random string of {@code 0..maxLength} code points, mixing ASCII, JSON-sensitive characters (quotes,
     * backslashes, control characters, U+2028/9), arbitrary BMP characters and supplementary code points (as
     * surrogate pairs; unpaired surrogates cannot be encoded in UTF-8 and are left out).
     */
    static String randomString(SplittableRandom r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            if (kind < 8) {
                s.append((char) r.nextInt(0x20, 0x7F));
            } else if (kind < 11) {
                s.append(SPECIAL_CHARS.charAt(r.nextInt(SPECIAL_CHARS.length())));
            } else if (kind < 17) {
                int c;
                do {
                    c = r.nextInt(0x10000);
                } while (Character.isSurrogate((char) c));
                s.append((char) c);
            } else {
                s.appendCodePoint(r.nextInt(0x10000, Character.MAX_CODE_POINT + 1));
            }
        }
        return s.toString();
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    /** A safetensors file with the given header text (unpadded, as is) and {@code dataLength} zero bytes of data. */
    static byte[] safetensors(String json, int dataLength) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataLength).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).array();
    }

    /** A .npy file of the given version with the dict text as is (no padding added) followed by {@code data}. */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] h = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) len.putShort((short) h.length);
        else len.putInt(h.length);
        out.writeBytes(len.array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] littleEndianFloats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /**
     * Applies 1 to 4 random mutations: byte overwrite, truncation, overwriting a length field
     * (at {@code lengthAt}, {@code lengthSize} bytes) with an interesting value, insertion, deletion,
     * digit changes inside the header and range duplication.
     */
    static byte[] mutate(byte[] base, SplittableRandom r, int lengthAt, int lengthSize) {
        byte[] b = base.clone();
        int count = 1 + r.nextInt(4);
        for (int m = 0; m < count; m++) {
            switch (r.nextInt(7)) {
                case 0 -> {
                    if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 2 -> {
                    if (b.length >= lengthAt + lengthSize) {
                        long[] interesting = {0, 1, 7, 8, b.length, b.length - lengthAt - lengthSize, b.length + 1,
                                0xFFFF, 0x7FFFFFFFL, 0xFFFFFFFFL, Long.MAX_VALUE, -1, 100_000_001, r.nextLong()};
                        long v = interesting[r.nextInt(interesting.length)];
                        for (int i = 0; i < lengthSize; i++) b[lengthAt + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 3 -> {
                    int at = r.nextInt(b.length + 1);
                    byte[] ins = new byte[1 + r.nextInt(8)];
                    r.nextBytes(ins);
                    byte[] nb = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, nb, 0, at);
                    System.arraycopy(ins, 0, nb, at, ins.length);
                    System.arraycopy(b, at, nb, at + ins.length, b.length - at);
                    b = nb;
                }
                case 4 -> {
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        int n = Math.min(b.length - at, 1 + r.nextInt(8));
                        byte[] nb = new byte[b.length - n];
                        System.arraycopy(b, 0, nb, 0, at);
                        System.arraycopy(b, at + n, nb, at, b.length - at - n);
                        b = nb;
                    }
                }
                case 5 -> { // change a digit (shapes, offsets) to another digit or a sign
                    int start = r.nextInt(b.length + 1);
                    for (int i = start; i < b.length; i++) {
                        if (b[i] >= '0' && b[i] <= '9') {
                            b[i] = (byte) "0123456789-9".charAt(r.nextInt(12));
                            break;
                        }
                    }
                }
                default -> {
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        int n = Math.min(b.length - at, 1 + r.nextInt(16));
                        byte[] nb = new byte[b.length + n];
                        System.arraycopy(b, 0, nb, 0, at + n);
                        System.arraycopy(b, at, nb, at + n, b.length - at);
                        b = nb;
                    }
                }
            }
        }
        return b;
    }
}
