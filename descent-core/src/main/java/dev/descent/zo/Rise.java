package dev.descent.zo;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.Hyper;
import dev.descent.optim.OptState;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import dev.descent.tensor.Philox;

/**
 * RISE, randomized gradient shaping for continual learning (seed 000, fourth abstract; spec
 * {@code specs/12c_rise.md}): the random shape that a zeroth-order estimate gives, applied to exact
 * first-order gradients block by block, calibrated to the FO gradient's expected squared norm.
 *
 * <p>For each block b (a slice of one parameter tensor; see {@link Blocks}) of dimension d with FO
 * gradient g ∈ R^d, draw q directions u_1 … u_q and form
 * <pre>
 *   s  = (1/q) Σ_i (u_iᵀ g) u_i                  the raw shape (a ZO estimate with exact directional derivatives)
 *   ĝ  = c · s,   c = sqrt( q / (d + q + 1) )     Gaussian u_i ~ N(0, I_d)
 *                 c = sqrt( q / (d + q − 1) )     Rademacher u_i ∈ {±1}^d
 * </pre>
 * so that E[s] = g and E‖ĝ‖² = ‖g‖² ("norm-matched"). Derivation of c: E‖s‖² = (1/q²)[q·E‖u uᵀg‖²
 * + q(q−1)‖g‖²] with E‖u uᵀ g‖² = E[‖u‖²(uᵀg)²] = (d + 2)‖g‖² for Gaussian u (fourth moments) and
 * = d‖g‖² for Rademacher u (‖u‖² = d exactly), giving E‖s‖² = ‖g‖²(d + q + 1)/q and ‖g‖²(d + q − 1)/q.
 * For a symmetric H (Gaussian): E[ĝᵀHĝ] = ‖g‖²(d·κ̄ + (q + 1)κ_g)/(d + q + 1) with κ̄ = tr H/d and
 * κ_g = gᵀHg/‖g‖² — the shaped retention exposure is a convex combination of the isotropic floor κ̄
 * and the FO exposure κ_g, below FO exactly when κ_g &gt; κ̄.
 *
 * <p>{@link #normMatchedZo} is the comparison baseline: the same raw shape s rescaled per block to
 * the FO gradient's norm exactly, ĝ = s·‖g‖/‖s‖ (0 when s = 0).
 *
 * <p>Randomness: the directions of block b at step t are values [q·o_b, q·(o_b + d)) of the Philox
 * stream (seed, "rise") derived by t, where o_b is the block's first element in the set's state
 * layout — disjoint counter ranges, so a pure function of (seed, step, block) and independent
 * across blocks and steps. Blocks run one after another on the calling thread. State: scalars
 * {@code q}, {@code count} (steps taken).
 */
public final class Rise {
    private Rise() {}

    /** The distribution of the shaping directions. */
    public enum Directions {
        GAUSSIAN, RADEMACHER;

        public static Directions parse(String s) {
            return switch (s) {
                case "gaussian" -> GAUSSIAN;
                case "rademacher" -> RADEMACHER;
                default -> throw new IllegalArgumentException("directions must be gaussian or rademacher, got '" + s + "'");
            };
        }
    }

    /**
     * The block partition: each whole tensor ({@code tensor}), each row of a tensor's matrix view
     * ({@code row}: {@link ParamSlot#rows()} blocks of {@link ParamSlot#cols()}; a vector is one
     * row), or consecutive slices of at most {@code size} elements within each tensor.
     */
    public record Blocks(String kind, int size) {
        public static Blocks parse(String s) {
            if (s.equals("tensor") || s.equals("row")) return new Blocks(s, 0);
            try {
                int n = Integer.parseInt(s);
                if (n > 0) return new Blocks("size", n);
            } catch (NumberFormatException ignored) {
                // fall through to the message
            }
            throw new IllegalArgumentException("block must be tensor, row or a positive block size, got '" + s + "'");
        }

