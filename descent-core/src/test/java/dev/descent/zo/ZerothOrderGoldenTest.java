package dev.descent.zo;

import dev.descent.optim.Objective;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.HyperParams;
import dev.descent.optim.OptState;
import dev.descent.optim.Optimizer;
import dev.descent.optim.ParamSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden values from {@code src/test/resources/zo/zo_golden.py}, an independent float64 numpy
 * script (run it from that folder: {@code python3 zo_golden.py}). It regenerates every random
 * direction itself from the documented keys — Philox-4x32-10, the purpose-name hash and derive,
 * Box–Muller and the bit layouts of {@code spsa_golden.py} — and re-derives RISE, central CGE,
 * ZO-SGD with torch momentum, ZO-AdaMM and ZO-GraSP from their equations; nothing here was printed
 * by the Java code. Each test quotes the script's output lines it checks.
 */
class ZerothOrderGoldenTest {
    private static void assertClose(double[] expected, float[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.max(1, Math.abs(expected[i])), what + " element " + i);
        }
    }

    // ---------------------------------------------------------------- RISE

    private static final float[] G = {0.8f, -1.5f, 0.3f, 2.0f, -0.7f, 1.1f, 0.25f, -0.4f, 1.6f, -0.9f};

    private static ParamSet riseSet() {
        return ParamSet.of(new float[10], List.of("w", "b"), List.of(new int[] {2, 3}, new int[] {4}));
    }

    /**
     * Shaped gradient ĝ = c/q Σ (uᵢᵀg) uᵢ per block for a [2, 3] matrix and a [4] vector with a fixed
     * gradient; directions from stream (5, "rise") derived by the step, block at state offset o of
     * dimension d using values q·o + i·d + [0, d). Script output:
     * <pre>
     * rise tensor gaussian q3 seed5 step0 [0.4208968761711181, -1.6074312213148807, 0.7825793877114673, 1.0530318937376801, -1.807250287259676, 0.9699715821939898, 0.029914843812175664, 0.0014215350314310752, 0.0819303960558372, 0.05126845493105206]
     * rise tensor gaussian q3 seed5 step1 [0.024742791620230388, -0.4104893442735356, 1.9587536687143847, 1.2307222624951968, 0.18359463376310717, -0.07014198126597115, 0.5160389386706082, -0.3160608917856918, 1.339151523353543, -0.30971539419546146]
     * rise row rademacher q2 seed5 step0 [0.5656854333786078, -1.2727922145651553, 1.2727922145651553, 2.1920310385370367, -0.4949747384012136, 2.1920310385370367, -1.1067971999075765, -1.1067971999075765, 1.1067971999075765, -0.5692099637513933]
     * </pre>
     * Tolerance 1e-6 relative: Java sums in float64 over float32 directions and stores ĝ in float32
     * (relative 6e-8); a Gaussian whose float32 rounding differs by one ulp between the script's
     * cos and StrictMath's moves ĝ by about 1e-7 relative. A wrong key, counter offset or constant
     * changes the values at order 1. Observed ≤ 5e-8.
     */
    @Test
    void riseShapesTensorAndRowBlocks() {
        ParamSet set = riseSet();
        GradientTransformation tensor = Rise.shape(3, Rise.Blocks.parse("tensor"), Rise.Directions.GAUSSIAN, 5);
        OptState st = tensor.init(set);
        float[] u = G.clone();
        tensor.update(u, st, set);
        assertClose(new double[] {0.4208968761711181, -1.6074312213148807, 0.7825793877114673, 1.0530318937376801, -1.807250287259676,
                0.9699715821939898, 0.029914843812175664, 0.0014215350314310752, 0.0819303960558372, 0.05126845493105206}, u, 1e-6, "tensor step 0");
        u = G.clone();
        tensor.update(u, st, set);
        assertClose(new double[] {0.024742791620230388, -0.4104893442735356, 1.9587536687143847, 1.2307222624951968, 0.18359463376310717,
                -0.07014198126597115, 0.5160389386706082, -0.3160608917856918, 1.339151523353543, -0.30971539419546146}, u, 1e-6, "tensor step 1");

        GradientTransformation row = Rise.shape(2, Rise.Blocks.parse("row"), Rise.Directions.RADEMACHER, 5);
        u = G.clone();
        row.update(u, row.init(set), set);
        assertClose(new double[] {0.5656854333786078, -1.2727922145651553, 1.2727922145651553, 2.1920310385370367, -0.4949747384012136,
                2.1920310385370367, -1.1067971999075765, -1.1067971999075765, 1.1067971999075765, -0.5692099637513933}, u, 1e-6, "row Rademacher");
    }

    // ---------------------------------------------------------------- central CGE

    private static final double[][] M = {{0.5, -1.0, 0.25, 2.0, 0.0}, {1.5, 0.3, -0.6, 0.0, 0.8}, {-0.4, 0.9, 0.0, -1.2, 0.6}};

    /** f(θ) = log Σ_k exp((Mθ)_k) + 0.1 Σ θᵢ⁴ in float64 (not quadratic, so central differences are not exact). */
    private static double logSumExpPlusQuartic(float[] t) {
        double[] z = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 5; i++) z[k] += M[k][i] * t[i];
            max = Math.max(max, z[k]);
        }
        double s = 0;
        for (double v : z) s += Math.exp(v - max);
        double quartic = 0;
        for (float v : t) quartic += Math.pow(v, 4);
        return max + Math.log(s) + 0.1 * quartic;
    }

    /**
     * Central CGE, μ = 1e-2, at θ = f32([1.3, −0.7, 2.9, 0.05, −1.1]): ĝᵢ = (f(θ + h⁺eᵢ) − f(θ − h⁻eᵢ))/(h⁺ + h⁻)
     * with the steps actually stored in float32. Script output:
     * <pre>
     * cge central mu 1e-2 all [1.4083122714361513, -1.0484357632790242, 9.963982229299488, 1.858886060980447, -0.4871660779003522]
     *   relative change if divided by 2 mu instead: [9.5e-07, 9.5e-07, 9.5e-07, 1.6e-07, 9.5e-07]
     * cge subset seed 3 step 4: [4, 0]
     * cge central mu 1e-2 subset [1.4083122714361513, 0.0, 0.0, 0.0, -0.4871660779003522]
     * </pre>
     * Tolerance 2.5e-7 relative: both sides evaluate f in float64 on the same float32 points, so the
     * difference is the float32 rounding of ĝ (≤ 6e-8 relative) — and it is tight enough that
     * dividing by 2μ instead of the stored step (9.5e-7 relative here) fails.
     */
    @Test
    void centralCoordinateEstimate() {
        float[] theta = {1.3f, -0.7f, 2.9f, 0.05f, -1.1f};
        float[] before = theta.clone();
        float[] grad = new float[5];
        Objective f = () -> logSumExpPlusQuartic(theta);
        var all = new CoordinateGradientEstimator(1e-2, CoordinateGradientEstimator.Difference.CENTRAL, CoordinateGradientEstimator.ALL, 0);
        double f0 = all.estimate(theta, f, grad, 0);
        assertEquals(logSumExpPlusQuartic(before), f0, 0.0, "f(θ) is the step's loss");
        assertClose(new double[] {1.4083122714361513, -1.0484357632790242, 9.963982229299488, 1.858886060980447, -0.4871660779003522},
                grad, 2.5e-7, "all coordinates");
        assertArrayEquals(before, theta, "θ restored exactly");

        var two = new CoordinateGradientEstimator(1e-2, CoordinateGradientEstimator.Difference.CENTRAL, 2, 3);
        two.estimate(theta, f, grad, 4);
        assertClose(new double[] {1.4083122714361513, 0, 0, 0, -0.4871660779003522}, grad, 2.5e-7, "coordinates {4, 0} of seed 3, step 4");
    }

    // ---------------------------------------------------------------- zo_sgd, zo_adam

    private static final double[][] A = {{4.0, 1.0, 0.0, 0.5}, {1.0, 3.0, 0.2, 0.0}, {0.0, 0.2, 2.0, 0.3}, {0.5, 0.0, 0.3, 1.0}};
    private static final double[] B = {0.5, -1.0, 0.25, 2.0};

    /** spsa_golden.py's quadratic ½θᵀAθ + bᵀθ, in float64. */
    private static double quadratic(float[] t) {
        double f = 0;
        for (int i = 0; i < 4; i++) {
            f += B[i] * t[i];
            for (int j = 0; j < 4; j++) f += 0.5 * t[i] * A[i][j] * t[j];
        }
        return f;
    }

    private static float[] twoSteps(String name, Map<String, String> hyper) {
        float[] t = {1.0f, -2.0f, 0.5f, 0.75f};
        float[] g = new float[4];
        Optimizer opt = ZerothOrderOptimizers.create(name, ParamSet.of(t, List.of("w"), List.of(new int[] {4})), g,
                new HyperParams(hyper), () -> quadratic(t));
        opt.step();
        opt.step();
        return t;
    }

    /**
     * Central Gaussian SPSA (seed 11, μ 1e-3, q 2) on spsa_golden.py's quadratic, then torch SGD with
     * momentum 0.9, lr 0.05 (first buffer = ĝ); 2 steps. The script reproduces the in-place
     * perturbation +μz, −2μz, +μz in float32 and the float32 accumulation of ĝ. Script output:
     * <pre>
     * zo_sgd momentum 0.9 lr 0.05 step 2 [0.9381213188171387, -0.8279768824577332, 0.4517366886138916, -0.10036413371562958]
     * </pre>
     * Tolerance 1e-6 relative: the script runs the momentum and the update in float64 where Java uses
     * float32 (a few ulps of 6e-8 per step; a one-ulp change of θ after step 1 moves step 2's central
     * difference by ~|A|·ulp, and θ by lr times that); observed 1.5e-8. A wrong direction, momentum
     * convention (zero-started buffer) or q scaling moves θ by ≥ 1e-2.
     */
    @Test
    void zoSgdWithMomentumTwoSteps() {
        float[] t = twoSteps("zo_sgd", Map.of("lr", "0.05", "momentum", "0.9", "mu", "1e-3", "q", "2", "seed", "11"));
        assertClose(new double[] {0.9381213188171387, -0.8279768824577332, 0.4517366886138916, -0.10036413371562958}, t, 1e-6, "zo_sgd");
    }

    /**
     * The same estimates through ZO-AdaMM (Adam moments with torch's bias correction, AMSGrad maximum,
     * β = (0.9, 0.999), ε 1e-8, lr 0.05); 2 steps. Script output:
     * <pre>
     * zo_adam amsgrad lr 0.05 step 1 [0.949999988079071, -1.9500000476837158, 0.44999995827674866, 0.6999999284744263]
     * zo_adam amsgrad lr 0.05 step 2 [0.9761231541633606, -1.9019020795822144, 0.4671056270599365, 0.6533610224723816]
     * </pre>
     * Tolerance 1e-6 relative, as for ZO-SGD (Adam's float32 moments vs the script's float64); observed 3e-8.
     */
    @Test
    void zoAdamTwoSteps() {
        float[] t = twoSteps("zo_adam", Map.of("lr", "0.05", "mu", "1e-3", "q", "2", "seed", "11"));
        assertClose(new double[] {0.9761231541633606, -1.9019020795822144, 0.4671056270599365, 0.6533610224723816}, t, 1e-6, "zo_adam");
    }

    // ---------------------------------------------------------------- ZO-GraSP

    private static final double[][] H = {
            {3.0, 0.5, 0.0, 0.2, 0.0, 0.1, 0.3, 0.0}, {0.5, 2.0, 0.4, 0.0, 0.1, 0.0, 0.0, 0.2},
            {0.0, 0.4, 1.0, 0.3, 0.0, 0.0, 0.1, 0.0}, {0.2, 0.0, 0.3, 4.0, 0.6, 0.0, 0.0, 0.0},
            {0.0, 0.1, 0.0, 0.6, 0.5, 0.2, 0.0, 0.1}, {0.1, 0.0, 0.0, 0.0, 0.2, 2.5, 0.0, 0.0},
            {0.3, 0.0, 0.1, 0.0, 0.0, 0.0, 1.0, 0.0}, {0.0, 0.2, 0.0, 0.0, 0.1, 0.0, 0.0, 1.0}};
    private static final double[] BG = {0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.0, 0.1};

    private static double graspObjective(float[] t) {
        double f = 0;
        for (int i = 0; i < 8; i++) {
            f += BG[i] * t[i] + 0.05 * Math.pow(t[i], 4);
            for (int j = 0; j < 8; j++) f += 0.5 * t[i] * H[i][j] * t[j];
        }
        return f;
    }

    /**
     * ZO-GraSP on "w" [2, 3] (prunable) and "b" [2] (dense): q 3, μ 5e-3, seed 2, sparsity 0.5 (drop
     * 3 of 6). Script output:
     * <pre>
     * zograsp scores q3 mu 5e-3 seed 2 [-0.14409073652636217, 10.764928584910804, 9.97129964728139, -51.50344180523874, -2.5408076591329696, -1.9771114348150798]
     * zograsp mask sparsity 0.5 [0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0]
     * </pre>
     * Scores: 1e-5 relative (floor 1e-4 absolute). Ĥg = (ĝ(θ′) − ĝ(θ))/μ divides by μ, so a one-ulp
     * difference in a float32 Gaussian (6e-8 relative) or in the rounding of θ′ becomes ~1e-5
     * absolute in S; observed ≤ 1e-6. The mask must match exactly: the kept and dropped |S| are far apart (2.5 vs 10).
     */
    @Test
    void zoGraspScoresAndMask() {
        float[] t = {0.9f, -1.2f, 0.4f, 1.5f, -0.3f, 0.8f, 0.2f, -0.5f};
        float[] before = t.clone();
        ParamSet set = ParamSet.of(t, List.of("w", "b"), List.of(new int[] {2, 3}, new int[] {2}));
        float[] s = ZoGrasp.scores(t, () -> graspObjective(t), set, ZoGrasp.MATRICES, 3, 5e-3, 2);
        assertArrayEquals(before, t, "θ restored exactly");
        double[] expected = {-0.14409073652636217, 10.764928584910804, 9.97129964728139, -51.50344180523874, -2.5408076591329696, -1.9771114348150798, 0, 0};
        for (int i = 0; i < 8; i++) assertEquals(expected[i], s[i], Math.max(1e-4, 1e-5 * Math.abs(expected[i])), "score " + i);
        assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0, 1, 1}, ZoGrasp.mask(s, set, ZoGrasp.MATRICES, 0.5));
    }
}
