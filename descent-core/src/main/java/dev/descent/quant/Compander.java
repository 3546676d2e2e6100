package dev.descent.quant;

import dev.descent.tensor.Codebook;

/**
 * A scalar non-uniform 4-bit quantizer written as a compander, Q = φ⁻¹ ∘ U ∘ φ (Shu &amp; Zhu,
 * "Compander-Aligned Query Geometry for Quantized Zeroth-Order Optimization", arXiv 2605.10673,
 * abstract): φ maps a normalised value x = w / absmax to the companded coordinate z, piecewise-linear
 * with φ(level_j) = j (grid step Δ = 1 in index units), constant 0 below level 0 and 15 above level 15;
 * U rounds z to the nearest integer (ties to even) and clips to [0, 15]. Because φ is linear between
 * adjacent levels, U∘φ cuts at the midpoints between levels, so Q is ordinary nearest-level rounding
 * (NF4's midpoint rule) — the choice of a piecewise-linear φ is this project's reading of the abstract.
 * The levels must increase with the code (NF4 does; the two's-complement INT4 codebook does not).
 */
public record Compander(Codebook codebook) {
    /** The levels in code order must be strictly increasing. */
    public Compander {
        for (int c = 1; c < 16; c++) {
            if (!(codebook.level(c) > codebook.level(c - 1))) {
                throw new IllegalArgumentException("codebook '" + codebook.name() + "' is not increasing in its codes; a compander needs level(c) < level(c+1)");
            }
        }
    }

    /** The NF4 compander. */
    public static final Compander NF4 = new Compander(Codebook.NF4);

    /** z = φ(x): j + (x − level_j)/(level_{j+1} − level_j) on [level_j, level_{j+1}], clamped to [0, 15]. */
    public double phi(double x) {
        if (x <= codebook.level(0)) return 0;
        if (x >= codebook.level(15)) return 15;
        int j = 0;
        while (x > codebook.level(j + 1)) j++;
        double lo = codebook.level(j);
        return j + (x - lo) / (codebook.level(j + 1) - lo);
    }

    /** x = φ⁻¹(z): linear between level_⌊z⌋ and level_⌊z⌋+1, z clamped to [0, 15]; at an integer z exactly that level. */
    public double phiInverse(double z) {
        if (z <= 0) return codebook.level(0);
        if (z >= 15) return codebook.level(15);
        int j = (int) Math.floor(z);
        double t = z - j;
        if (t == 0) return codebook.level(j);
        return codebook.level(j) + t * (codebook.level(j + 1) - codebook.level(j));
    }

    /** U(z): the nearest code, rint(z) clipped to [0, 15]. */
    public static int round(double z) {
        return (int) Math.max(0, Math.min(15, Math.rint(z)));
    }

    /** Q(x) as a code: U(φ(x)). */
    public int code(double x) {
        return round(phi(x));
    }
}
