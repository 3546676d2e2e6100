package dev.descent.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference values for the RDP accountant. Two sources:
 * <ul>
 *   <li>published by Opacus (commit 4d0ebc84613d214fbfd37fbfd1390e3747a625ce):
 *       {@code opacus/tests/accountants_test.py} (ε = 7.32911117143 for σ = 1.5, q = 0.04,
 *       int(90/0.04) = 2250 steps, δ = 1e-5; get_noise_multiplier 1.416 (90 epochs) and 1.3562
 *       (2000 steps) at ε = 8) and the module docstring of {@code analysis/rdp.py} (two mechanisms,
 *       orders 2..32: ε ≈ 0.336 at order 23);</li>
 *   <li>{@code bench/golden/opacus_rdp_golden.py}: a float64 transcription of Opacus's formulas
 *       with the standard library's {@code math.erfc} (run with /usr/bin/python3).</li>
 * </ul>
 * The target is three significant digits; the values agree far closer (relative 1e-9 checked).
 */
class RdpAccountantTest {
    private static void assertRelative(double expected, double actual, double tol) {
        assertEquals(expected, actual, Math.abs(expected) * tol, () -> "expected " + expected + ", got " + actual);
    }

    @Test
    void opacusPublishedEpsilon() {
        var e = RdpAccountant.epsilon(0.04, 1.5, 2250, 1e-5);
        assertRelative(7.32911117143, e.epsilon(), 1e-10);
        assertEquals(3.9, e.order());
    }

    @Test
    void stepwiseHistoryEqualsTheClosedForm() {
        var acc = new RdpAccountant();
        for (int i = 0; i < 2250; i++) acc.step(1.5, 0.04);
        assertEquals(1, acc.history().size());
        assertRelative(7.32911117143, acc.epsilon(1e-5).epsilon(), 1e-10);
        assertEquals(0, new RdpAccountant().epsilon(1e-5).epsilon());
    }

    @Test
    void opacusDocstringComposition() {
        double[] orders = new double[31];
        for (int a = 2; a <= 32; a++) orders[a - 2] = a;
        var e = RdpAccountant.epsilon(List.of(new RdpAccountant.Mechanism(1.0, 1e-5, 10), new RdpAccountant.Mechanism(3.0, 1e-4, 4)), 1e-5, orders);
        assertEquals(0.336, e.epsilon(), 0.0005); // as printed by Opacus (doctest +NUMBER)
        assertRelative(0.33634406339259565, e.epsilon(), 1e-9); // golden script
        assertEquals(23, e.order());
    }

    @Test
    void transcriptionReferenceValues() {
        // {q, sigma, steps, delta, epsilon, order} from bench/golden/opacus_rdp_golden.py
        double[][] cases = {
                {0.01, 1.1, 10000, 1e-5, 5.63199236854841, 4.7},
                {0.001, 0.8, 1000, 1e-6, 1.4618758575568853, 8.6},
                {0.1, 3.0, 100, 1e-5, 1.5279907579358132, 12},
                {0.256, 0.7, 50, 1e-3, 20.790450107434516, 1.7},
                {1.0, 5.0, 10, 1e-5, 2.8136532471298397, 7.9},
                {0.02, 4.0, 1, 1e-5, 0.10375155803088293, 63},
                {0.5, 0.3, 3, 1e-2, 25.844714975157142, 1.4},
        };
        for (double[] c : cases) {
            var e = RdpAccountant.epsilon(c[0], c[1], (long) c[2], c[3]);
            assertRelative(c[4], e.epsilon(), 1e-9);
            assertEquals(c[5], e.order(), 1e-12);
        }
    }

    @Test
    void noiseMultiplierForATargetEpsilon() {
        // Opacus's tests: places=4; the golden script gives 1.416015625 and 1.356201171875 exactly
        assertEquals(1.416015625, RdpAccountant.noiseMultiplier(8, 1e-5, 0.04, 2250, 0.01), 1e-12);
        assertEquals(1.356201171875, RdpAccountant.noiseMultiplier(8, 1e-5, 0.04, 2000, 0.01), 1e-12);
    }

    @Test
    void logErfcAgainstTheStandardLibrary() {
        // Python: math.log(math.erfc(x)), and erfc's asymptotic series for x = 30 where it underflows
        double[][] cases = {{-3.0, 0.6931361352504468}, {-0.5, 0.41903914777555956}, {0.1, -0.11930497373739554},
                {0.9, -1.5940972465793173}, {1.3, -2.7182209220903846}, {2.0, -5.364941264616638},
                {5.0, -27.200889545537436}, {20.0, -403.56934333410425}, {30.0, -903.9741171106439}};
        for (double[] c : cases) assertEquals(c[1], LogErfc.of(c[0]), Math.abs(c[1]) * 1e-13 + 1e-15, "x=" + c[0]);
        assertEquals(0, LogErfc.of(0));
    }

    @Test
    void refusesMeaninglessInput() {
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(0.1, 0, 10, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(0, 1, 10, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(1.5, 1, 10, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(0.1, 1, 0, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(0.1, 1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(0.1, 1, 10, 0));
    }
}
