package dev.descent.zo;

import dev.descent.tensor.Parallel;

/**
 * θ ← θ + c·z in place, with z regenerated from its {@link Direction} rather than stored, and its
 * undo θ ← θ − c·z by regenerating z again. This is the memory-saving trick of MeZO (Malladi et al.
 * 2023): a zeroth-order step needs the parameters and a seed, never a copy of either.
 *
 * <p><b>Arithmetic.</b> Each element is updated in float32 as {@code θᵢ = θᵢ + t} with
 * {@code t = c·zᵢ} rounded to float32 first (two roundings, no fused multiply-add, so the result does
 * not depend on vector width or on where the range is split). The work is split over
 * {@link Parallel} in chunks; since every element is computed alone and zᵢ depends only on i, the
 * result is bit-identical for any thread count.
 *
 * <p><b>Undo bound.</b> Let u = 2⁻²⁴ (the unit roundoff of float32) and t = fl(c·zᵢ); regenerating
 * zᵢ gives bit-identical t, so the undo subtracts exactly the t that was added. With round-to-nearest,
 * fl(a ± b) = (a ± b)(1 + δ) with |δ| ≤ u (away from underflow). Perturbing gives
 * θ' = θ + t + e₁ with |e₁| ≤ u·|θ + t|; undoing gives θ'' = fl(θ' − t) = θ + e₁ + e₂ with
 * |e₂| ≤ u·|θ + e₁|. Hence
 * <pre>
 *   |θ'' − θ| ≤ u(|θ| + |t|) + u(|θ| + u(|θ| + |t|)) ≤ 2u(1 + u)·(|θ| + |t|) ≤ 4u(1 + u)·max(|θ|, |t|)
 * </pre>
 * — at most a couple of ulps of the larger of |θ| and |c·zᵢ|, and 0 whenever θ + t is representable
 * in float32 (then both operations are exact). In general, a sequence of k such additions of
 * multiples of t (MeZO's +t, −2t, +t is k = 3; 2t = fl(2c·zᵢ) exactly, since doubling is exact) whose
 * exact intermediate values are bounded by M = |θ| + max|multiple·t| restores θ within
 * k·u·(1 + k·u)·M; {@link #restoreBound} returns that, plus k·2⁻¹⁴⁹ for results in the subnormal range
 * (where the rounding error is absolute, half of 2⁻¹⁴⁹ per operation).
 */
public final class Perturbation {
    /** Elements per parallel chunk. */
    private static final int GRAIN = 1 << 14;
    /** The unit roundoff of float32. */
    public static final double UNIT_ROUNDOFF = 0x1.0p-24;

    private final float[] buffer;
    private final float c;
    private final Direction z;
    private boolean undone;

    private Perturbation(float[] buffer, float c, Direction z) {
        this.buffer = buffer;
        this.c = c;
        this.z = z;
    }

    /** Applies θ ← θ + c·z to every element of {@code params} and returns the handle that undoes it. */
    public static Perturbation apply(float[] params, float c, Direction z) {
        add(params, c, z);
        return new Perturbation(params, c, z);
    }

    /** θ ← θ − c·z (regenerating z); a second call does nothing. */
    public void undo() {
        if (undone) return;
        undone = true;
        add(buffer, -c, z);
    }

    /**
     * {@code buffer[i] ← buffer[i] + fl(c·z[i])} for every i, in float32, in parallel, allocating
     * nothing proportional to the length (also used to accumulate c·z into a gradient buffer).
     */
    public static void add(float[] buffer, float c, Direction z) {
        Parallel.forRange(buffer.length, GRAIN, (from, to) -> {
            float[] piece = Scratch.get().z;
            for (int k = from; k < to; k += Scratch.PIECE) {
                int len = Math.min(Scratch.PIECE, to - k);
                z.fill(piece, 0, len, k);
                for (int j = 0; j < len; j++) buffer[k + j] += c * piece[j];
            }
        });
    }

    /**
     * {@code a[i] ← a[i] + fl(ca·z[i])} and {@code b[i] ← b[i] + fl(cb·z[i])} in one pass, z
     * regenerated once: element for element the same operations as two calls of
     * {@link #add(float[], float, Direction)}, so the same bits (e.g. restoring the parameters and
     * accumulating c·z into a gradient buffer of the same length).
     */
    public static void add(float[] a, float ca, float[] b, float cb, Direction z) {
        if (a.length != b.length) throw new IllegalArgumentException("buffers of " + a.length + " and " + b.length + " elements");
        Parallel.forRange(a.length, GRAIN, (from, to) -> {
            float[] piece = Scratch.get().z;
            for (int k = from; k < to; k += Scratch.PIECE) {
                int len = Math.min(Scratch.PIECE, to - k);
                z.fill(piece, 0, len, k);
                for (int j = 0; j < len; j++) {
                    a[k + j] += ca * piece[j];
                    b[k + j] += cb * piece[j];
                }
            }
        });
    }

    /**
     * The bound on |restored − original| for one element after {@code additions} in-place additions of
     * multiples of t (see the class comment): k·u·(1 + k·u)·(|θ| + |t|max) + k·2⁻¹⁴⁹, where
     * {@code maxStep} is the largest |multiple·t| added.
     */
    public static double restoreBound(double theta, double maxStep, int additions) {
        double k = additions;
        return k * UNIT_ROUNDOFF * (1 + k * UNIT_ROUNDOFF) * (Math.abs(theta) + Math.abs(maxStep)) + k * 0x1.0p-149;
    }
}
