package dev.descent.quant;

/**
 * Rounding a real x (in units of a grid step) to an integer, stochastically or to nearest.
 * <pre>
 *   SR(x; ξ) = ⌊x⌋ + [ξ &lt; x − ⌊x⌋]        ξ ~ U[0, 1)
 *   E_ξ[SR(x; ξ)] = ⌊x⌋ + P(ξ &lt; x − ⌊x⌋) = x
 * </pre>
 * SR always returns one of the two neighbouring grid points ⌊x⌋ and ⌈x⌉ (x itself when x is an
 * integer) and is unbiased. The uniforms here are Philox's, multiples of 2⁻²⁴ in [0, 1), so
 * P(ξ &lt; f) = ⌈f·2²⁴⌉/2²⁴ and the bias is below 2⁻²⁴ of a grid step: negligible next to the
 * float32 arithmetic around it. {@link #nearest} is round half to even ({@link Math#rint}), the
 * deterministic rounding that stochastic rounding replaces.
 */
public final class StochasticRounding {
    private StochasticRounding() {}

    /** SR(x; ξ): ⌊x⌋ + 1 when ξ &lt; x − ⌊x⌋, else ⌊x⌋ ({@code xi} in [0, 1)). */
    public static int round(double x, float xi) {
        double lo = Math.floor(x);
        return (int) lo + (xi < x - lo ? 1 : 0);
    }

    /** x rounded to the nearest integer, ties to even. */
    public static int nearest(double x) {
        return (int) Math.rint(x);
    }
}
