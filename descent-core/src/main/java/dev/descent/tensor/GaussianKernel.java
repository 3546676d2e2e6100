package dev.descent.tensor;

/**
 * The Box–Muller value of {@link Philox#gaussian}, {@code (float) (sqrt(-2 log u1) · cos 2πu2)} with
 * u1 = (a >>> 8) + 1) · 2⁻²⁴ and u2 = (b >>> 8) · 2⁻²⁴, computed without branches and giving exactly
 * the bits of the formula with {@link StrictMath#log}, {@link StrictMath#cos} and {@link StrictMath#sin}.
 *
 * <p>Why: in the library form each value takes a log, then one of four quarter-turn cases
 * (cos, −sin, −cos, sin) chosen by random bits, and fdlibm's log itself branches three ways on
 * random mantissa bits, so about one branch in two is mispredicted. Here every case that can occur
 * is evaluated and the result selected, in plain {@code double} arithmetic: no Vector API, so
 * nothing is ever boxed or allocated, whatever the JIT compiles or inlines, in any tier.
 *
 * <p>Why the bits agree: StrictMath's log, cos and sin are the fdlibm algorithms (the JDK's
 * {@code java.lang.FdLibm} port), built only from correctly rounded double operations and exact
 * bit manipulations; Java never fuses them into fma. This class performs the same operations in
 * the same order and replaces each branch by a selection:
 * <ul>
 *   <li>log (fdlibm {@code __ieee754_log}) on u1 = m·2⁻²⁴, m in 1..2²⁴: always a positive normal
 *       number, so the zero, negative, subnormal and non-finite cases never occur. The separate
 *       {@code k == 0} returns of fdlibm are the general formulas with k = 0 (dk·ln2 terms are +0,
 *       and {@code 0 - (a - f)} equals {@code f - a} exactly, both for a ≠ f and for +0), and the
 *       {@code f == 0} return is the |f| &lt; 2⁻²⁰ formula with f = 0, so only the |f| &lt; 2⁻²⁰
 *       and the two polynomial forms (selected by {@code i > 0}) remain;</li>
 *   <li>cos 2πu2: reduced by quarter turns as in {@code Philox.cosTwoPi} (t = 4u2, k = round(t),
 *       exact; r = (t − k)·π/2, one rounding), so |r| ≤ π/4 and StrictMath calls fdlibm's
 *       {@code __kernel_cos(r, 0)} and {@code __kernel_sin(r, 0, 0)} without argument reduction. In
 *       {@code __kernel_cos} the |r| &lt; 0.3 branch is the other branch with qx = 0 (1 − 0 and
 *       ½z − 0 are exact), and the x·y correction term is ±0, which changes neither z·r ≠ 0 nor, at
 *       r = 0, the +0 of 0 − (±0). The |x| &lt; 2⁻²⁷ early returns only apply at r = 0, where the
 *       polynomials give the same 1 and +0.</li>
 * </ul>
 * {@code GaussianKernelTest} checks this exhaustively: {@link #log} against {@code StrictMath.log}
 * for all 2²⁴ possible u1, {@link #cosTwoPi} against the quarter-turn formula with StrictMath for
 * all 2²⁴ possible u2, and fills against the scalar formula.
 */
final class GaussianKernel {
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

    private GaussianKernel() {}

    /** The standard normal from the two 32-bit words {@code a} (radius) and {@code b} (angle). */
    static float boxMuller(int a, int b) {
        double u1 = ((a >>> 8) + 1) * 0x1.0p-24; // (0, 1]
        double u2 = (b >>> 8) * 0x1.0p-24;
        return (float) (Math.sqrt(-2.0 * log(u1)) * cosTwoPi(u2));
    }

    /** {@code StrictMath.log(x)} for x = m·2⁻²⁴, m in 1..2²⁴ (positive normal numbers up to 1). */
    static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int hx = (int) (bits >>> 32);
        int k = (hx >> 20) - 1023;
        hx &= 0x000fffff;
        int i = (hx + 0x95f64) & 0x100000;
        // x or x/2, normalised into [sqrt(2)/2, sqrt(2)); the low word is kept
        double xn = Double.longBitsToDouble(((long) (hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xFFFF_FFFFL));
        k += i >> 20;
        double f = xn - 1.0;
        double dk = k;
        // |f| < 2^-20
        double rTiny = f * f * (0.5 - 0.33333333333333333 * f);
        double tiny = dk * LN2_HI - ((rTiny - dk * LN2_LO) - f);
        double s = f / (2.0 + f);
        double z = s * s;
        int ii = hx - 0x6147a;
        double w = z * z;
        int j = 0x6b851 - hx;
        double t1 = w * (LG2 + w * (LG4 + w * LG6));
        double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        ii |= j;
        double r = t2 + t1;
        double hfsq = 0.5 * f * f;
        double withHfsq = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
        double plain = dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
        double general = ii > 0 ? withHfsq : plain;
        return (0x000fffff & (2 + hx)) < 3 ? tiny : general;
    }

    /** cos 2πu for u = q·2⁻²⁴ in [0, 1), exactly as {@code Philox.cosTwoPi} with StrictMath. */
    static double cosTwoPi(double u) {
        double t = 4.0 * u;
        long k = Math.round(t);
        double x = (t - k) * (Math.PI / 2);
        double z = x * x;
        // __kernel_cos(x, 0)
        int ix = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
        double rc = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
        double qx = ix < 0x3FD33333 ? 0.0
                : ix > 0x3fe90000 ? 0.28125 : Double.longBitsToDouble((long) (ix - 0x00200000) << 32);
        double hz = 0.5 * z - qx;
        double cos = (1.0 - qx) - (hz - z * rc);
        // __kernel_sin(x, 0, 0)
        double v = z * x;
        double rs = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
        double sin = x + v * (S1 + z * rs);
        int quarter = (int) (k & 3);
        double base = (quarter & 1) == 0 ? cos : sin;
        return quarter == 1 || quarter == 2 ? -base : base;
    }
}
