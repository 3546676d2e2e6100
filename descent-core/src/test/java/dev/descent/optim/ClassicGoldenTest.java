package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden values for every optimizer of {@link ClassicOptimizers}: three steps from θ₀ = [1, −2 | 0.5, 3]
 * (two tensors "a" and "b" of two elements, so LAMB's per-tensor trust ratio is exercised) with fixed
 * gradients, compared with numbers from an independent float64 NumPy script written from each
 * reference's documented algorithm: {@code src/test/resources/golden/classic_golden.py} (its output is
 * {@code classic_golden.out} beside it). The script's formulas, per optimizer, are quoted above each
 * constant. Lion also checks the worked example of {@code specs/10_lion.md}.
 *
 * <p>Tolerance: parameters are O(1) and each of the three steps rounds a handful of float32
 * operations, so |Δ| ≤ 1e-6·max(1, |ref|) (≈ 8 ulps of 1); state values within 2e-6 relative.
 */
class ClassicGoldenTest {
    static final float[] THETA0 = {1f, -2f, 0.5f, 3f};
    /** Dyadic, so float32 holds them exactly. */
    static final float[][] GRADS = {{0.125f, -0.25f, 0.375f, -0.5f}, {-0.5f, 0.25f, 0f, 0.625f}, {0.25f, 0.125f, -0.375f, 0.0625f}};

    // sgd: d = g + wd*p; buf = d (first) else momentum*buf + (1-dampening)*d;
    //      d = d + momentum*buf if nesterov else buf; p = p - lr*d
    static final double[] SGD_PLAIN = {1.0125000000000002, -2.0125, 0.5, 2.9812499999999997}; // lr 0.1
    // lr 0.1, momentum 0.9, dampening 0.1, weight_decay 0.01: params; momentum buffer
    static final double[] SGD_MOMENTUM = {1.023811469065, -1.97568368813, 0.42959533421999996, 3.0069323530700003};
    static final double[] SGD_MOMENTUM_BUF = {-0.05349319065000005, 0.06259388129999999, -0.02211134219999994, 0.23375346930000002};
    // lr 0.1, momentum 0.9, nesterov, weight_decay 0.01
    static final double[] SGD_NESTEROV = {1.0369255404035, -1.9896218308070002, 0.43865586835799997, 2.966305771373};
    static final double[] SGD_NESTEROV_BUF = {-0.07131521265000001, 0.09405542529999998, -0.059387728199999934, 0.3021312033000001};

    // adam: g = g + wd*p (coupled); m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
    //       denom = sqrt(v)/sqrt(1-b2**t) + eps; p = p - lr/(1-b1**t) * m/denom
    // lr 0.1, defaults (0.9, 0.999), eps 1e-8: params; m; v
    static final double[] ADAM = {0.966967721931277, -1.9304065910527197, 0.3415809509449178, 3.066209155548301};
    static final double[] ADAM_M = {-0.009875000000000002, 0.014749999999999996, -0.007124999999999996, 0.021999999999999995};
    static final double[] ADAM_V = {0.0003278437656250003, 0.00014043756250000012, 0.0002809688906250002, 0.0006436408750000005};
    // lr 0.1, weight_decay 0.1
    static final double[] ADAM_WD = {0.9157746811468516, -1.7917690900074814, 0.3218880754237435, 2.975950550163971};
    // amsgrad: as adam with vmax = maximum(vmax, v) in denom; lr 0.1, betas (0.9, 0.9), weight_decay 0.1
    static final double[] AMSGRAD = {0.9154950370009602, -1.7944420841152302, 0.32338932372392587, 2.977509245393281};
    // adamw: p = p*(1 - lr*wd) first, then the adam step on g (no coupled term); lr 0.1, wd 0.1: params (m, v = ADAM_M, ADAM_V)
    static final double[] ADAMW = {0.9386972182933885, -1.8729419593962777, 0.3293905091207119, 2.9752788878468954};

    // adagrad: g = g + wd*p; clr = lr/(1 + (t-1)*lr_decay); s = s + g*g; p = p - clr*g/(sqrt(s) + eps); s starts at init
    static final double[] ADAGRAD = {0.995337067203613, -2.00040440114631, 0.4970710678131988, 3.001412812960481}; // defaults
    static final double[] ADAGRAD_SUM = {0.328125, 0.140625, 0.28125, 0.64453125};
    // lr 0.1, lr_decay 0.5, weight_decay 0.1, initial_accumulator_value 0.1
    static final double[] ADAGRAD_FULL = {0.963809792094699, -1.919135935587926, 0.4410872990460392, 2.9746368611258296};

