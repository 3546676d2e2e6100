package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Parallel;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Perturb/undo restores within the derived bound, in place, bit-identically for any thread count. */
class PerturbationTest {
    /** Parameters of very different magnitudes, zeros and subnormals included. */
    private static float[] params(int d) {
        float[] p = new float[d];
        for (int i = 0; i < d; i++) {
            double frac = (i * 0.6180339887498949) % 1.0;
            float mag = (float) Math.pow(10, -6 + 9 * frac); // 1e-6 … 1e3
            p[i] = (i % 3 == 0 ? -1 : 1) * mag;
        }
        p[0] = 0f;
        p[1] = Float.MIN_VALUE;
        p[2] = -1e-40f;
        return p;
    }

    private final Perturbation perturbation = new Perturbation();

    /** θ ← θ + c·z, then θ ← θ − c·z (z regenerated). */
    private void perturbAndUndo(float[] p, float c, Direction z) {
        perturbation.add(p, c, z);
        perturbation.add(p, -c, z);
    }

    @Test
    void perturbUndoCyclesStayWithinTheBound() {
        int d = 20_000;
        float[] p = params(d);
        for (float c : new float[] {1e-3f, 1f, 37.5f, 1e-30f}) {
            for (int cycle = 0; cycle < 5; cycle++) {
                float[] before = p.clone();
                Direction z = Directions.seeded(DirectionKind.GAUSSIAN, 2).at(cycle, 0, d);
                perturbAndUndo(p, c, z);
                double worstRatio = 0;
                for (int i = 0; i < d; i++) {
                    double t = Math.abs((double) (c * z.value(i)));
                    double bound = Perturbation.restoreBound(before[i], t, 2);
                    double err = Math.abs((double) p[i] - before[i]);
                    assertTrue(err <= bound, "c " + c + " element " + i + ": |error| " + err + " > bound " + bound);
                    worstRatio = Math.max(worstRatio, err / bound);
                }
                // The bound is tight to a small factor: some element does lose bits when c·z is comparable to θ.
                if (c == 37.5f) assertTrue(worstRatio > 0.05, "bound never approached: worst error/bound " + worstRatio);
            }
        }
    }

