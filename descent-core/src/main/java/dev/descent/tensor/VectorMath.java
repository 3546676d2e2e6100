package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions and lane sums that give the same bits whether the JIT has compiled the
 * calling code or not.
 *
 * <p>The Vector API's {@code lanewise(EXP)} is an intrinsic (a vendor maths library) once compiled
 * but a scalar {@code Math.exp} loop before, and {@code reduceLanes(ADD)} may add the lanes in a
 * different order in the two modes; both change the last bits, which would make a resumed run
 * differ from an uninterrupted one. Here exp is evaluated with only additions, multiplications and
 * exact bit manipulations (Cephes' {@code expf}: n = round(x·log₂e), r = x − n·ln 2 in two parts,
 * a degree-6 polynomial, scaling by 2ⁿ through the exponent bits; relative error about 2·10⁻⁷),
 * and lanes are summed in index order.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float C1 = 0.693359375f;
    private static final float C2 = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    private static final float HI = 88.0f;
    private static final float LO = -87.3365478515625f;
    /** 1.5·2²³: a float whose ulp is 1, so adding it rounds any |t| &lt; 2²² to an integer. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    private VectorMath() {}

    /** Σ lanes of {@code v}, in lane order. */
    public static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

    /** e^x lane-wise; 0 below −87.34, +∞ above 88, NaN for NaN. */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LO).min(HI);
        FloatVector t = xc.mul(LOG2E).add(0.5f);
        // floor(t) without float-int conversions, which C2 compiles to a conversion plus fix-up code
        // for NaN and overflow (Java's saturating semantics) and which made up about a fifth of the
        // function's time: adding and subtracting 1.5·2²³ rounds t to the nearest integer exactly
        // (|t| ≤ 128 here), and one comparison turns that into the floor. The same n as before, so
        // the same bits for every float argument (checked over all 2³² of them).
        FloatVector rounded = t.add(ROUNDER).sub(ROUNDER);
        FloatVector n = rounded.sub(1f, t.lt(rounded)); // floor(t)
        FloatVector r = xc.sub(n.mul(C1));
        r = r.sub(n.mul(C2));
        FloatVector p = FloatVector.broadcast(S, P0);
        p = p.mul(r).add(P1);
        p = p.mul(r).add(P2);
        p = p.mul(r).add(P3);
        p = p.mul(r).add(P4);
        p = p.mul(r).add(P5);
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2ⁿ: n + 1.5·2²³ holds the integer n in its low mantissa bits (exactly, as above), so its
        // bit pattern minus that of 1.5·2²³ is n as an int; biased and shifted into the exponent field.
        IntVector bits = n.add(ROUNDER).reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector result = p.mul(bits.reinterpretAsFloats());
        result = result.blend(0f, x.lt(LO));
        result = result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HI));
        return result.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh(x) = 1 − 2 / (e^{2x} + 1), lane-wise (saturates to ±1). */
    public static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.mul(2f));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    /** tanh, the same arithmetic as the vector form. */
    public static float tanh(float x) {
        return 1f - 2f / (exp(2f * x) + 1f);
    }

    /** e^x, the same arithmetic as the vector form. */
    public static float exp(float x) {
        if (Float.isNaN(x)) return x;
        if (x > HI) return Float.POSITIVE_INFINITY;
        if (x < LO) return 0f;
        x = Math.max(LO, Math.min(HI, x));
        float n = (float) Math.floor(x * LOG2E + 0.5f);
        float r = x - n * C1;
        r = r - n * C2;
        float p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        p = p * (r * r) + r + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