    // rmsprop: g = g + wd*p; sq = alpha*sq + (1-alpha)*g*g; centered: ga = ga + (1-alpha)*(g - ga), avg = sqrt(sq - ga*ga) + eps
    //          else avg = sqrt(sq) + eps; momentum: buf = momentum*buf + g/avg (buf from 0), p = p - lr*buf; else p = p - lr*g/avg
    static final double[] RMSPROP = {0.9532111372937151, -2.004445178371586, 0.47106512410034956, 3.0139211113785955}; // defaults
    static final double[] RMSPROP_SQ = {0.003253140625000003, 0.0013875625000000012, 0.0027845156250000027, 0.006356500000000005};
    // lr 0.01, alpha 0.9, weight_decay 0.1, momentum 0.9, centered
    static final double[] RMSPROP_FULL = {0.9434446659976993, -1.911855409076509, 0.42298831483597016, 3.0168775746370313};

    // lion: p = p*(1 - lr*wd); p = p - lr*sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g
    static final double[] LION = {0.9, -2.1, 0.4, 2.9}; // lr 0.1, defaults (0.9, 0.99)
    static final double[] LION_M = {-0.0012248750000000011, 0.001274750000000001, -7.462500000000047e-05, 0.0019120000000000014};
    static final double[] LION_WD = {0.7621249999999999, -1.8195, 0.34343749999999995, 2.4673749999999997}; // + weight_decay 0.5

    // lamb (optax.lamb): m, v as adam (no decay in them); u = (m/(1-b1**t)) / (sqrt(v/(1-b2**t)) + eps) + wd*p;
    //      per tensor: u *= |p|/|u| (1 when either is 0); p = p - lr*u
    static final double[] LAMB = {1.1291386048261216, -2.056262940209097, 0.10945538125748994, 2.8570237791326454}; // lr 0.1
    static final double[] LAMB_WD = {1.060089258797693, -1.9872413146934031, 0.03952454986126758, 2.6942718468390146}; // + wd 0.1

    /** A problem instance: the two tensors over a fresh buffer and its gradients. */
    static final class Run {
        final float[] values = THETA0.clone();
        final float[] grads = new float[4];
        final ParamSet params = ParamSet.of(values, List.of("a", "b"), List.of(new int[] {2}, new int[] {2}));

        void steps(Optimizer opt, float[][] gs) {
            for (float[] g : gs) {
                System.arraycopy(g, 0, grads, 0, 4);
                opt.step();
                opt.zeroGrad();
            }
        }
    }

    static Run registry(String name, String... hyper) {
        Run r = new Run();
        Optimizer opt = OptimizerRegistry.defaults().create(name, r.params, r.grads, HyperParams.parse(List.of(hyper)));
        r.steps(opt, GRADS);
        assertEquals(3, opt.stepCount());
        last = opt;
        return r;
    }

    static Optimizer last;

    static Run composed(GradientTransformation tx) {
        Run r = new Run();
        Optimizer opt = new TransformOptimizer("composed", r.params, r.grads, tx);
        r.steps(opt, GRADS);
        last = opt;
        return r;
    }

