package dev.descent.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Box–Muller value {@code (float) (sqrt(-2 log u1) · cos 2πu2)} of {@link Philox#gaussian},
 * evaluated for many (u1, u2) pairs at once with the Vector API and giving exactly the same bits as
 * the scalar formula with {@link StrictMath#log}, {@link StrictMath#cos} and {@link StrictMath#sin}.
 *
 * <p>Why the bits agree: StrictMath's log, cos and sin are the fdlibm algorithms (the JDK's
 * {@code java.lang.FdLibm} port), built only from IEEE-754 double additions, subtractions,
 * multiplications, divisions and exact bit manipulations. This class performs the same operations
 * in the same order, lane by lane (each one correctly rounded in every lane, never fused into an
 * fma), and replaces each branch by evaluating the sides that can occur and blending:
 * <ul>
 *   <li>log (fdlibm {@code __ieee754_log}) on u1 = m·2⁻²⁴, m in 1..2²⁴: always a positive normal
 *       number, so the zero, negative, subnormal and non-finite cases never occur. The separate
 *       {@code k == 0} returns of fdlibm are the general formulas with k = 0 (dk·ln2 terms are +0,
 *       and {@code 0 - (a - f)} equals {@code f - a} exactly, both for a ≠ f and for +0), and the
 *       {@code f == 0} return is the |f| &lt; 2⁻²⁰ formula with f = 0, so only the |f| &lt; 2⁻²⁰
 *       and the two polynomial forms (selected by {@code i > 0}) remain;</li>
 *   <li>cos 2πu2: u2 = q·2⁻²⁴ is reduced by quarter turns as in {@code Philox.cosTwoPi}
 *       (t = 4u2, k = round(t), exact; r = (t − k)·π/2, one rounding), so |r| ≤ π/4 and StrictMath
 *       calls fdlibm's {@code __kernel_cos(r, 0)} and {@code __kernel_sin(r, 0, 0)} without argument
 *       reduction. In {@code __kernel_cos} the |r| &lt; 0.3 branch is the other branch with qx = 0
 *       (1 − 0 and ½z − 0 are exact), and the x·y correction term is ±0, which changes neither
 *       z·r ≠ 0 nor, at r = 0, the +0 of 0 − (±0). The |x| &lt; 2⁻²⁷ early returns only apply at
 *       r = 0, where the polynomials give the same 1 and +0.</li>
 * </ul>
 * The work is done a piece of {@value #PIECE} values at a time in four passes over per-thread
 * buffers (allocated once per thread): the Philox blocks, {@link #LANES} at a time; the uniforms
 * u1, u2 in value order; log u1 and cos 2πu2 in place; the products, rounded to float. Each pass is
 * its own loop so that the JIT compiles its vector operations to registers, not objects.
 *
 * <p>{@code BoxMullerKernelTest} checks all of this exhaustively: the vector log against
 * {@code StrictMath.log} for all 2²⁴ possible u1, the vector cos 2πu against the scalar quarter-turn
 * formula for all 2²⁴ possible u2, and whole fills against a scalar reference.
 */
final class BoxMullerKernel {
    /** Values per pass; even, and a multiple of twice the lane count. */
    static final int PIECE = 256;

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    static final int LANES = D.length();
    private static final long[] IOTA = new long[L.length()];

    static {
        for (int l = 0; l < IOTA.length; l++) IOTA[l] = l;
    }

    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final long WORD = 0xFFFF_FFFFL;
    /** A counter block index has 62 bits (it is the uniform index 2i shifted right by two). */
    private static final long BLOCK_MASK = 0x3FFF_FFFF_FFFF_FFFFL;

    // fdlibm __ieee754_log
    private static final double LN2_HI = 0x1.62e42feep-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double LG1 = 0x1.5555555555593p-1;
    private static final double LG2 = 0x1.999999997fa04p-2;
    private static final double LG3 = 0x1.2492494229359p-2;
    private static final double LG4 = 0x1.c71c51d8e78afp-3;
    private static final double LG5 = 0x1.7466496cb03dep-3;
    private static final double LG6 = 0x1.39a09d078c69fp-3;
    private static final double LG7 = 0x1.2f112df3e5244p-3;
    // fdlibm __kernel_sin
    private static final double S1 = -0x1.5555555555549p-3;
    private static final double S2 = 0x1.111111110f8a6p-7;
    private static final double S3 = -0x1.a01a019c161d5p-13;
    private static final double S4 = 0x1.71de357b1fe7dp-19;
    private static final double S5 = -0x1.ae5e68a2b9cebp-26;
    private static final double S6 = 0x1.5d93a5acfd57cp-33;
    // fdlibm __kernel_cos
    private static final double C1 = 0x1.555555555554cp-5;
    private static final double C2 = -0x1.6c16c16c15177p-10;
    private static final double C3 = 0x1.a01a019cb159p-16;
    private static final double C4 = -0x1.27e4f809c52adp-22;
    private static final double C5 = 0x1.1ee9ebdb4b1c4p-29;
    private static final double C6 = -0x1.8fae9be8838d4p-37;

    /** Per-thread buffers: the four words of each block of a piece, then u1 and u2 (overwritten by log u1, cos 2πu2). */
    private static final class Scratch {
        static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
        final long[] w0 = new long[PIECE / 2];
        final long[] w1 = new long[PIECE / 2];
        final long[] w2 = new long[PIECE / 2];
        final long[] w3 = new long[PIECE / 2];
        final double[] u1 = new double[PIECE];
        final double[] u2 = new double[PIECE];
    }

    /** Values requested from the scalar path before the vector path is warmed up (about 35 ms of scalar work). */
    private static final long WARM_UP_AFTER = 1 << 20;
    /** A warm-up pass counts as compiled below this time per value (the scalar formula takes about 35 ns). */
    private static final long COMPILED_NS_PER_VALUE = 20;
    /** Give up (and keep the scalar formula) if the kernel is not fast by then, e.g. without AVX-512's 64-bit conversions. */
    private static final long WARM_UP_LIMIT_NS = 15_000_000_000L;
    private static final AtomicBoolean warmUpStarted = new AtomicBoolean();
    private static volatile boolean compiled;
    /**
     * Values requested so far, a plain field on purpose: threads racing on it can lose each other's
     * additions, which only delays the start of the warm-up (the compare-and-set on
     * {@link #warmUpStarted} still starts it once), and the scalar path pays no synchronisation.
     */
    private static long requested;

    private BoxMullerKernel() {}

    /**
     * Whether a caller should take the vector path for {@code n} more values. Until the JIT has
     * compiled them, Vector API operations run as allocating library calls, a thousand times slower
     * than the scalar formula, and a process would spend a second or two reaching that point. So
     * callers use the scalar formula (same bits) while a daemon thread, started once a million
     * values have been asked for, runs the kernel until it is compiled and fast; from then on this
     * returns true. A process that never asks for many values never starts it.
     */
    static boolean ready(int n) {
        if (compiled) return true;
        requested += n;
        if (requested >= WARM_UP_AFTER && warmUpStarted.compareAndSet(false, true)) {
            Thread t = new Thread(BoxMullerKernel::warmUp, "descent-gaussian-warm-up");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
        return false;
    }

    /** Runs the kernel (with partial pieces and masked tails) until five passes in a row are fast. */
    private static void warmUp() {
        float[] out = new float[4 * PIECE];
        long deadline = System.nanoTime() + WARM_UP_LIMIT_NS;
        int fast = 0;
        for (int round = 0; fast < 5 && System.nanoTime() < deadline; round++) {
            int n = out.length - round % (2 * LANES + 1);
            long t0 = System.nanoTime();
            fill(round, ~round, 0, 0, out, 0, n, 0);
            fast = System.nanoTime() - t0 < COMPILED_NS_PER_VALUE * n ? fast + 1 : 0;
        }
        compiled = fast >= 5;
    }

    /** Whether the vector path is compiled and in use (for tests). */
    static boolean compiled() {
        return compiled;
    }

    /**
     * {@code out[off + j] = Philox.gaussian(start + j)} for j &lt; n, of the stream with key
     * (key0, key1) and purpose (purpose0, purpose1). {@code start} must be even, so that values
     * start + 2m and start + 2m + 1 come from words 0, 1 and words 2, 3 of block (2·start)/4 + m.
     */
    static void fill(int key0, int key1, int purpose0, int purpose1, float[] out, int off, int n, long start) {
        Scratch s = Scratch.CURRENT.get();
        long firstBlock = (2 * start) >>> 2;
        for (int done = 0; done < n; done += PIECE) {
            int len = Math.min(PIECE, n - done);
            int blocks = (len + 1) / 2;
            encrypt(key0, key1, purpose0, purpose1, firstBlock + done / 2, blocks, s.w0, s.w1, s.w2, s.w3);
            for (int m = 0; m < blocks; m++) {
                // as Philox.boxMuller: u1 = ((a >>> 8) + 1)·2^-24 in (0, 1], u2 = (b >>> 8)·2^-24
                s.u1[2 * m] = ((s.w0[m] >>> 8) + 1) * 0x1.0p-24;
                s.u2[2 * m] = (s.w1[m] >>> 8) * 0x1.0p-24;
                s.u1[2 * m + 1] = ((s.w2[m] >>> 8) + 1) * 0x1.0p-24;
                s.u2[2 * m + 1] = (s.w3[m] >>> 8) * 0x1.0p-24;
            }
            boxMuller(s.u1, s.u2, out, off + done, len);
        }
    }

    /**
     * {@code out[off + j] = (float) (Math.sqrt(-2.0 * StrictMath.log(u1[j])) * cosTwoPi(u2[j]))} for
     * j &lt; n, overwriting u1 and u2. The arrays must have n rounded up to a multiple of
     * {@link #LANES} entries (the extra ones are evaluated and discarded).
     */
    static void boxMuller(double[] u1, double[] u2, float[] out, int off, int n) {
        log(u1, n);
        cosTwoPi(u2, n);
        for (int j = 0; j < n; j += LANES) {
            DoubleVector radius = DoubleVector.fromArray(D, u1, j).mul(-2.0).sqrt();
            DoubleVector z = radius.mul(DoubleVector.fromArray(D, u2, j));
            FloatVector f = (FloatVector) z.convertShape(VectorOperators.D2F, F, 0);
            if (j + LANES <= n) f.intoArray(out, off + j);
            else f.intoArray(out, off + j, F.indexInRange(j, n));
        }
    }

    /**
     * Philox-4x32-10 of blocks {@code first + m} (modulo 2⁶²), m &lt; blocks, {@link #LANES} at a time,
     * with the 32-bit words held unsigned in 64-bit lanes: word w of block m goes to {@code ww[m]}.
     * The arrays must have {@code blocks} rounded up to a multiple of the lane count entries.
     */
    static void encrypt(int key0, int key1, int purpose0, int purpose1, long first, int blocks,
                        long[] w0, long[] w1, long[] w2, long[] w3) {
        LongVector iota = LongVector.fromArray(L, IOTA, 0);
        for (int m = 0; m < blocks; m += L.length()) {
            LongVector block = iota.add(first + m).and(BLOCK_MASK);
            LongVector c0 = block.and(WORD);
            LongVector c1 = block.lanewise(VectorOperators.LSHR, 32);
            LongVector c2 = LongVector.broadcast(L, purpose0 & WORD);
            LongVector c3 = LongVector.broadcast(L, purpose1 & WORD);
            int k0 = key0;
            int k1 = key1;
            for (int r = 0; r < 10; r++) {
                LongVector p0 = c0.mul(M0);
                LongVector p1 = c2.mul(M1);
                c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1.lanewise(VectorOperators.XOR, k0 & WORD));
                c1 = p1.and(WORD);
                c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3.lanewise(VectorOperators.XOR, k1 & WORD));
                c3 = p0.and(WORD);
                k0 += W0;
                k1 += W1;
            }
            c0.intoArray(w0, m);
            c1.intoArray(w1, m);
            c2.intoArray(w2, m);
            c3.intoArray(w3, m);
        }
    }

    /**
     * {@code x[j] = StrictMath.log(x[j])} for x = m·2⁻²⁴, m in 1..2²⁴ (fdlibm {@code __ieee754_log},
     * see the class comment), for j below n rounded up to a multiple of {@link #LANES}.
     */
    static void log(double[] xs, int n) {
        for (int j = 0; j < n; j += LANES) {
            DoubleVector x = DoubleVector.fromArray(D, xs, j);
            LongVector bits = x.reinterpretAsLongs();
            LongVector high = bits.lanewise(VectorOperators.LSHR, 32);
            LongVector hx = high.and(0x000f_ffffL);
            LongVector i = hx.add(0x9_5f64L).and(0x10_0000L);
            // k = exponent, plus one when x is normalised to x/2 (mantissa ≥ √2)
            LongVector k = high.lanewise(VectorOperators.LSHR, 20).sub(1023).add(i.lanewise(VectorOperators.LSHR, 20));
            DoubleVector normalised = bits.and(0xffff_ffffL)
                    .or(hx.or(i.lanewise(VectorOperators.XOR, 0x3ff0_0000L)).lanewise(VectorOperators.LSHL, 32))
                    .reinterpretAsDoubles();
            DoubleVector f = normalised.sub(1.0);
            DoubleVector dk = (DoubleVector) k.convert(VectorOperators.L2D, 0);
            DoubleVector dkHi = dk.mul(LN2_HI);
            DoubleVector dkLo = dk.mul(LN2_LO);

            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector t1 = w.mul(w.mul(w.mul(LG6).add(LG4)).add(LG2));
            DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(LG7).add(LG5)).add(LG3)).add(LG1));
            DoubleVector r = t2.add(t1);
            DoubleVector hfsq = f.mul(0.5).mul(f);
            // i > 0: dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f)
            DoubleVector withHfsq = dkHi.sub(hfsq.sub(s.mul(hfsq.add(r)).add(dkLo)).sub(f));
            // otherwise: dk·ln2_hi − ((s·(f − R) − dk·ln2_lo) − f)
            DoubleVector withoutHfsq = dkHi.sub(s.mul(f.sub(r)).sub(dkLo).sub(f));
            VectorMask<Long> useHfsq = hx.sub(0x6_147aL).or(hx.neg().add(0x6b851L)).compare(VectorOperators.GT, 0);
            DoubleVector result = withoutHfsq.blend(withHfsq, useHfsq.cast(D));

            // |f| < 2^-20: R = f·f·(0.5 − 0.33333333333333333·f); dk·ln2_hi − ((R − dk·ln2_lo) − f)
            DoubleVector tinyR = f.mul(f).mul(DoubleVector.broadcast(D, 0.5).sub(f.mul(0.33333333333333333)));
            DoubleVector tiny = dkHi.sub(tinyR.sub(dkLo).sub(f));
            VectorMask<Long> isTiny = hx.add(2).and(0x000f_ffffL).compare(VectorOperators.LT, 3);
            result.blend(tiny, isTiny.cast(D)).intoArray(xs, j);
        }
    }

    /**
     * {@code u[j] = cos(2π·u[j])} for u = q·2⁻²⁴ in [0, 1), exactly as {@code Philox.cosTwoPi}:
     * quarter-turn reduction, then fdlibm's {@code __kernel_cos} or {@code __kernel_sin} (see the
     * class comment), for j below n rounded up to a multiple of {@link #LANES}.
     */
    static void cosTwoPi(double[] us, int n) {
        for (int j = 0; j < n; j += LANES) {
            DoubleVector t = DoubleVector.fromArray(D, us, j).mul(4.0);
            // Math.round(t) = ⌊t + ½⌋; t + ½ is exact here and positive, so truncation is the floor
            LongVector k = (LongVector) t.add(0.5).convert(VectorOperators.D2L, 0);
            DoubleVector r = t.sub((DoubleVector) k.convert(VectorOperators.L2D, 0)).mul(Math.PI / 2);
            DoubleVector z = r.mul(r);

            DoubleVector cr = z.mul(z.mul(z.mul(z.mul(z.mul(z.mul(C6).add(C5)).add(C4)).add(C3)).add(C2)).add(C1));
            // qx: 0 below |r| = 0.3, 0.28125 above 0.78125, else |r|/4 with the low word cleared
            LongVector ix = r.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 32).and(0x7fff_ffffL);
            DoubleVector qx = ix.sub(0x0020_0000L).lanewise(VectorOperators.LSHL, 32).reinterpretAsDoubles()
                    .blend(0.28125, ix.compare(VectorOperators.GT, 0x3fe9_0000L).cast(D))
                    .blend(0.0, ix.compare(VectorOperators.LT, 0x3FD3_3333L).cast(D));
            DoubleVector cos = DoubleVector.broadcast(D, 1.0).sub(qx).sub(z.mul(0.5).sub(qx).sub(z.mul(cr)));

            DoubleVector v = z.mul(r);
            DoubleVector sr = z.mul(z.mul(z.mul(z.mul(S6).add(S5)).add(S4)).add(S3)).add(S2);
            DoubleVector sin = r.add(v.mul(z.mul(sr).add(S1)));

            // quadrant k mod 4: cos, −sin, −cos, sin
            LongVector quadrant = k.and(3);
            DoubleVector value = cos.blend(sin, quadrant.and(1).compare(VectorOperators.NE, 0).cast(D));
            value.lanewise(VectorOperators.NEG, quadrant.add(1).and(2).compare(VectorOperators.NE, 0).cast(D)).intoArray(us, j);
        }
    }
}
