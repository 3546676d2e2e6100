package dev.descent.tensor;

import java.nio.charset.StandardCharsets;

/**
 * Counter-based random numbers: Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011), the generator behind {@code torch.cuda} and JAX's
 * {@code threefry}-style keyed streams.
 *
 * <p>A stream is keyed by (seed, purpose). Value {@code i} of a stream is a pure function of
 * (seed, purpose, i): block {@code i / 4} is the 128-bit counter {@code (i/4 low, i/4 high,
 * purpose low, purpose high)} encrypted with the 64-bit key {@code seed} by ten Philox rounds, and
 * value {@code i} is word {@code i % 4} of that block. So a perturbation or a dropout mask can be
 * regenerated at any index instead of stored, work can be split across threads without changing
 * the numbers, and a resumed run continues exactly where it stopped.
 *
 * <p>Conversions: {@link #uniform} is {@code (bits >>> 8) * 2^-24} in [0, 1);
 * {@link #gaussian} uses the Box–Muller transform on the two uniforms {@code 2i} and
 * {@code 2i + 1}, with the first uniform mapped into (0, 1] so the logarithm is finite.
 * The round constants and the known-answer test vectors (checked in {@code PhiloxTest}) are those
 * of the paper's Random123 distribution.
 */
public final class Philox {
    static final int M0 = 0xD2511F53;
    static final int M1 = 0xCD9E8D57;
    static final int W0 = 0x9E3779B9;
    static final int W1 = 0xBB67AE85;

    final int key0;
    final int key1;
    final int purpose0;
    final int purpose1;

    private Philox(long seed, long purpose) {
        this.key0 = (int) seed;
        this.key1 = (int) (seed >>> 32);
        this.purpose0 = (int) purpose;
        this.purpose1 = (int) (purpose >>> 32);
    }

    /** The stream keyed by {@code seed} and a numeric purpose. */
    public static Philox stream(long seed, long purpose) {
        return new Philox(seed, purpose);
    }

    /** The stream keyed by {@code seed} and a named purpose ("init/transformer.wte.weight", "data/train", …). */
    public static Philox stream(long seed, String purpose) {
        return new Philox(seed, hash(purpose));
    }

    /** A derived stream: the same seed, the purpose mixed with a number (a step, a query index, …). */
    public Philox derive(long n) {
        long p = ((long) purpose1 << 32) | (purpose0 & 0xFFFFFFFFL);
        return new Philox(((long) key1 << 32) | (key0 & 0xFFFFFFFFL), mix(p, n));
    }