    static void assertParams(double[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6 * Math.max(1, Math.abs(want[i])), "θ[" + i + "]");
        }
    }

    static void assertState(double[] want, float[] got) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 2e-6 * Math.abs(want[i]) + 1e-12, "state[" + i + "]");
    }

    /** A composed optimizer's buffer whose dotted name ends with {@code .suffix} (unique). */
    static float[] buffer(Optimizer opt, String suffix) {
        float[] found = null;
        for (var e : opt.state().entrySet()) {
            if (e.getKey().equals(suffix) || e.getKey().endsWith("." + suffix)) {
                assertTrue(found == null, "several buffers named " + suffix);
                found = e.getValue().toArray();
            }
        }
        assertTrue(found != null, "no buffer " + suffix + " in " + opt.state().keySet());
        return found;
    }

    @Test
    void sgd() {
        assertParams(SGD_PLAIN, registry("sgd", "lr=0.1").values);
        assertTrue(last.state().isEmpty(), "no momentum, no buffer (torch keeps none either)");
        assertParams(SGD_MOMENTUM, registry("sgd", "lr=0.1", "momentum=0.9", "dampening=0.1", "weight_decay=0.01").values);
        assertState(SGD_MOMENTUM_BUF, buffer(last, "momentum_buffer"));
        assertParams(SGD_NESTEROV, registry("sgd", "lr=0.1", "momentum=0.9", "nesterov=true", "weight_decay=0.01").values);
        assertState(SGD_NESTEROV_BUF, buffer(last, "momentum_buffer"));

        assertParams(SGD_PLAIN, composed(Classic.sgd(0.1, 0, 0, false, 0)).values);
        assertParams(SGD_MOMENTUM, composed(Classic.sgd(0.1, 0.9, 0.1, false, 0.01)).values);
        assertState(SGD_MOMENTUM_BUF, buffer(last, "momentum_buffer"));
        assertParams(SGD_NESTEROV, composed(Classic.sgd(0.1, 0.9, 0, true, 0.01)).values);
    }

    @Test
    void adamAndAmsgrad() {
        assertParams(ADAM, registry("adam", "lr=0.1").values);
        assertState(ADAM_M, buffer(last, "mu"));
        assertState(ADAM_V, buffer(last, "nu"));
        assertParams(ADAM_WD, registry("adam", "lr=0.1", "weight_decay=0.1").values);
        assertParams(AMSGRAD, registry("amsgrad", "lr=0.1", "betas=0.9,0.9", "weight_decay=0.1").values);
        assertParams(AMSGRAD, registry("adam", "lr=0.1", "beta2=0.9", "weight_decay=0.1", "amsgrad=true").values);
    }

    @Test
    void adamw() {
        assertParams(ADAMW, registry("adamw", "lr=0.1", "weight_decay=0.1").values);
        assertTrue(((TransformOptimizer) last).transformation() instanceof AdamW, "the registry's adamw is the fused kernel");
        assertState(ADAM_M, buffer(last, "mu"));
        assertState(ADAM_V, buffer(last, "nu"));
        assertParams(ADAMW, composed(Adam.adamw(0.1, 0.9, 0.999, 1e-8, 0.1, p -> true)).values);
    }

    @Test
    void adagrad() {
        assertParams(ADAGRAD, registry("adagrad").values);
        assertState(ADAGRAD_SUM, buffer(last, "sum"));
        assertParams(ADAGRAD_FULL, registry("adagrad", "lr=0.1", "lr_decay=0.5", "weight_decay=0.1",
                "initial_accumulator_value=0.1").values);
    }

    @Test
    void rmsprop() {
        assertParams(RMSPROP, registry("rmsprop").values);
        assertState(RMSPROP_SQ, buffer(last, "square_avg"));
        assertParams(RMSPROP_FULL, registry("rmsprop", "lr=0.01", "alpha=0.9", "weight_decay=0.1", "momentum=0.9",
                "centered=true").values);
    }

    @Test
    void lion() {
        assertParams(LION, registry("lion", "lr=0.1").values);
        assertState(LION_M, buffer(last, "mu"));
        assertParams(LION_WD, registry("lion", "lr=0.1", "weight_decay=0.5").values);
        assertParams(LION, composed(Classic.lion(0.1, 0.9, 0.99, 0)).values);
        assertParams(LION_WD, composed(Classic.lion(0.1, 0.9, 0.99, 0.5)).values);
    }

    /**
     * specs/10_lion.md worked example (lion_example.py/.out): lr 1e-4, β = (0.9, 0.99), wd 1.0,
     * W0 = [1, −0.5, 0.2, 0]; g1 = [.3, −.2, 0, .1] (u = [1, −1, 0, 1]: sign(0) = 0), g2 = [−.5, −.1, .2, 0].
     */
    @Test
    void lionSpecWorkedExample() {
        double[] w2 = {0.99980002, -0.49970001500000005, 0.19986000200000004, -0.00019999000000000001};
        double[] m2 = {-0.00203, -0.00298, 0.002, 0.00099};
        double[] w1 = {0.9998, -0.49985, 0.19998000000000002, -0.0001};
        float[][] gs = {{0.3f, -0.2f, 0f, 0.1f}, {-0.5f, -0.1f, 0.2f, 0f}};
        for (boolean fused : new boolean[] {true, false}) {
            Run r = new Run();
            System.arraycopy(new float[] {1f, -0.5f, 0.2f, 0f}, 0, r.values, 0, 4);
            Optimizer opt = fused
                    ? OptimizerRegistry.defaults().create("lion", r.params, r.grads, HyperParams.parse(List.of("weight_decay=1.0")))
                    : new TransformOptimizer("lion", r.params, r.grads, Classic.lion(1e-4, 0.9, 0.99, 1.0));
            r.steps(opt, new float[][] {gs[0]});
            // the inputs 0.3, 0.2, 0.1 are not exact in float32 (relative error ≤ 3e-8), within the tolerance
            for (int i = 0; i < 4; i++) assertEquals(w1[i], r.values[i], 1e-7, "W1[" + i + "]");
            r.steps(opt, new float[][] {gs[1]});
            for (int i = 0; i < 4; i++) assertEquals(w2[i], r.values[i], 1e-7, "W2[" + i + "]");
            float[] m = buffer(opt, "mu");
            assertState(m2, m);
        }
    }

    @Test
    void lamb() {
        assertParams(LAMB, registry("lamb", "lr=0.1").values);
        assertState(ADAM_M, buffer(last, "mu"));
        assertParams(LAMB_WD, registry("lamb", "lr=0.1", "weight_decay=0.1").values);
    }

    @Test
    void trustRatioIsOneWhenANormIsZero() {
        // θ = 0 for tensor "a": ‖θ‖ = 0, so the Adam direction passes unscaled (optax: ratio 1)
        Run r = new Run();
        r.values[0] = 0f;
        r.values[1] = 0f;
        Optimizer opt = new TransformOptimizer("lamb", r.params, r.grads, Classic.lamb(0.1, 0.9, 0.999, 1e-6, 0));
        r.steps(opt, new float[][] {GRADS[0]});
        // step 1 of Adam: m̂/√v̂ = sign(g) (up to ε), so θ_a = −0.1·sign(g_a)
        assertEquals(-0.1, r.values[0], 1e-6);
        assertEquals(0.1, r.values[1], 1e-6);
    }

    @Test
    void registryEntriesAreComplete() {
        OptimizerRegistry reg = OptimizerRegistry.defaults();
        for (String n : List.of("sgd", "adam", "adamw", "amsgrad", "adagrad", "rmsprop", "lion", "lamb")) {
            OptimizerInfo i = reg.info(n);
            assertTrue(!i.summary().isBlank() && !i.paper().isBlank() && !i.reference().isBlank() && !i.license().isBlank(), n);
            assertTrue(!i.matrixAware(), n);
            Run r = new Run();
            Optimizer opt = reg.create(n, r.params, r.grads, HyperParams.empty());
            assertEquals(n, opt.name());
        }
        assertEquals(1e-3, lr("sgd"));
        assertEquals(1e-3, lr("adam"));
        assertEquals(1e-3, lr("adamw"));
        assertEquals(1e-2, lr("adagrad"));
        assertEquals(1e-2, lr("rmsprop"));
        assertEquals(1e-4, lr("lion"));
        assertEquals(1e-3, lr("lamb"));
    }

    static double lr(String name) {
        Run r = new Run();
        return OptimizerRegistry.defaults().create(name, r.params, r.grads, HyperParams.empty()).learningRate();
    }

    @Test
    void invalidHyperparametersNameTheKey() {
        Map<String, List<String>> bad = new LinkedHashMap<>();
        bad.put("sgd", List.of("lr=-1", "momentum=-0.1", "momentum=1", "dampening=2", "weight_decay=-1", "nesterov=true",
                "nesterov=maybe"));
        bad.put("adam", List.of("lr=-1", "betas=1.5,0.9", "beta1=1", "beta2=-0.1", "eps=-1", "weight_decay=-1"));
        bad.put("adamw", List.of("lr=-1", "betas=0.9,1.0", "eps=-1", "weight_decay=-1"));
        bad.put("amsgrad", List.of("lr=-1", "betas=0.9", "eps=-1"));
        bad.put("adagrad", List.of("lr=-1", "lr_decay=-1", "weight_decay=-1", "initial_accumulator_value=-1", "eps=-1"));
        bad.put("rmsprop", List.of("lr=-1", "alpha=1.5", "eps=-1", "weight_decay=-1", "momentum=-0.1", "centered=2"));
        bad.put("lion", List.of("lr=-1", "betas=1.5,0.9", "beta2=1", "weight_decay=-1"));
        bad.put("lamb", List.of("lr=-1", "betas=1.5,0.9", "eps=-1", "weight_decay=-1"));
        for (var e : bad.entrySet()) {
            for (String kv : e.getValue()) {
                String key = kv.substring(0, kv.indexOf('='));
                Run r = new Run();
                var ex = assertThrows(IllegalArgumentException.class,
                        () -> OptimizerRegistry.defaults().create(e.getKey(), r.params, r.grads, HyperParams.parse(List.of(kv))),
                        e.getKey() + " " + kv);
                assertTrue(ex.getMessage().startsWith(key + " "), e.getKey() + " " + kv + ": " + ex.getMessage());
            }
        }
        // nesterov with dampening is refused, naming nesterov
        Run r = new Run();
        var ex = assertThrows(IllegalArgumentException.class, () -> OptimizerRegistry.defaults().create("sgd", r.params, r.grads,
                HyperParams.parse(List.of("momentum=0.9", "dampening=0.1", "nesterov=true"))));
        assertTrue(ex.getMessage().startsWith("nesterov "), ex.getMessage());
    }
}
