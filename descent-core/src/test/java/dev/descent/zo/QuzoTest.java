package dev.descent.zo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;
import dev.descent.quant.StochasticRounding;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QuZO: its stochastic rounding, one step against numpy, MeZO at 32 bits, the b-bit forward weights, resuming. */
class QuzoTest {
    /** w (2×2, quantized) and bias (2, float32) over one buffer. */
    private static ParamSet weightsAndBias(float[] values) {
        return ParamSet.of(values, List.of("w", "bias"), List.of(new int[] {2, 2}, new int[] {2}));
    }

    private static final double[] A = {1, 2, 3, 4, 1, 2};
    private static final double[] C = {0.5, -1, 0.3, 0.2, -0.4, 0.1};

    private static Objective quadratic(float[] theta) {
        return () -> {
            double s = 0;
            for (int i = 0; i < theta.length; i++) s += 0.5 * A[i] * theta[i] * theta[i] + C[i] * theta[i];
            return s;
        };
    }

    /**
     * E[SR(x)] = x: the mean of 200 000 draws (Philox uniforms, fixed seed) is within 5 standard errors
     * √(f(1−f)/N) of x (f the fractional part), and every draw is ⌊x⌋ or ⌈x⌉.
     */
    @Test
    void stochasticRoundingIsUnbiasedAndLandsOnANeighbour() {
        Philox xi = Philox.stream(11, "test/sr");
        int n = 200_000;
        double[] xs = {2.3, -1.7, 0.05, -0.999, 5.0, 123.5};
        for (int k = 0; k < xs.length; k++) {
            double x = xs[k];
            double lo = Math.floor(x), hi = Math.ceil(x);
            Philox s = xi.derive(k);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int r = StochasticRounding.round(x, s.uniform(i));
                assertTrue(r == lo || r == hi, "SR(" + x + ") = " + r);
                sum += r;
            }
            double f = x - lo;
            double se = Math.sqrt(f * (1 - f) / n);
            assertEquals(x, sum / n, 5 * se + 1e-12, "mean of SR(" + x + ")");
        }
        assertEquals(2, StochasticRounding.nearest(2.5));
        assertEquals(-4, StochasticRounding.nearest(-3.5));
    }

    /**
     * One step (4 bits, ε 0.05, η 0.02, λ 0.1, seed 7, fixed u) against bench/golden/quzo_step_golden.py
     * (numpy, float64 losses over float32 values; the uniforms are the inputs the optimizer draws, copied
     * into the script). The codes and the float32 bias must match exactly; the losses to 1e-12.
     */
    @Test
    void oneStepMatchesNumpy() {
        float[] theta = {0.7f, -0.33f, 0.2f, -0.06f, 0.1f, -0.2f};
        List<Double> losses = new ArrayList<>();
        Objective f = quadratic(theta);
        Objective logged = () -> {
            double l = f.loss();
            losses.add(l);
            return l;
        };
        Quzo opt = new Quzo(weightsAndBias(theta), logged, 0.02, 0.05, 0.1, 1, 7,
                Directions.fixed(new float[] {0.9f, -1.3f, 0.4f, 2.1f, 0.5f, -0.7f}), 4, Quzo.Rounding.STOCHASTIC);
        assertEquals(0.10000000149011612, opt.scales()[0], 0.0);
        opt.step();
        assertEquals(1.26453749888539, losses.get(0), 1e-12);
        assertEquals(0.863537531980872, losses.get(1), 1e-12);
        assertEquals(4.00999966904521, opt.projectedGradients()[0], 1e-10);
        float[] expected = {0.6000000238418579f, -0.10000000149011612f, 0.20000000298023224f, -0.20000000298023224f,
                0.05990000441670418f, -0.14385999739170074f};
        assertArrayEquals(expected, theta);
    }

    /** A small two-layer problem with a bias, for the longer runs. */
    private static float[] mlpStart() {
        Philox p = Philox.stream(3, "test/quzo-mlp");
        float[] v = new float[4 * 3 + 3];
        for (int i = 0; i < v.length; i++) v[i] = p.gaussian(i) * 0.5f;
        return v;
    }

    private static ParamSet mlpSet(float[] v) {
        return ParamSet.of(v, List.of("w", "bias"), List.of(new int[] {4, 3}, new int[] {3}));
    }

    /** Σₙ (softplus(x·W + b) · 1 − yₙ)² over a fixed batch: smooth and not quadratic. */
    private static Objective mlpLoss(float[] v) {
        return () -> {
            double s = 0;
            for (int n = 0; n < 8; n++) {
                double out = 0;
                for (int h = 0; h < 3; h++) {
                    double a = v[12 + h];
                    for (int i = 0; i < 4; i++) a += Math.sin(n + 0.7 * i) * v[i * 3 + h];
                    out += Math.log1p(Math.exp(a));
                }
                double r = out - Math.cos(n);
                s += r * r;
            }
            return s / 8;
        };
    }

    /** With bits = 32 nothing is quantized and QuZO is MeZO bit for bit (q = 1 fused, and q = 2), with weight decay. */
    @Test
    void withoutQuantizationItIsMezoBitForBit() {
        for (int q : new int[] {1, 2}) {
            float[] a = mlpStart();
            float[] b = mlpStart();
            Mezo mezo = new Mezo(mlpSet(a), mlpLoss(a), 1e-2, 1e-3, 0.05, q, 5, DirectionKind.GAUSSIAN);
            Quzo quzo = new Quzo(mlpSet(b), mlpLoss(b), 1e-2, 1e-3, 0.05, q, 5, DirectionKind.GAUSSIAN, Quzo.NO_QUANTIZATION, Quzo.Rounding.STOCHASTIC);
            for (int t = 0; t < 30; t++) {
                mezo.step();
                quzo.step();
                assertArrayEquals(a, b, "q = " + q + ", step " + t);
                assertEquals(mezo.projectedGradients()[0], quzo.projectedGradients()[0], 0.0);
            }
            assertEquals(mezo.scalars().get("loss"), quzo.scalars().get("loss"), 0.0);
        }
    }

    /**
     * Every loss evaluation sees b-bit weights: each quantized value is s·c with c an integer in
     * [−L, L]; between steps the stored model is on the grid too; and the run is deterministic in the seed
     * (4 bits with the float master copy, 8 bits with the update on the codes).
     */
    @Test
    void forwardPassesSeeGridWeights() {
        for (int bits : new int[] {4, 8}) {
            float[] v = mlpStart();
            int levels = (1 << (bits - 1)) - 1;
            float[] scale = new float[1];
            Objective inner = mlpLoss(v);
            int[] checked = {0};
            Objective checking = () -> {
                for (int i = 0; i < 12; i++) {
                    double c = v[i] / (double) scale[0];
                    long r = Math.round(c);
                    assertEquals(v[i], (float) r * scale[0], 0.0f, "weight " + i + " off the grid");
                    assertTrue(Math.abs(r) <= levels);
                }
                checked[0]++;
                return inner.loss();
            };
            Quzo opt = new Quzo(mlpSet(v), checking, 5e-3, 1e-2, 0, 1, 9, DirectionKind.GAUSSIAN, bits, Quzo.Rounding.STOCHASTIC, bits == 4);
            scale[0] = opt.scales()[0];
            for (int t = 0; t < 40; t++) opt.step();
            checking.loss();
            assertEquals(81, checked[0]);
            float[] again = mlpStart();
            Quzo twin = new Quzo(mlpSet(again), mlpLoss(again), 5e-3, 1e-2, 0, 1, 9, DirectionKind.GAUSSIAN, bits, Quzo.Rounding.STOCHASTIC, bits == 4);
            for (int t = 0; t < 40; t++) twin.step();
            assertArrayEquals(v, again);
        }
    }

    /**
     * Round to nearest with a perturbation well inside half a grid step (ε|u| &lt; s/2) leaves the
     * forward weights unchanged, so the estimate is exactly 0 and the model never moves: the failure of
     * naive MeZO on a quantized model. Stochastic rounding at the same ε does move it.
     */
    @Test
    void nearestRoundingStallsWhereStochasticRoundingMoves() {
        float[] v = mlpStart();
        float[] start = v.clone();
        // the weights only (a float bias would carry a signal of its own)
        Quzo naive = new Quzo(mlpSet(v).subset(s -> s.name().equals("w")), mlpLoss(v), 1e-2, 1e-5, 0, 1, 2, DirectionKind.GAUSSIAN, 4, Quzo.Rounding.NEAREST);
        float[] grid = v.clone();
        for (int t = 0; t < 20; t++) {
            naive.step();
            assertEquals(0.0, naive.projectedGradients()[0], 0.0);
        }
        assertArrayEquals(grid, v);
        float[] w = start.clone();
        Quzo sr = new Quzo(mlpSet(w).subset(s -> s.name().equals("w")), mlpLoss(w), 1e-2, 1e-2, 0, 1, 2, DirectionKind.GAUSSIAN, 4, Quzo.Rounding.STOCHASTIC);
        for (int t = 0; t < 20; t++) sr.step();
        boolean moved = false;
        for (int i = 0; i < 12; i++) moved |= w[i] != grid[i];
        assertTrue(moved);
    }

    /** Saving after 7 steps and resuming in a new optimizer gives the uninterrupted run's bits (update on the codes, and on a float master). */
    @Test
    void resumesFromItsState() {
        resumes(false);
        resumes(true);
    }

    private static void resumes(boolean floatMaster) {
        float[] a = mlpStart();
        Quzo whole = new Quzo(mlpSet(a), mlpLoss(a), 5e-3, 1e-2, 0.01, 1, 4, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.STOCHASTIC, floatMaster);
        for (int t = 0; t < 15; t++) whole.step();

        float[] b = mlpStart();
        Quzo first = new Quzo(mlpSet(b), mlpLoss(b), 5e-3, 1e-2, 0.01, 1, 4, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.STOCHASTIC, floatMaster);
        for (int t = 0; t < 7; t++) first.step();
        Map<String, Tensor> state = first.state();
        Map<String, Double> scalars = first.scalars();
        float[] saved = b.clone();
        float[] c = mlpStart(); // a fresh model whose scales differ from the saved ones until loaded
        for (int i = 0; i < 12; i++) c[i] *= 1.5f;
        Quzo resumed = new Quzo(mlpSet(c), mlpLoss(c), 5e-3, 1e-2, 0.01, 1, 4, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.STOCHASTIC, floatMaster);
        System.arraycopy(saved, 0, c, 0, c.length);
        resumed.loadState(state, scalars);
        for (int t = 7; t < 15; t++) resumed.step();
        assertArrayEquals(a, c);
    }

    @Test
    void refusesBadSettings() {
        float[] v = mlpStart();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Quzo(mlpSet(v), mlpLoss(v), 1e-3, 1e-3, 0, 1, 0, DirectionKind.GAUSSIAN, 12, Quzo.Rounding.STOCHASTIC));
        assertTrue(e.getMessage().contains("bits=12"), e.getMessage());
        float[] zeros = new float[15];
        e = assertThrows(IllegalArgumentException.class,
                () -> new Quzo(mlpSet(zeros), mlpLoss(zeros), 1e-3, 1e-3, 0, 1, 0, DirectionKind.GAUSSIAN, 8, Quzo.Rounding.STOCHASTIC));
        assertTrue(e.getMessage().contains("parameter w"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Quzo.Rounding.parse("floor"));
        assertTrue(e.getMessage().contains("stochastic, nearest"), e.getMessage());
    }
}