    @Test
    void mezoThreePassRestoreStaysWithinTheBound() {
        int d = 20_000;
        float[] p = params(d);
        float[] before = p.clone();
        float mu = 0.5f;
        Direction z = Directions.seeded(DirectionKind.RADEMACHER, 9).at(0, 0, d);
        perturbation.add(p, mu, z);
        perturbation.add(p, -2 * mu, z);
        perturbation.add(p, mu, z);
        for (int i = 0; i < d; i++) {
            double bound = Perturbation.restoreBound(before[i], 2 * mu, 3);
            assertTrue(Math.abs((double) p[i] - before[i]) <= bound, "element " + i);
        }
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        int d = 100_000;
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] a = params(d);
            perturbation.add(a, 0.3f, Directions.seeded(DirectionKind.SPHERE, 4).at(1, 0, d));
            Parallel.setThreads(2);
            float[] b = params(d);
            perturbation.add(b, 0.3f, Directions.seeded(DirectionKind.SPHERE, 4).at(1, 0, d));
            for (int i = 0; i < d; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void oneFusedPassGivesTheBitsOfTwoSeparateAdditions() {
        int d = 50_000;
        Direction z = Directions.seeded(DirectionKind.GAUSSIAN, 6).at(3, 1, d);
        float[] a = params(d), b = new float[d];
        for (int i = 0; i < d; i++) b[i] = (float) Math.cos(i);
        float[] a2 = a.clone(), b2 = b.clone();
        perturbation.add(a, 0.7f, b, -3.1e-2f, z);
        perturbation.add(a2, 0.7f, z);
        perturbation.add(b2, -3.1e-2f, z);
        for (int i = 0; i < d; i++) {
            assertEquals(Float.floatToRawIntBits(a2[i]), Float.floatToRawIntBits(a[i]), "first buffer, element " + i);
            assertEquals(Float.floatToRawIntBits(b2[i]), Float.floatToRawIntBits(b[i]), "second buffer, element " + i);
        }
    }

    @Test
    void noParameterCopyIsAllocated() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        int threads = Parallel.threads();
        Parallel.setThreads(1);
        try {
            double[] perCycle = new double[2];
            int[] sizes = {1_000, 300_000};
            Directions dirs = Directions.seeded(DirectionKind.GAUSSIAN, 0);
            // JIT warm-up of both sizes first: until the JIT has compiled PhiloxGaussian's vector loop,
            // the Vector API runs its Java fallback, which allocates a box per vector operation.
            for (int s = 0; s < 2; s++) {
                float[] p = params(sizes[s]);
                for (int w = 0; w < 15; w++) perturbAndUndo(p, 1e-3f, dirs.at(w, 0, sizes[s]));
            }
            for (int s = 0; s < 2; s++) {
                float[] p = params(sizes[s]);
                long least = Long.MAX_VALUE;
                for (int rep = 0; rep < 5; rep++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    perturbAndUndo(p, 1e-3f, dirs.at(rep, 0, sizes[s]));
                    least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
                }
                perCycle[s] = least;
            }
            // A copy of 300k floats would be 1.2 MB; the handles and lambdas are a few hundred bytes whatever the size.
            assertTrue(perCycle[0] < 1024 && perCycle[1] < 1024, "bytes per perturb/undo: " + perCycle[0] + " (1k), " + perCycle[1] + " (300k)");
            assertTrue(perCycle[1] <= perCycle[0] + 256, "allocation grows with the parameter count: " + perCycle[0] + " vs " + perCycle[1]);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /**
     * Over a subset, only the subset's values change, and they change exactly as the values of a
     * buffer holding only those parameters (in the same order) change under the same direction: z is
     * indexed by the set's dense layout. Over the whole buffer, the set form gives the bits of the array form.
     */
    @Test
    void subsetPassTouchesOnlyItsParametersAndEqualsTheSmallerModel() {
        int[] sizes = {700, 40_000, 3, 25_000, 9_000};
        List<String> names = List.of("a.weight", "b.weight", "b.bias", "c.weight", "d.weight");
        List<int[]> shapes = java.util.Arrays.stream(sizes).mapToObj(n -> new int[] {n}).toList();
        int d = java.util.Arrays.stream(sizes).sum();
        for (DirectionKind kind : DirectionKind.values()) {
            float[] all = params(d);
            float[] before = all.clone();
            ParamSet whole = ParamSet.of(all, names, shapes);
            ParamSet subset = whole.subset(s -> s.name().startsWith("b.") || s.name().startsWith("d."));
            Directions dirs = Directions.seeded(kind, 11);
            perturbation.add(subset, 0.25f, dirs.at(3, 1, subset.elements()));
            // the model that has only b.weight, b.bias and d.weight, with their values
            float[] small = new float[subset.elements()];
            System.arraycopy(before, 700, small, 0, 40_003);
            System.arraycopy(before, 700 + 40_003 + 25_000, small, 40_003, 9_000);
            perturbation.add(small, 0.25f, dirs.at(3, 1, small.length));
            for (int i = 0; i < d; i++) {
                int inB = i - 700, inD = i - (700 + 40_003 + 25_000);
                int expected;
                if (inB >= 0 && inB < 40_003) expected = Float.floatToRawIntBits(small[inB]);
                else if (inD >= 0 && inD < 9_000) expected = Float.floatToRawIntBits(small[40_003 + inD]);
                else expected = Float.floatToRawIntBits(before[i]);
                assertEquals(expected, Float.floatToRawIntBits(all[i]), kind + " element " + i);
            }
            float[] viaSet = before.clone(), viaArray = before.clone();
            perturbation.add(ParamSet.of(viaSet, names, shapes), -1.5f, dirs.at(0, 0, d));
            perturbation.add(viaArray, -1.5f, dirs.at(0, 0, d));
            for (int i = 0; i < d; i++) assertEquals(Float.floatToRawIntBits(viaArray[i]), Float.floatToRawIntBits(viaSet[i]), kind + " whole, element " + i);
        }
    }
}
