package dev.descent.zo;

import dev.descent.tensor.Philox;

/**
 * A source of directions keyed by (step, query): {@code at(step, q, d)} is the q-th direction of
 * optimizer step {@code step} in dimension d. {@link #seeded} draws them from Philox streams, so they
 * are a pure function of (seed, step, query) — a resumed run draws the same ones, and nothing but
 * the seed is kept. {@link #fixed} replays given vectors (worked examples, tests).
 */
@FunctionalInterface
public interface Directions {
    Direction at(long step, int query, int dimension);

    /**
     * Directions of {@code kind} from the Philox stream (seed, "zo/direction"), derived by the step
     * and then by the query index; element i of a direction is value i of that stream:
     * <ul>
     *   <li>Gaussian: {@link Philox#gaussian}(i) (Box–Muller on uniforms 2i and 2i + 1), generated
     *       many at a time by {@link dev.descent.tensor.PhiloxGaussian} (the same bits);</li>
     *   <li>Rademacher: bit i mod 32 of word ⌊i/32⌋ mod 4 of block ⌊i/128⌋, +1 when set and −1 when
     *       clear (one Philox block gives 128 signs);</li>
     *   <li>sphere and unit sphere: the Gaussian values gᵢ times s = √d/‖g‖ (sphere) or 1/‖g‖ (unit),
     *       s computed in float64 once per direction, ‖g‖² summed over fixed blocks of 4096 elements
     *       and the block sums added in order, so it does not depend on the thread count; zᵢ is the
     *       float32 product (float) s · gᵢ.</li>
     * </ul>
     */
    static Directions seeded(DirectionKind kind, long seed) {
        return new Seeded(kind, seed);
    }

    /** The given vectors, query q using {@code z[q % z.length]} at every step (each must have length d). */
    static Directions fixed(float[]... z) {
        float[][] copy = new float[z.length][];
        for (int i = 0; i < z.length; i++) copy[i] = z[i].clone();
        return (step, query, dimension) -> {
            float[] v = copy[query % copy.length];
            if (v.length != dimension) throw new IllegalArgumentException("fixed direction has " + v.length + " elements, parameters have " + dimension);
            return (out, off, n, start, scratch) -> System.arraycopy(v, (int) start, out, off, n);
        };
    }

    /** The Philox-backed source; see {@link #seeded}. */
    final class Seeded implements Directions {
        private static final int NORM_BLOCK = 4096;
        private final DirectionKind kind;
        private final Philox root;
        private double[] partials = new double[0];
        /** Scratch of the norm passes of sphere directions. */
        private final Passes passes = new Passes();

        Seeded(DirectionKind kind, long seed) {
            this.kind = kind;
            this.root = Philox.stream(seed, "zo/direction");
        }

        public DirectionKind kind() { return kind; }

        @Override
        public Direction at(long step, int query, int dimension) {
            Philox s = root.derive(step).derive(query);
            return switch (kind) {
                case GAUSSIAN -> (out, off, n, start, scratch) -> scratch.gaussian.fill(s, out, off, n, start);
                case RADEMACHER -> (out, off, n, start, scratch) -> fillRademacher(s, out, off, n, start, scratch.words);
                case SPHERE, UNIT_SPHERE -> {
                    double norm = Math.sqrt(sumOfSquares(s, dimension));
                    float scale = (float) ((kind == DirectionKind.SPHERE ? Math.sqrt(dimension) : 1.0) / norm);
                    yield (out, off, n, start, scratch) -> {
                        scratch.gaussian.fill(s, out, off, n, start);
                        for (int j = off; j < off + n; j++) out[j] *= scale;
                    };
                }
            };
        }

        private static void fillRademacher(Philox s, float[] out, int off, int n, long start, int[] w) {
            long block = -1;
            for (int j = 0; j < n; j++) {
                long i = start + j;
                if ((i >>> 7) != block) {
                    block = i >>> 7;
                    s.block(block, w);
                }
                int bit = (w[(int) ((i >>> 5) & 3)] >>> (int) (i & 31)) & 1;
                out[off + j] = bit == 1 ? 1f : -1f;
            }
        }

        /** ‖g‖² of the Gaussian vector of stream {@code s}, independent of the thread count. */
        private double sumOfSquares(Philox s, int dimension) {
            int blocks = (dimension + NORM_BLOCK - 1) / NORM_BLOCK;
            if (partials.length != blocks) partials = new double[blocks];
            double[] part = partials;
            passes.forRange(blocks, 4, (from, to, scratch) -> {
                float[] g = scratch.piece();
                for (int b = from; b < to; b++) {
                    double sum = 0;
                    int end = Math.min(dimension, (b + 1) * NORM_BLOCK);
                    for (int k = b * NORM_BLOCK; k < end; k += Scratch.PIECE) {
                        int len = Math.min(Scratch.PIECE, end - k);
                        scratch.gaussian.fill(s, g, 0, len, k);
                        for (int j = 0; j < len; j++) sum += (double) g[j] * g[j];
                    }
                    part[b] = sum;
                }
            });
            double total = 0;
            for (double p : part) total += p;
            return total;
        }
    }
}
