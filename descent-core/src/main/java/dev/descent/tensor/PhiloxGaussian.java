package dev.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The standard normals of a {@link Philox} stream, many at a time, bit-identical to
 * {@link Philox#gaussian}: value i is {@code (float) (√(−2·log u₁) · cos(2π u₂))} with
 * u₁ = ((w₀ ⋙ 8) + 1)·2⁻²⁴ and u₂ = (w₁ ⋙ 8)·2⁻²⁴ from words (2i mod 4, 2i mod 4 + 1) of block ⌊i/2⌋,
 * log being fdlibm's {@code __ieee754_log} and cos(2πu) fdlibm's {@code __kernel_cos}/{@code
 * __kernel_sin} after the quarter-turn reduction of {@code Philox.cosTwoPi}.
 *
 * <p><b>Why the same bits.</b> {@link StrictMath#log}, {@link StrictMath#cos} and {@link
 * StrictMath#sin} are Java ports of fdlibm: a few exact bit manipulations, then additions,
 * multiplications and one division in float64, each correctly rounded. This class runs the very same
 * operations, in the same order, on {@link DoubleVector} lanes; where fdlibm branches, both sides are
 * computed and the lane picks the side fdlibm would take. Every lane operation used (add, sub, mul,
 * div, sqrt, negation, blends, comparisons, exact integer↔double conversions, bit operations) is
 * defined exactly by IEEE 754 or by two's-complement arithmetic, so the results are the same whether
 * the Vector API runs as compiled intrinsics or as its Java fallback (no lane-wise LOG/COS, whose
 * intrinsics differ from their fallbacks in the last bits; see {@link VectorMath}). Three
 * simplifications of fdlibm's branches are exact for these inputs and are spelled out where they
 * are made. {@code PhiloxGaussianTest} checks the claim on every possible u₁ and every possible u₂
 * (2²⁴ each) against {@link StrictMath}, and on whole streams against {@link Philox#gaussian}.
 *
 * <p><b>Speed and allocation.</b> The Philox rounds run on as many blocks as a {@code LongVector}
 * has lanes (integer arithmetic, exact in any mode), the transcendental part runs {@code DoubleVector.SPECIES_PREFERRED.length()} values per
 * operation. All vectors live inside {@code uniforms} and {@link #transform} (no vector crosses a call), so
 * the JIT never needs to box them, however the callers are inlined. An instance holds its scratch
 * arrays and allocates nothing afterwards; it is not thread-safe: each thread that generates uses
 * its own (an optimizer keeps one per chunk of its parallel passes). The scratch grows on first use
 * to the longest fill asked for, at most {@link #CHUNK} values.
 */
public final class PhiloxGaussian {
    /** Values generated per inner round (the scratch size). */
    public static final int CHUNK = 1024;

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    /** Scatter map: lane i to index 2i (values of one parity). */
    private static final int[] EVEN = java.util.stream.IntStream.range(0, L.length()).map(i -> 2 * i).toArray();

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
    // fdlibm __kernel_cos
    private static final double C1 = 0x1.555555555554cp-5;
    private static final double C2 = -0x1.6c16c16c15177p-10;
    private static final double C3 = 0x1.a01a019cb159p-16;
    private static final double C4 = -0x1.27e4f809c52adp-22;
    private static final double C5 = 0x1.1ee9ebdb4b1c4p-29;
    private static final double C6 = -0x1.8fae9be8838d4p-37;
    // fdlibm __kernel_sin
    private static final double S1 = -0x1.5555555555549p-3;
    private static final double S2 = 0x1.111111110f8a6p-7;
    private static final double S3 = -0x1.a01a019c161d5p-13;
    private static final double S4 = 0x1.71de357b1fe7dp-19;
    private static final double S5 = -0x1.ae5e68a2b9cebp-26;
    private static final double S6 = 0x1.5d93a5acfd57cp-33;

    // Sized on first use to the longest fill up to CHUNK (plus one value at each end for whole
    // blocks; a one-value fill needs little).
    private int[] words = new int[0];
    private double[] u1 = new double[0];
    private double[] u2 = new double[0];
    private double[] normal = new double[0];

    /** Writes {@code stream.gaussian(start + j)} into {@code out[off + j]} for j in [0, n); allocates nothing. */
    public void fill(Philox stream, float[] out, int off, int n, long start) {
        for (int done = 0; done < n; done += CHUNK) {
            int len = Math.min(CHUNK, n - done);
            long from = start + done;
            int values = uniforms(stream, len, from);
            transform(u1, u2, normal, values);
            int shift = (int) (from & 1); // the whole blocks start one value early when from is odd
            for (int j = 0; j < len; j++) out[off + done + j] = (float) normal[shift + j];
        }
    }

    /**
     * u₁ (in (0, 1]) and u₂ (in [0, 1)) of the values of whole blocks ⌊start/2⌋ … ⌊(start + len − 1)/2⌋
     * into the scratch arrays (value 2·⌊start/2⌋ + j at index j); returns the number of values.
     * Blocks go {@link #L} at a time through lane-wise Philox rounds: 32-bit words held unsigned in
     * 64-bit lanes, where the 32×32→64 products and the xors are exact integer arithmetic, so the words
     * are those of {@link Philox#block} in any execution mode.
     */
    private int uniforms(Philox stream, int len, long start) {
        long first = start >>> 1;
        int blocks = (int) (((start + len - 1) >>> 1) - first + 1);
        if (u1.length < 2 * blocks) {
            words = new int[4 * blocks];
            u1 = new double[2 * blocks];
            u2 = new double[2 * blocks];
            normal = new double[2 * blocks];
        }
        int b = 0;
        long mask = 0xFFFF_FFFFL;
        LongVector m0 = LongVector.broadcast(L, Philox.M0 & mask);
        LongVector m1 = LongVector.broadcast(L, Philox.M1 & mask);
        LongVector lane = LongVector.zero(L).addIndex(1);
        for (int bound = L.loopBound(blocks); b < bound; b += L.length()) {
            LongVector block = lane.add(first + b);
            LongVector c0 = block.and(mask);
            LongVector c1 = block.lanewise(VectorOperators.LSHR, 32);
            LongVector c2 = LongVector.broadcast(L, stream.purpose0 & mask);
            LongVector c3 = LongVector.broadcast(L, stream.purpose1 & mask);
            int k0 = stream.key0, k1 = stream.key1;
            for (int r = 0; r < 10; r++) {
                LongVector p0 = c0.mul(m0);
                LongVector p1 = c2.mul(m1);
                c0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k0 & mask);
                c1 = p1.and(mask);
                c2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k1 & mask);
                c3 = p0.and(mask);
                k0 += Philox.W0;
                k1 += Philox.W1;
            }
            // value 2b uses words 0 and 1 of block b, value 2b + 1 words 2 and 3; u₁ = ((w ⋙ 8) + 1)·2⁻²⁴,
            // u₂ = (w ⋙ 8)·2⁻²⁴, exact (written out here so that no vector crosses a call)
            ((DoubleVector) c0.lanewise(VectorOperators.LSHR, 8).add(1L).convert(VectorOperators.L2D, 0)).mul(0x1.0p-24).intoArray(u1, 2 * b, EVEN, 0);
            ((DoubleVector) c1.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.L2D, 0)).mul(0x1.0p-24).intoArray(u2, 2 * b, EVEN, 0);
            ((DoubleVector) c2.lanewise(VectorOperators.LSHR, 8).add(1L).convert(VectorOperators.L2D, 0)).mul(0x1.0p-24).intoArray(u1, 2 * b + 1, EVEN, 0);
            ((DoubleVector) c3.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.L2D, 0)).mul(0x1.0p-24).intoArray(u2, 2 * b + 1, EVEN, 0);
        }
        if (b < blocks) {
            stream.blocks(first + b, blocks - b, words);
            for (int t = 0; t < blocks - b; t++) {
                int j = 2 * (b + t);
                u1[j] = ((words[4 * t] >>> 8) + 1) * 0x1.0p-24;
                u2[j] = (words[4 * t + 1] >>> 8) * 0x1.0p-24;
                u1[j + 1] = ((words[4 * t + 2] >>> 8) + 1) * 0x1.0p-24;
                u2[j + 1] = (words[4 * t + 3] >>> 8) * 0x1.0p-24;
            }
        }
        return 2 * blocks;
    }

    /**
     * normal[j] = √(−2·log u₁[j]) · cos(2π u₂[j]) in float64 for j in [0, n), with fdlibm's log, cos and
     * sin evaluated lane-wise (the last n mod lanes values by the scalar formula, which is the same).
     */
    static void transform(double[] u1, double[] u2, double[] normal, int n) {
        int j = 0;
        for (int bound = D.loopBound(n); j < bound; j += D.length()) {
            // ---- log u1: fdlibm __ieee754_log for a positive normal x (u1 ≥ 2⁻²⁴, so no subnormal,
            // zero, negative, infinite or NaN branch is reachable).
            DoubleVector x = DoubleVector.fromArray(D, u1, j);
            LongVector bits = x.reinterpretAsLongs();
            LongVector hx = bits.lanewise(VectorOperators.LSHR, 32);
            LongVector k = hx.lanewise(VectorOperators.ASHR, 20).sub(1023L);
            LongVector m = hx.and(0x000f_ffffL);
            LongVector i = m.add(0x9_5f64L).and(0x10_0000L);
            LongVector high = m.or(i.lanewise(VectorOperators.XOR, 0x3ff0_0000L));
            DoubleVector xn = bits.and(0xFFFF_FFFFL).or(high.lanewise(VectorOperators.LSHL, 32)).reinterpretAsDoubles();
            k = k.add(i.lanewise(VectorOperators.ASHR, 20));
            DoubleVector f = xn.sub(1.0);
            DoubleVector dk = (DoubleVector) k.convert(VectorOperators.L2D, 0);
            DoubleVector dkHi = dk.mul(LN2_HI);
            DoubleVector dkLo = dk.mul(LN2_LO);
            // |f| < 2⁻²⁰: fdlibm returns 0 (f = 0, k = 0), dk·ln2_hi + dk·ln2_lo (f = 0), f − R (k = 0) or
            // dk·ln2_hi − ((R − dk·ln2_lo) − f). The last form gives the other three bit for bit: with
            // f = 0, R = 0 and x − (−y) = x + y; with k = 0, dk = +0, so 0 − ((R − 0) − f) = −(R − f)
            // = f − R (rounding to nearest is symmetric, and 0 − (+0) = +0 = f − R when R = f).
            VectorMask<Double> tiny = m.add(2L).and(0x000f_ffffL).compare(VectorOperators.LT, 3L).cast(D);
            DoubleVector rTiny = f.mul(f).mul(DoubleVector.broadcast(D, 0.5).sub(f.mul(0.33333333333333333)));
            DoubleVector logTiny = dkHi.sub(rTiny.sub(dkLo).sub(f));
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector t1 = w.mul(w.mul(w.mul(LG6).add(LG4)).add(LG2));
            DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(LG7).add(LG5)).add(LG3)).add(LG1));
            LongVector side = m.sub(0x6_147aL).or(LongVector.broadcast(L, 0x6b851L).sub(m));
            VectorMask<Double> upper = side.compare(VectorOperators.GT, 0L).cast(D);
            DoubleVector r = t2.add(t1);
            DoubleVector hfsq = f.mul(0.5).mul(f);
            // fdlibm's k = 0 forms (f − (hfsq − s(hfsq + R)) and f − s(f − R)) equal these with dk = +0,
            // by the same argument as above (s ≠ 0 here, so adding dk·ln2_lo = +0 is exact).
            DoubleVector logUpper = dkHi.sub(hfsq.sub(s.mul(hfsq.add(r)).add(dkLo)).sub(f));
            DoubleVector logLower = dkHi.sub(s.mul(f.sub(r)).sub(dkLo).sub(f));
            DoubleVector log = logLower.blend(logUpper, upper).blend(logTiny, tiny);
            DoubleVector radius = log.mul(-2.0).lanewise(VectorOperators.SQRT);

            // ---- cos 2πu2: t = 4u2, kq = round(t) (= floor(t + 0.5), exact: t has 24 significant
            // bits), ρ = (t − kq)·π/2 with |ρ| ≤ π/4, so StrictMath's cos and sin go straight to the kernels.
            DoubleVector t = DoubleVector.fromArray(D, u2, j).mul(4.0);
            LongVector kq = (LongVector) t.add(0.5).convert(VectorOperators.D2L, 0);
            DoubleVector rho = t.sub((DoubleVector) kq.convert(VectorOperators.L2D, 0)).mul(Math.PI / 2);
            LongVector ix = rho.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 32).and(0x7fff_ffffL);
            VectorMask<Double> negligible = ix.compare(VectorOperators.LT, 0x3e40_0000L).cast(D);
            DoubleVector zz = rho.mul(rho);
            // __kernel_cos(ρ, 0)
            DoubleVector rc = zz.mul(zz.mul(zz.mul(zz.mul(zz.mul(zz.mul(C6).add(C5)).add(C4)).add(C3)).add(C2)).add(C1));
            DoubleVector inner = zz.mul(rc).sub(rho.mul(0.0));
            DoubleVector one = DoubleVector.broadcast(D, 1.0);
            DoubleVector cosNear = one.sub(zz.mul(0.5).sub(inner));
            DoubleVector qx = ix.sub(0x0020_0000L).lanewise(VectorOperators.LSHL, 32).reinterpretAsDoubles()
                    .blend(0.28125, ix.compare(VectorOperators.GT, 0x3fe9_0000L).cast(D));
            DoubleVector cosFar = one.sub(qx).sub(zz.mul(0.5).sub(qx).sub(inner));
            DoubleVector cos = cosFar.blend(cosNear, ix.compare(VectorOperators.LT, 0x3FD3_3333L).cast(D)).blend(1.0, negligible);
            // __kernel_sin(ρ, 0, 0)
            DoubleVector v = zz.mul(rho);
            DoubleVector rs = zz.mul(zz.mul(zz.mul(zz.mul(S6).add(S5)).add(S4)).add(S3)).add(S2);
            DoubleVector sin = rho.add(v.mul(zz.mul(rs).add(S1))).blend(rho, negligible);
            // quarter turn kq mod 4: cos, −sin, −cos, sin
            LongVector quadrant = kq.and(3L);
            DoubleVector c = cos.blend(sin, quadrant.and(1L).compare(VectorOperators.NE, 0L).cast(D));
            VectorMask<Double> negative = quadrant.compare(VectorOperators.EQ, 1L).or(quadrant.compare(VectorOperators.EQ, 2L)).cast(D);
            c = c.blend(c.neg(), negative);
            radius.mul(c).intoArray(normal, j);
        }
        for (; j < n; j++) normal[j] = Math.sqrt(-2.0 * StrictMath.log(u1[j])) * Philox.cosTwoPi(u2[j]);
    }
}
