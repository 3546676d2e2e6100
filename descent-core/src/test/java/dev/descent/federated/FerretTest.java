package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import java.util.List;
import org.junit.jupiter.api.Test;

class FerretTest {
    @Test
    void groupsFollowTheReferenceRule() {
        // sizes 50, 10, 10, 60, 100: median 50, target int(0.9·50) = 45; a parameter opens a new group
        // when it would push a non-empty group past 45 -> {50}, {10, 10}, {60}, {100}
        List<int[]> g = Ferret.groups(new int[] {50, 10, 10, 60, 100});
        assertEquals(4, g.size());
        assertArrayEquals(new int[] {0, 50}, g.get(0));
        assertArrayEquals(new int[] {50, 20}, g.get(1));
        assertArrayEquals(new int[] {70, 60}, g.get(2));
        assertArrayEquals(new int[] {130, 100}, g.get(3));
        // the digits MLP 64-32-10: median of (2048, 32, 320, 10) is 176, target 158: every parameter alone
        assertEquals(4, Ferret.groups(new int[] {2048, 32, 320, 10}).size());
    }

    @Test
    void directionsAreTruncatedNormalAndShared() {
        var f = new Ferret(new int[] {400}, 8, 0, 3);
        float[] b = f.direction(5, 0);
        double a = 1 / Math.sqrt(400);
        double sq = 0;
        for (float v : b) {
            assertTrue(Math.abs(v) <= a + 1e-7, "inside the truncation interval");
            sq += v * v;
        }
        // variance of N(0,1) truncated to [-a, a]: 1 - 2aφ(a)/(2Φ(a) - 1) ≈ a²/3 for small a
        assertEquals(a * a / 3, sq / 400, 0.15 * a * a / 3);
        assertArrayEquals(b, new Ferret(new int[] {400}, 8, 0, 3).direction(5, 0), "the same seed gives the same direction everywhere");
    }

    @Test
    void serverRebuildsTheUpdateScaledByDTimesTheDirectionVariance() {
        int d = 20;
        int k = 20000;
        var f = new Ferret(new int[] {d}, k, 0, 1);
        float[] start = new float[d];
        float[] end = new float[d];
        for (int i = 0; i < d; i++) {
            start[i] = (float) Math.sin(i);
            end[i] = start[i] - 0.1f * (float) Math.cos(3 * i);
        }
        double[][] c = f.project(start, end, Philox.stream(0, "choice"));
        int used = 0;
        for (double[] row : c) if (row[0] != 0) used++;
        assertEquals(k, used, "the largest group uses all K seeds");
        float[] global = start.clone();
        f.serverStep(global, List.<double[][]>of(c), new double[] {1}, 1.0);
        // E[(d/K) Σ_s <Δ,b_s> b_s] = d·Var(b)·Δ, Var(b) for N(0,1) truncated to [-a, a] with a = 1/√d
        double a = 1 / Math.sqrt(d);
        double phi = Math.exp(-a * a / 2) / Math.sqrt(2 * Math.PI);
        double mass = 2 * 0.5 * (1 + erf(a / Math.sqrt(2))) - 1;
        double factor = d * (1 - 2 * a * phi / mass);
        for (int i = 0; i < d; i++) {
            double expected = start[i] - factor * (start[i] - end[i]);
            assertEquals(expected, global[i], 0.02, "coordinate " + i);
        }
    }

    @Test
    void serverLearningRateAnnealsLinearly() {
        assertEquals(10, Ferret.serverLearningRate(1, 40, 10, 0), 1e-12);
        assertEquals(10 * (1 - 39.0 / 40), Ferret.serverLearningRate(40, 40, 10, 0), 1e-12);
    }

    /** erf by its Taylor series (|x| < 1 here). */
    private static double erf(double x) {
        double sum = 0, term = x;
        for (int n = 0; n < 30; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
