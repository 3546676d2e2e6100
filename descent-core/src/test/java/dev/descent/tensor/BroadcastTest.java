package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BroadcastTest {
    static Tensor random(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        Philox.stream(seed, "broadcast").fillGaussian(t.data(), 0, t.size(), 0);
        // keep denominators away from zero
        for (int i = 0; i < t.size(); i++) if (Math.abs(t.data()[i]) < 0.25f) t.data()[i] += 0.5f;
        return t;
    }

    /** Reference: index the operands with explicit NumPy rules, in double. */
    static double[] reference(Elementwise.Op op, Tensor a, Tensor b, int[] out) {
        int n = Tensor.sizeOf(out);
        double[] r = new double[n];
        int[] idx = new int[out.length];
        for (int f = 0; f < n; f++) {
            int rem = f;
            for (int d = out.length - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
            }
            double x = a.data()[a.offset() + pick(a.shape(), idx)];
            double y = b.data()[b.offset() + pick(b.shape(), idx)];
            r[f] = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
            };
        }
        return r;
    }

    static int pick(int[] shape, int[] outIdx) {
        int off = outIdx.length - shape.length;
        int f = 0;
        for (int d = 0; d < shape.length; d++) f = f * shape[d] + (shape[d] == 1 ? 0 : outIdx[off + d]);
        return f;
    }

    static final int[][][] CASES = {
        {{2, 3, 4}, {4}, {2, 3, 4}},
        {{2, 3, 4}, {3, 1}, {2, 3, 4}},
        {{2, 3, 4}, {}, {2, 3, 4}},
        {{}, {2, 3, 4}, {2, 3, 4}},
        {{3, 1}, {2, 3, 4}, {2, 3, 4}},
        {{2, 1, 4}, {3, 1}, {2, 3, 4}},
        {{2, 3, 1}, {2, 1, 1}, {2, 3, 1}},
        {{5, 1}, {1, 19}, {5, 19}},
        {{1, 19}, {5, 1}, {5, 19}},
        {{2, 3, 17}, {2, 3, 17}, {2, 3, 17}},
        {{4, 37}, {37}, {4, 37}},
        {{1}, {6}, {6}},
    };

    @Test
    void shapes() {
        for (int[][] c : CASES) assertArrayEquals(c[2], Broadcast.shape(c[0], c[1]), Arrays.deepToString(c));
        assertArrayEquals(new int[] {7, 0, 3}, Broadcast.shape(new int[] {7, 1, 3}, new int[] {0, 1}));
    }

    @Test
    void incompatibleShapesThrowNamingBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> Broadcast.shape(new int[] {2, 3}, new int[] {4}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Broadcast.shape(new int[] {2, 3, 4}, new int[] {3, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> Broadcast.apply(Elementwise.Op.ADD, Tensor.zeros(5), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class,
                () -> Broadcast.apply(Elementwise.Op.ADD, Tensor.zeros(2, 4), Tensor.zeros(4), Tensor.zeros(4)));
    }

    @Test
    void applyMatchesReferenceForEveryOpAndShape() {
        long seed = 0;
        for (int[][] c : CASES) {
            for (Elementwise.Op op : Elementwise.Op.values()) {
                Tensor a = random(seed++, c[0]);
                Tensor b = random(seed++, c[1]);
                Tensor out = Broadcast.apply(op, a, b);
                assertArrayEquals(c[2], out.shape());
                double[] ref = reference(op, a, b, c[2]);
                for (int i = 0; i < ref.length; i++) {
                    // one float rounding of an exact double result: within half an ulp
                    assertEquals((float) ref[i], out.get(i), 0f, op + " " + Arrays.deepToString(c) + " at " + i);
                }
            }
        }
    }

    @Test
    void applyReadsViewsAtTheirOffsets() {
        float[] backing = new float[40];
        for (int i = 0; i < 40; i++) backing[i] = i;
        Tensor a = Tensor.view(backing, 5, 2, 4);   // 5..12
        Tensor b = Tensor.view(backing, 30, 4);     // 30..33
        Tensor out = Tensor.zeros(2, 4);
        Broadcast.apply(Elementwise.Op.SUB, a, b, out);
        assertArrayEquals(new float[] {-25, -25, -25, -25, -21, -21, -21, -21}, out.toArray());
        Tensor c = Tensor.view(backing, 20, 2, 1); // 20, 21
        assertArrayEquals(new float[] {25, 26, 27, 28, 30, 31, 32, 33},
                Broadcast.apply(Elementwise.Op.ADD, a, c).toArray());
    }

    @Test
    void sumIntoIsTheAdjointOfBroadcasting() {
        for (int[][] c : CASES) {
            for (int side = 0; side < 2; side++) {
                int[] target = c[side];
                int[] full = c[2];
                Tensor g = random(100 + side, full);
                Tensor into = Tensor.zeros(target);
                into.fill(0.5f); // sumInto adds
                Broadcast.sumInto(g, into);
                double[] ref = new double[Tensor.sizeOf(target)];
                Arrays.fill(ref, 0.5);
                int[] idx = new int[full.length];
                for (int f = 0; f < g.size(); f++) {
                    int rem = f;
                    for (int d = full.length - 1; d >= 0; d--) {
                        idx[d] = rem % full[d];
                        rem /= full[d];
                    }
                    ref[pick(target, idx)] += g.get(f);
                }
                for (int i = 0; i < ref.length; i++) {
                    // float sums of at most 24 terms of size ~1: error well below 1e-5
                    assertEquals(ref[i], into.get(i), 1e-5, Arrays.deepToString(c) + " side " + side);
                }
            }
        }
    }

    /**
     * On shapes large enough to be split over two threads (a GPT's position-embedding add and its
     * gradient, and a residual gradient), the results have the bits of the one-row-at-a-time loops,
     * written out here: each output element computed alone, each summed element receiving its terms
     * in row order.
     */
    @Test
    void splitOverThreadsGivesTheBitsOfTheRowLoops() {
        int batch = 32, rows = 128, width = 192;
        Tensor x = random(7, batch, rows, width);
        Tensor pos = random(8, rows, width);
        int threads = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Tensor sum = Broadcast.apply(Elementwise.Op.ADD, x, pos);
            for (int i = 0; i < x.size(); i++) {
                assertEquals(Float.floatToRawIntBits(x.get(i) + pos.get(i % (rows * width))),
                        Float.floatToRawIntBits(sum.get(i)), "forward at " + i);
            }
            Tensor into = random(9, rows, width);
            float[] expected = into.toArray();
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < rows * width; j++) expected[j] += x.get(b * rows * width + j);
            }
            Broadcast.sumInto(x, into);
            for (int j = 0; j < expected.length; j++) {
                assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(into.get(j)), "sum at " + j);
            }
            Tensor same = random(10, batch, rows, width);
            float[] added = same.toArray();
            for (int i = 0; i < added.length; i++) added[i] += x.get(i);
            Broadcast.sumInto(x, same);
            assertArrayEquals(added, same.toArray());
        } finally {
            Parallel.setThreads(threads);
        }
    }
}