        /** Length of the blocks a slot is cut into (the last may be shorter for {@code size}). */
        int length(ParamSlot s) {
            return switch (kind) {
                case "tensor" -> s.size();
                case "row" -> s.cols();
                default -> Math.min(size, s.size());
            };
        }
    }

    /** The norm-matching constant c(d, q) of the distribution (see the class comment). */
    public static double normConstant(int d, int q, Directions dirs) {
        return Math.sqrt(q / (double) (dirs == Directions.GAUSSIAN ? d + q + 1 : d + q - 1));
    }

    /** RISE: ĝ = c·s per block. */
    public static GradientTransformation shape(int q, Blocks blocks, Directions dirs, long seed) {
        return new Shaping(q, blocks, dirs, seed, false);
    }

    /** The norm-matched ZO baseline: ĝ = s·‖g‖/‖s‖ per block. */
    public static GradientTransformation normMatchedZo(int q, Blocks blocks, Directions dirs, long seed) {
        return new Shaping(q, blocks, dirs, seed, true);
    }

    private record Scratch(float[] dir, double[] shape, int[] words) {}

    private static final class Shaping implements GradientTransformation {
        private final int q;
        private final Blocks blocks;
        private final Directions dirs;
        private final Philox base;
        private final boolean exactNorm;

        Shaping(int q, Blocks blocks, Directions dirs, long seed, boolean exactNorm) {
            Hyper.positiveCount("q", q);
            this.q = q;
            this.blocks = blocks;
            this.dirs = dirs;
            this.base = Philox.stream(seed, "rise");
            this.exactNorm = exactNorm;
        }

        @Override
        public OptState init(ParamSet params) {
            OptState st = new OptState();
            st.define("q", q);
            st.define("count", 0);
            return st;
        }

        @Override
        public void update(float[] u, OptState state, ParamSet params) {
            int qq = (int) state.get("q");
            long count = (long) state.get("count");
            Scratch scratch = state.cached(this, () -> {
                int max = 1;
                for (ParamSlot s : params.slots()) max = Math.max(max, blocks.length(s));
                return new Scratch(new float[max], new double[max], new int[4]);
            });
            Philox stream = base.derive(count);
            for (ParamSlot s : params.slots()) {
                int len = Math.max(1, blocks.length(s));
                for (int start = 0; start < s.size(); start += len) {
                    int d = Math.min(len, s.size() - start);
                    shapeBlock(u, s.offset() + start, d, (long) qq * (s.stateOffset() + start), qq, stream, scratch);
                }
            }
            state.set("count", count + 1);
        }

        private void shapeBlock(float[] g, int off, int d, long counter, int qq, Philox stream, Scratch scratch) {
            float[] dir = scratch.dir();
            double[] s = scratch.shape();
            java.util.Arrays.fill(s, 0, d, 0.0);
            for (int i = 0; i < qq; i++) {
                long at = counter + (long) i * d;
                if (dirs == Directions.GAUSSIAN) {
                    stream.fillGaussian(dir, 0, d, at, scratch.words());
                } else {
                    stream.fillUniform(dir, 0, d, at, scratch.words());
                    for (int j = 0; j < d; j++) dir[j] = dir[j] < 0.5f ? -1f : 1f;
                }
                double dot = 0;
                for (int j = 0; j < d; j++) dot += (double) dir[j] * g[off + j];
                for (int j = 0; j < d; j++) s[j] += dot * dir[j];
            }
            double factor;
            if (exactNorm) {
                double gg = 0;   // the block's gradient norm, read before g is overwritten below
                for (int j = 0; j < d; j++) gg += (double) g[off + j] * g[off + j];
                double ss = 0;
                for (int j = 0; j < d; j++) ss += s[j] * s[j];
                factor = ss == 0 ? 0 : Math.sqrt(gg / ss);
            } else {
                factor = normConstant(d, qq, dirs) / qq;
            }
            for (int j = 0; j < d; j++) g[off + j] = (float) (factor * s[j]);
        }
    }
}