    /** 64-bit FNV-1a of the UTF-8 bytes, then a SplitMix64 finaliser so nearby names spread out. */
    public static long hash(String purpose) {
        long h = 0xcbf29ce484222325L;
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001b3L;
        }
        return finalise(h);
    }

    private static long mix(long a, long b) {
        return finalise(a ^ finalise(b + 0x9E3779B97F4A7C15L));
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The four 32-bit words of block {@code block}, written to {@code out[0..3]}. */
    public void block(long block, int[] out) {
        philox(block, out);
    }

    /** The raw 32-bit value at index {@code i}. */
    public int bits(long i) {
        int[] w = new int[4];
        philox(i >>> 2, w);
        return w[(int) (i & 3)];
    }

    /** Uniform in [0, 1) at index {@code i}. */
    public float uniform(long i) {
        return toUniform(bits(i));
    }

    /** Standard normal at index {@code i} (uses uniforms 2i and 2i+1). */
    public float gaussian(long i) {
        int[] w = new int[4];
        long u = 2 * i;
        philox(u >>> 2, w);
        int lane = (int) (u & 3);
        return boxMuller(w[lane], w[lane + 1]);
    }

    /** Fills {@code out[off, off+n)} with uniforms at indices {@code start, start+1, …}. */
    public void fillUniform(float[] out, int off, int n, long start) {
        fillUniform(out, off, n, start, new int[4]);
    }

    /** {@link #fillUniform(float[], int, int, long)} with a caller's 4-word scratch, for loops that must not allocate. */
    public void fillUniform(float[] out, int off, int n, long start, int[] w) {
        int j = 0;
        // up to the first index that starts a block
        for (; j < n && ((start + j) & 3) != 0; j++) out[off + j] = toUniform(bits(start + j, w));
        // Whole blocks, two at a time: the words go straight to values, the counters stay in
        // registers, and the two blocks' rounds are independent chains the CPU overlaps (one
        // block's ten rounds are a chain of dependent multiplies, latency-bound on its own).
        final int k0 = key0, k1 = key1, p0 = purpose0, p1 = purpose1;
        for (; j + 8 <= n; j += 8) {
            long block = (start + j) >>> 2;
            int a0 = (int) block, a1 = (int) (block >>> 32), a2 = p0, a3 = p1;
            int b0 = (int) (block + 1), b1 = (int) ((block + 1) >>> 32), b2 = p0, b3 = p1;
            int ka = k0, kb = k1;
            for (int r = 0; r < 10; r++) {
                long ma = (M0 & 0xFFFFFFFFL) * (a0 & 0xFFFFFFFFL);
                long na = (M1 & 0xFFFFFFFFL) * (a2 & 0xFFFFFFFFL);
                long mb = (M0 & 0xFFFFFFFFL) * (b0 & 0xFFFFFFFFL);
                long nb = (M1 & 0xFFFFFFFFL) * (b2 & 0xFFFFFFFFL);
                a0 = (int) (na >>> 32) ^ a1 ^ ka;
                a1 = (int) na;
                a2 = (int) (ma >>> 32) ^ a3 ^ kb;
                a3 = (int) ma;
                b0 = (int) (nb >>> 32) ^ b1 ^ ka;
                b1 = (int) nb;
                b2 = (int) (mb >>> 32) ^ b3 ^ kb;
                b3 = (int) mb;
                ka += W0;
                kb += W1;
            }
            out[off + j] = toUniform(a0);
            out[off + j + 1] = toUniform(a1);
            out[off + j + 2] = toUniform(a2);
            out[off + j + 3] = toUniform(a3);
            out[off + j + 4] = toUniform(b0);
            out[off + j + 5] = toUniform(b1);
            out[off + j + 6] = toUniform(b2);
            out[off + j + 7] = toUniform(b3);
        }
        for (; j < n; j++) out[off + j] = toUniform(bits(start + j, w));
    }

    /**
     * The words of {@code count} consecutive blocks from {@code first}, four per block, into
     * {@code out[0, 4·count)}: the same words as {@link #block}, two blocks' rounds interleaved (one
     * block's ten rounds are a chain of dependent multiplies; two independent chains overlap).
     */
    void blocks(long first, int count, int[] out) {
        final int k0 = key0, k1 = key1, p0 = purpose0, p1 = purpose1;
        int b = 0;
        for (; b + 2 <= count; b += 2) {
            long block = first + b;
            int a0 = (int) block, a1 = (int) (block >>> 32), a2 = p0, a3 = p1;
            int b0 = (int) (block + 1), b1 = (int) ((block + 1) >>> 32), b2 = p0, b3 = p1;
            int ka = k0, kb = k1;
            for (int r = 0; r < 10; r++) {
                long ma = (M0 & 0xFFFFFFFFL) * (a0 & 0xFFFFFFFFL);
                long na = (M1 & 0xFFFFFFFFL) * (a2 & 0xFFFFFFFFL);
                long mb = (M0 & 0xFFFFFFFFL) * (b0 & 0xFFFFFFFFL);
                long nb = (M1 & 0xFFFFFFFFL) * (b2 & 0xFFFFFFFFL);
                a0 = (int) (na >>> 32) ^ a1 ^ ka;
                a1 = (int) na;
                a2 = (int) (ma >>> 32) ^ a3 ^ kb;
                a3 = (int) ma;
                b0 = (int) (nb >>> 32) ^ b1 ^ ka;
                b1 = (int) nb;
                b2 = (int) (mb >>> 32) ^ b3 ^ kb;
                b3 = (int) mb;
                ka += W0;
                kb += W1;
            }
            int o = 4 * b;
            out[o] = a0;
            out[o + 1] = a1;
            out[o + 2] = a2;
            out[o + 3] = a3;
            out[o + 4] = b0;
            out[o + 5] = b1;
            out[o + 6] = b2;
            out[o + 7] = b3;
        }
        if (b < count) philox(first + b, out, 4 * b);
    }

    /** The 32-bit value at index {@code i}, using the caller's four-word scratch. */
    private int bits(long i, int[] w) {
        philox(i >>> 2, w);
        return w[(int) (i & 3)];
    }

    /** Fills {@code out[off, off+n)} with standard normals at indices {@code start, start+1, …}. */
    public void fillGaussian(float[] out, int off, int n, long start) {
        fillGaussian(out, off, n, start, new int[4]);
    }

    /**
     * {@link #fillGaussian(float[], int, int, long)} with the caller's four-word scratch {@code w},
     * so that kernels calling it for every chunk of a long vector allocate nothing.
     */
    public void fillGaussian(float[] out, int off, int n, long start, int[] w) {
        long block = -1;
        for (int j = 0; j < n; j++) {
            long u = 2 * (start + j);
            if ((u >>> 2) != block) {
                block = u >>> 2;
                philox(block, w);
            }
            int lane = (int) (u & 3);
            out[off + j] = boxMuller(w[lane], w[lane + 1]);
        }
    }

    /** A uniform integer in [0, bound) at index {@code i} (Lemire's multiply-shift; bias below 2^-32 · bound). */
    public int nextInt(long i, int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) (((bits(i) & 0xFFFFFFFFL) * bound) >>> 32);
    }

    /**
     * A random permutation of 0..n−1 by Fisher–Yates: starting from the identity, for i = n−1 down to
     * 1, position i swaps with position {@code nextInt(i, i + 1)} (uniform in [0, i]).
     */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i, i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static float toUniform(int bits) {
        return (bits >>> 8) * 0x1.0p-24f;
    }

    static float boxMuller(int a, int b) {
        double u1 = ((a >>> 8) + 1) * 0x1.0p-24; // (0, 1]
        double u2 = (b >>> 8) * 0x1.0p-24;
        return (float) (Math.sqrt(-2.0 * StrictMath.log(u1)) * cosTwoPi(u2));
    }

    /**
     * cos(2πu) for u in [0, 1), reduced by quarter turns to |r| ≤ π/4 first: StrictMath's cos and sin
     * need no argument reduction there (which in the JDK's port allocates a scratch array per call).
     */
    static double cosTwoPi(double u) {
        double t = 4.0 * u;
        long k = Math.round(t);
        double r = (t - k) * (Math.PI / 2);
        return switch ((int) (k & 3)) {
            case 0 -> StrictMath.cos(r);
            case 1 -> -StrictMath.sin(r);
            case 2 -> -StrictMath.cos(r);
            default -> StrictMath.sin(r);
        };
    }

    private void philox(long block, int[] out) {
        philox(block, out, 0);
    }

    /** The four words of block {@code block} into {@code out[o, o + 4)}. */
    private void philox(long block, int[] out, int o) {
        int c0 = (int) block;
        int c1 = (int) (block >>> 32);
        int c2 = purpose0;
        int c3 = purpose1;
        int k0 = key0;
        int k1 = key1;
        for (int r = 0; r < 10; r++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
            k0 += W0;
            k1 += W1;
        }
        out[o] = c0;
        out[o + 1] = c1;
        out[o + 2] = c2;
        out[o + 3] = c3;
    }

    /** Philox-4x32-10 on an explicit counter and key; for known-answer tests. */
    static int[] raw(int[] counter, int[] key) {
        Philox p = new Philox(((long) key[1] << 32) | (key[0] & 0xFFFFFFFFL),
                ((long) counter[3] << 32) | (counter[2] & 0xFFFFFFFFL));
        int[] out = new int[4];
        p.philox(((long) counter[1] << 32) | (counter[0] & 0xFFFFFFFFL), out);
        return out;
    }
}
