package dev.descent.tensor;

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
 * {@code BoxMullerKernelTest} checks all of this exhaustively: the vector log against
 * {@code StrictMath.log} for all 2²⁴ possible u1, the vector cos 2πu against the scalar quarter-turn
 * formula for all 2²⁴ possible u2, and whole fills against a scalar reference.
 */
final class BoxMullerKernel {
    /** Pairs evaluated per pass; the caller's scratch holds this many u1 and u2. */
    static final int PIECE = 512;

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    static final int LANES = D.length();

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

    private BoxMullerKernel() {}

    /**
     * {@code out[off + j] = (float) (Math.sqrt(-2.0 * StrictMath.log(u1[j])) * cosTwoPi(u2[j]))} for
     * j &lt; n. u1[j] must be in (0, 1] and u2[j] in [0, 1), both multiples of 2⁻²⁴; the arrays must
     * hold at least n rounded up to a multiple of {@link #LANES} entries, and the padding must hold
     * values of the same kind (they are evaluated and discarded).
     */
    static void fill(double[] u1, double[] u2, float[] out, int off, int n) {
        int full = n - n % LANES;
        int j = 0;
        for (; j < full; j += LANES) value(u1, u2, j).intoArray(out, off + j);
        if (j < n) value(u1, u2, j).intoArray(out, off + j, F.indexInRange(j, n));
    }

    private static FloatVector value(double[] u1, double[] u2, int j) {
        DoubleVector radius = log(DoubleVector.fromArray(D, u1, j)).mul(-2.0).sqrt();
        DoubleVector z = radius.mul(cosTwoPi(DoubleVector.fromArray(D, u2, j)));
        return (FloatVector) z.convertShape(VectorOperators.D2F, F, 0);
    }

    /** StrictMath.log(x) for x = m·2⁻²⁴, m in 1..2²⁴ (fdlibm {@code __ieee754_log}, see the class comment). */
    static DoubleVector log(DoubleVector x) {
        LongVector bits = x.reinterpretAsLongs();
        LongVector high = bits.lanewise(VectorOperators.LSHR, 32);
        LongVector hx = high.and(0x000f_ffffL);
        LongVector i = hx.add(0x9_5f64L).and(0x10_0000L);
        // k = exponent, plus one when x is normalised to x/2 (mantissa ≥ √2)
        LongVector k = high.lanewise(VectorOperators.ASHR, 20).sub(1023).add(i.lanewise(VectorOperators.LSHR, 20));
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
        return result.blend(tiny, isTiny.cast(D));
    }

    /**
     * cos(2πu) for u = q·2⁻²⁴ in [0, 1), exactly as {@code Philox.cosTwoPi}: quarter-turn reduction,
     * then fdlibm's {@code __kernel_cos} or {@code __kernel_sin} (see the class comment).
     */
    static DoubleVector cosTwoPi(DoubleVector u) {
        DoubleVector t = u.mul(4.0);
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
        return value.lanewise(VectorOperators.NEG, quadrant.add(1).and(2).compare(VectorOperators.NE, 0).cast(D));
    }
}
