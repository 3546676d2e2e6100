package dev.descent.zo;

import dev.descent.optim.ParamSet;

/**
 * θ ← θ + c·z in place, with z regenerated from its {@link Direction} rather than stored, and its
 * undo θ ← θ − c·z by regenerating z again. This is the memory-saving trick of MeZO (Malladi et al.
 * 2023): a zeroth-order step needs the parameters and a seed, never a copy of either.
 *
 * <p><b>Arithmetic.</b> Each element is updated in float32 as {@code θᵢ = θᵢ + t} with
 * {@code t = c·zᵢ} rounded to float32 first (two roundings, no fused multiply-add, so the result does
 * not depend on vector width or on where the range is split). The work is split over
 * threads in chunks ({@link Passes}); since every element is computed alone and zᵢ depends only on i,
 * the result is bit-identical for any thread count.
 *
 * <p><b>Subsets.</b> Over a {@link ParamSet} that is not the whole buffer, only the set's values
 * change, and z is indexed by the set's dense layout (slot.stateOffset() + i): the set perturbs
 * exactly as a model holding only those parameters, in the same order, would.
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
    /** The unit roundoff of float32. */
    public static final double UNIT_ROUNDOFF = 0x1.0p-24;

    private final Passes passes;

    /** Perturbations with scratch of their own. */
    public Perturbation() {
        this(new Passes());
    }

    /** Perturbations running on {@code passes} (shared with the owner's other passes). */
    public Perturbation(Passes passes) {
        this.passes = java.util.Objects.requireNonNull(passes, "passes");
    }

    /**
     * θ ← θ + c·z over the parameters of {@code set} only: value {@code slot.offset() + i} gets
     * fl(c·z[slot.stateOffset() + i]), so the direction is indexed by the set's own dense layout
     * (its dimension is {@code set.elements()}). For the whole buffer the two offsets coincide.
     * Values outside the set are not touched.
     */
    public void add(ParamSet set, float c, Direction z) {
        addTo(set, set.values(), c, z);
    }

    /**
     * {@code buffer[slot.offset() + i] += fl(c·z[slot.stateOffset() + i])} over the places of
     * {@code set} in a buffer laid out like the flat parameters (e.g. accumulating c·z into a gradient
     * buffer); the other places are not touched.
     */
    public void addTo(ParamSet set, float[] buffer, float c, Direction z) {
        if (buffer.length != set.values().length) {
            throw new IllegalArgumentException("buffer has " + buffer.length + " elements, parameters have " + set.values().length);
        }
        passes.forEachPiece(set, (slot, off, so, n, sc) -> addPiece(buffer, off, n, c, z, so, sc));
    }

    /**
     * {@code values ← values + fl(ca·z)} and {@code b ← b + fl(cb·z)} over {@code set} in one pass,
     * z regenerated once ({@code b} laid out like the values: index {@code slot.offset() + i}).
     * Element for element the same operations as two calls of {@link #add(ParamSet, float, Direction)},
     * so the same bits.
     */
    public void add(ParamSet set, float ca, float[] b, float cb, Direction z) {
        float[] a = set.values();
        if (a.length != b.length) throw new IllegalArgumentException("buffers of " + a.length + " and " + b.length + " elements");
        passes.forEachPiece(set, (slot, off, so, n, sc) -> addPiece(a, ca, b, cb, off, n, z, so, sc));
    }

    /**
     * {@code buffer[i] ← buffer[i] + fl(c·z[i])} for every i, in float32, in parallel, allocating
     * nothing proportional to the length (also used to accumulate c·z into a gradient buffer).
     */
    public void add(float[] buffer, float c, Direction z) {
        passes.forRange(buffer.length, Passes.GRAIN, (from, to, sc) -> addPiece(buffer, from, to - from, c, z, from, sc));
    }

    /**
     * {@code a[i] ← a[i] + fl(ca·z[i])} and {@code b[i] ← b[i] + fl(cb·z[i])} in one pass, z
     * regenerated once: element for element the same operations as two calls of
     * {@link #add(float[], float, Direction)}, so the same bits (e.g. restoring the parameters and
     * accumulating c·z into a gradient buffer of the same length).
     */
    public void add(float[] a, float ca, float[] b, float cb, Direction z) {
        if (a.length != b.length) throw new IllegalArgumentException("buffers of " + a.length + " and " + b.length + " elements");
        passes.forRange(a.length, Passes.GRAIN, (from, to, sc) -> addPiece(a, ca, b, cb, from, to - from, z, from, sc));
    }

    /** buffer[off + j] += fl(c·z[zStart + j]) for j in [0, n). */
    private static void addPiece(float[] buffer, int off, int n, float c, Direction z, long zStart, Scratch sc) {
        float[] piece = sc.piece();
        for (int k = 0; k < n; k += Scratch.PIECE) {
            int len = Math.min(Scratch.PIECE, n - k);
            z.fill(piece, 0, len, zStart + k, sc);
            int base = off + k;
            for (int j = 0; j < len; j++) buffer[base + j] += c * piece[j];
        }
    }

    /** a[off + j] += fl(ca·z[zStart + j]) and b[off + j] += fl(cb·z[zStart + j]) for j in [0, n). */
    private static void addPiece(float[] a, float ca, float[] b, float cb, int off, int n, Direction z, long zStart, Scratch sc) {
        float[] piece = sc.piece();
        for (int k = 0; k < n; k += Scratch.PIECE) {
            int len = Math.min(Scratch.PIECE, n - k);
            z.fill(piece, 0, len, zStart + k, sc);
            int base = off + k;
            for (int j = 0; j < len; j++) {
                a[base + j] += ca * piece[j];
                b[base + j] += cb * piece[j];
            }
        }
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
