package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.Objective;
import dev.descent.quant.Compander;
import dev.descent.tensor.Codebook;
import dev.descent.tensor.Int4BlockTensor;
import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CAQ-ZO ({@link CaqZo}), its compander ({@link Compander}) and the off-grid baseline ({@link OffGridQuantizedZo}). */
class CaqZoTest {
    private static final int N = 32;

    /** One NF4 block of 32 codes with absmax {@code scale}. */
    private static Int4BlockTensor tensor(int[] codes, float scale) {
        Int4BlockTensor t = new Int4BlockTensor(new byte[N / 2], new float[] {scale}, Codebook.NF4, N);
        for (int i = 0; i < N; i++) t.setCode(i, codes[i]);
        return t;
    }

    @Test
    void companderRoundingIsNearestLevelRounding() {
        Compander c = Compander.NF4;
        for (int j = 0; j < 16; j++) {
            assertEquals(j, c.phi(Codebook.NF4.level(j)), 1e-12);
            assertEquals(Codebook.NF4.level(j), c.phiInverse(j));
        }
        for (int k = -1100; k <= 1100; k++) {
            double x = k / 1000.0 + 1e-7; // off the midpoints (ties)
            assertEquals(Codebook.NF4.encode((float) x), c.code(x), "x = " + x);
        }
        assertThrows(IllegalArgumentException.class, () -> new Compander(Codebook.INT4));
    }

    /**
     * specs/worked_examples/ar1zo_caqzo_example.py (numpy float64) → .out: absmax 0.5, w = [0.2, −0.05, 0.31] ⇒
     * z = [12, 6, 13]; r = [1, −1, 1]; loss ½‖w − [0.25, −0.1, 0.2]‖²; η = 0.5. Here decoding is float32
     * (level·absmax), so the weights are compared to 1e-7, ĝ to 1e-8 and the master z (float32 near 12) to 2e-6.
     */
    @Test
    void reproducesTheWorkedExample() {
        int[] codes = new int[N];
        java.util.Arrays.fill(codes, 7);
        float[] w = {0.2f, -0.05f, 0.31f};
        for (int i = 0; i < 3; i++) codes[i] = Compander.NF4.code(w[i] / 0.5);
        assertArrayEquals(new int[] {12, 6, 13}, java.util.Arrays.copyOf(codes, 3));
        Int4BlockTensor t = tensor(codes, 0.5f);
        double[] target = {0.25, -0.1, 0.2};
        List<float[]> seen = new ArrayList<>();
        Objective loss = () -> {
            float[] v = new float[3];
            double l = 0;
            for (int i = 0; i < 3; i++) {
                v[i] = t.get(i);
                l += 0.5 * (v[i] - target[i]) * (v[i] - target[i]);
            }
            seen.add(v);
            return l;
        };
        float[] r = new float[N];
        for (int i = 0; i < N; i++) r[i] = i % 2 == 0 ? 1 : -1; // [1, −1, 1, …]
        CaqZo opt = new CaqZo(new QuantizedWeights(List.of(t)), loss, 0.5, 0, Directions.fixed(r));
        opt.step();
        double[] wp = {0.281308502, -0.0923867151, 0.3614784181};
        double[] wm = {0.1689576209, 0, 0.2203549147};
        for (int i = 0; i < 3; i++) {
            assertEquals(wp[i], seen.get(0)[i], 1e-7, "w+[" + i + "]");
            assertEquals(wm[i], seen.get(1)[i], 1e-7, "w-[" + i + "]");
            assertEquals(0.0025328185 * r[i], opt.projectedGradient() * r[i], 1e-8, "g_z[" + i + "]");
        }
        double[] zNew = {11.9987335907, 6.0012664093, 12.9987335907};
        double[] stored = {0.2203549147, -0.0455250181, 0.281308502};
        for (int i = 0; i < 3; i++) {
            assertEquals(zNew[i], opt.master()[i], 2e-6, "z[" + i + "]");
            assertEquals(stored[i], t.get(i), 1e-7, "stored w[" + i + "]");
        }
        assertEquals(0.0, opt.lastEndpointResidual(), "endpoints are grid points: the engine evaluates the intended chord");
    }

    /** Random codes and scales over several blocks and steps: CAQ-ZO's residual is exactly 0; the off-grid baseline's is not. */
    @Test
    void endpointRoundingResidualIsZeroForCaqZoAndPositiveOffGrid() {
        Philox rnd = Philox.stream(9, "test/caq");
        int blocks = 8;
        List<Int4BlockTensor> caq = new ArrayList<>();
        List<Int4BlockTensor> off = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            int[] codes = new int[N];
            for (int i = 0; i < N; i++) codes[i] = rnd.nextInt(b * N + i, 16);
            float scale = 0.05f + rnd.uniform(10_000 + b);
            caq.add(tensor(codes, scale));
            off.add(tensor(codes, scale));
        }
        QuantizedWeights qc = new QuantizedWeights(caq);
        QuantizedWeights qo = new QuantizedWeights(off);
        Objective lc = quadratic(qc);
        Objective lo = quadratic(qo);
        CaqZo a = new CaqZo(qc, lc, 50, 3);
        // μ = 0.01 in weight units: smaller than the dense cells near 0 (collapse) — the abstract's failure mode
        OffGridQuantizedZo o = new OffGridQuantizedZo(qo, lo, 1e-3, 0.01, Directions.seeded(DirectionKind.RADEMACHER, 3));
        double offSum = 0;
        for (int t = 0; t < 5; t++) {
            a.step();
            o.step();
            assertEquals(0.0, a.lastEndpointResidual(), "CAQ-ZO step " + t);
            assertTrue(o.lastEndpointResidual() > 0, "off-grid step " + t);
            offSum += o.lastEndpointResidual();
        }
        assertTrue(offSum / 5 > 0.1, "mean off-grid residual " + offSum / 5);
        // the stored codes are round(z) of the master coordinates
        float[] z = a.master();
        for (int i = 0; i < z.length; i++) assertEquals(Compander.round(z[i]), qc.code(i));
    }

    /** ½ Σ (w_i − 0.1·sin i)² over the decoded weights. */
    private static Objective quadratic(QuantizedWeights q) {
        return () -> {
            double l = 0;
            for (int i = 0; i < q.size(); i++) {
                double d = q.value(i, q.code(i)) - 0.1 * Math.sin(i);
                l += 0.5 * d * d;
            }
            return l;
        };
    }
}
