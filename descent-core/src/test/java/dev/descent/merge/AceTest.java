package dev.descent.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACE-Merging against the worked example of its specification: {@code src/test/resources/golden/
 * ace_merging_example.py} re-derives the authors' {@code ace_merging} in NumPy; the expected values below
 * are its printed output ({@code ace_merging_example.out}, 10 decimals).
 */
class AceTest {
    static final double[] W1 = {0.2, -0.1, 0, 0.3, 0.1, 0.1, 0.4, -0.2, 0, 0.05, 0, 0.1, 0.3, -0.1, 0.2, 0.15, -0.05, 0.1, 0.2, -0.3};
    static final double[] W2 = {0.05, 0.02, 0.1, -0.04, 0, -0.03, 0.06, 0, 0.08, 0.01, 0.07, -0.01, 0.02, 0.03, -0.05, 0, 0.04, -0.06, 0.01, 0.02};

    static double[] scaled(double[] w, double s) {
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) r[i] = s * w[i];
        return r;
    }

    @Test
    void similarScalesTakeTheClosedFormWithoutRefinement() {
        Ace.Result r = Ace.merge(List.of(scaled(W1, 0.1), scaled(W2, 0.4)), 4, 5);
        assertArrayEquals(new double[] {0.006775, 0.0064}, r.energies(), 1e-15);
        assertEquals(6.425425412890386e-05, r.gamma(), 1e-15);
        assertFalse(r.flag());
        assertArrayEquals(new double[] {-0.00002945, 0.00004185, 0.0003166, -0.0000532, 0.00023875}, r.prior(), 1e-15);
        assertArrayEquals(new double[] {
            0.0118796644, -0.0119888682, 0.0155521629, -0.0023141021, 0.0044584408,
            -0.0116475304, 0.0237184863, -0.0162065231, 0.0069781558, 0.0049976822,
            0.0036551266, -0.006345406, 0.013719061, -0.0091864887, 0.0014407043,
            -0.0038872606, -0.0053842121, -0.0130647008, 0.0045224349, -0.0108968273}, r.merged(), 6e-11);
    }

    @Test
    void heterogeneousScalesSetTheFlagAndRefineTheSpectrum() {
        Ace.Result r = Ace.merge(List.of(W1, scaled(W2, 0.05)), 4, 5);
        assertArrayEquals(new double[] {0.6775, 0.0001}, r.energies(), 1e-14);
        assertEquals(1.6886943413853381, r.gamma(), 1e-12);
        assertTrue(r.flag());
        assertArrayEquals(new double[] {-0.0160248954, 0.0233888432, 0.1795147796, -0.0288726121, 0.1291533625}, r.prior(), 6e-11);
        assertArrayEquals(new double[] {
            -3.9590430617, 9.1140249392, -2.1658898179, -8.4713905104, 6.701472945,
            4.4587046217, -10.2647276038, 2.4429691839, 9.5422857132, -7.5476233484,
            2.6604708307, -6.1198632253, 1.4575585269, 5.6843355106, -4.4996105423,
            -5.4907999001, 12.6343467143, -3.0116564821, -11.7388343826, 9.2892039308}, r.merged(), 1e-8);
    }

    @Test
    void oneTaskHasNoFlag() {
        Ace.Result r = Ace.merge(List.of(W1), 4, 5);
        assertTrue(Double.isNaN(r.gamma()));
        assertFalse(r.flag());
    }

    @Test
    void mergeAppliesAceToMatricesAndTheMeanElsewhere(@TempDir Path dir) throws IOException {
        Map<String, int[]> shapes = Map.of("w", new int[] {4, 5}, "b", new int[] {3});
        float[] zero = new float[20];
        MergeFixtures.model(dir, "base", Map.of("w", zero, "b", new float[] {1, 2, 3}), shapes);
        MergeFixtures.model(dir, "a", Map.of("w", floats(scaled(W1, 0.1)), "b", new float[] {2, 2, 2}), shapes);
        MergeFixtures.model(dir, "c", Map.of("w", floats(scaled(W2, 0.4)), "b", new float[] {0, 4, 6}), shapes);
        var out = MergeFixtures.merge(dir, """
                merge_method: ace
                base_model: base.safetensors
                models:
                  - model: a.safetensors
                  - model: c.safetensors
                """);
        assertArrayEquals(new float[] {1, 3, 4}, out.get("b"), 1e-6f); // 1 + mean(1, -1), 2 + mean(0, 2), 3 + mean(-1, 3)
        double[] inputs0 = {floats(scaled(W1, 0.1))[0], floats(scaled(W2, 0.4))[0]};
        assertEquals(0.0118796644, out.get("w")[0], 1e-6, "from float32 inputs " + inputs0[0] + ", " + inputs0[1]);
        assertEquals(-0.0108968273, out.get("w")[19], 1e-6);
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
