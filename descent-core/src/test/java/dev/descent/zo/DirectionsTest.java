package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import org.junit.jupiter.api.Test;

/** The directions are the documented Philox values, regenerated identically whatever the split. */
class DirectionsTest {
    private static Philox stream(long seed, long step, int query) {
        return Philox.stream(seed, "zo/direction").derive(step).derive(query);
    }

    @Test
    void gaussianElementIsPhiloxGaussianOfTheStepQueryStream() {
        Direction z = Directions.seeded(DirectionKind.GAUSSIAN, 5).at(9, 2, 1000);
        Philox s = stream(5, 9, 2);
        for (long i : new long[] {0, 1, 2, 3, 17, 999}) assertEquals(s.gaussian(i), z.value(i), 0f);
    }

    @Test
    void rademacherElementIsOneBitOfTheStream() {
        Direction z = Directions.seeded(DirectionKind.RADEMACHER, 5).at(9, 2, 1000);
        Philox s = stream(5, 9, 2);
        int plus = 0;
        for (long i = 0; i < 1000; i++) {
            // bits(k) is word k % 4 of block k / 4, so bit i % 32 of bits(i / 32) is the documented layout.
            float expected = ((s.bits(i >>> 5) >>> (int) (i & 31)) & 1) == 1 ? 1f : -1f;
            assertEquals(expected, z.value(i), 0f);
            if (z.value(i) > 0) plus++;
        }
        assertTrue(plus > 400 && plus < 600, "signs balanced: " + plus + " of 1000 positive");
    }

    @Test
    void sphereDirectionsHaveRadiusSqrtDAndOne() {
        int d = 10_000;
        float[] z = new float[d];
        Directions.seeded(DirectionKind.SPHERE, 3).at(0, 0, d).fill(z, 0, d, 0);
        float[] u = new float[d];
        Directions.seeded(DirectionKind.UNIT_SPHERE, 3).at(0, 0, d).fill(u, 0, d, 0);
        double zz = 0;
        double uu = 0;
        for (int i = 0; i < d; i++) {
            zz += (double) z[i] * z[i];
            uu += (double) u[i] * u[i];
        }
        // Each element carries one float32 rounding of the scale and one of the product: relative 2^-23 on the norm².
        assertEquals(d, zz, d * 0x1.0p-21);
        assertEquals(1, uu, 0x1.0p-21);
        assertEquals(DirectionKind.UNIT_SPHERE.dimensionFactor(d), d, 0);
        assertEquals(DirectionKind.SPHERE.dimensionFactor(d), 1, 0);
    }

    @Test
    void fillingInPiecesAndWithAnyThreadCountGivesTheSameBits() {
        int d = 50_000; // several norm blocks and parallel chunks
        int threads = Parallel.threads();
        try {
            for (DirectionKind kind : DirectionKind.values()) {
                Parallel.setThreads(1);
                float[] whole = new float[d];
                Directions.seeded(kind, 1).at(4, 1, d).fill(whole, 0, d, 0);
                Parallel.setThreads(2);
                Direction z = Directions.seeded(kind, 1).at(4, 1, d);
                float[] pieces = new float[d];
                for (int start = 0; start < d; start += 777) z.fill(pieces, start, Math.min(777, d - start), start);
                for (int i = 0; i < d; i++) {
                    assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(pieces[i]), kind + " element " + i);
                }
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void differentStepsAndQueriesGiveDifferentDirections() {
        Directions dirs = Directions.seeded(DirectionKind.GAUSSIAN, 0);
        float a = dirs.at(0, 0, 10).value(0);
        assertTrue(a != dirs.at(1, 0, 10).value(0) && a != dirs.at(0, 1, 10).value(0));
        assertTrue(a != Directions.seeded(DirectionKind.GAUSSIAN, 1).at(0, 0, 10).value(0));
    }

    @Test
    void unknownKindNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DirectionKind.parse("direction", "cauchy"));
        assertTrue(e.getMessage().contains("direction") && e.getMessage().contains("rademacher"), e.getMessage());
    }
}
