package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.GELU;
import dev.descent.nn.Init;
import dev.descent.nn.LayerNorm;
import dev.descent.nn.Linear;
import dev.descent.nn.Sequential;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The builders make the optimizer the registry makes under the same name and hyperparameters: the same
 * parameters, state and scalars bit for bit after a few steps of real gradients (cross-entropy of a small
 * network with every kind of parameter: matrices, biases, a LayerNorm gain).
 */
class OptimizersTest {
    static final int STEPS = 5;

    static Sequential model() {
        return Init.torchDefault(new Sequential(new Linear(6, 8), new GELU(), new LayerNorm(8, true), new Linear(8, 3)), 21);
    }

    /** Runs {@link #STEPS} steps of the optimizer {@code make} builds over a fresh {@link #model()}; returns (values, optimizer). */
    static Object[] train(Function<FlatParameters, Optimizer> make) {
        Sequential m = model();
        FlatParameters flat = FlatParameters.of(m);
        Optimizer opt = make.apply(flat);
        Tensor x = Tensor.zeros(10, 6);
        Philox.stream(3, "optimizers-test").fillGaussian(x.data(), 0, x.size(), 0);
        int[] y = {0, 1, 2, 0, 1, 2, 2, 1, 0, 0};
        for (int s = 0; s < STEPS; s++) {
            Variable loss = F.crossEntropy(m.forward(Variable.constant(x)), y);
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        return new Object[] {flat.snapshot(), opt};
    }

    static void assertSameRun(Object[] expected, Object[] actual) {
        assertArrayEquals((float[]) expected[0], (float[]) actual[0], 0f);
        Optimizer a = (Optimizer) expected[1];
        Optimizer b = (Optimizer) actual[1];
        assertEquals(a.name(), b.name());
        assertEquals(a.scalars(), b.scalars());
        assertEquals(a.state().keySet(), b.state().keySet());
        for (var e : a.state().entrySet()) assertArrayEquals(e.getValue().toArray(), b.state().get(e.getKey()).toArray(), 0f, e.getKey());
    }

    static HyperParams hyper(String... pairs) {
        return HyperParams.parse(Arrays.asList(pairs));
    }

    @Test
    void adamwEqualsTheRegistryAdamw() {
        OptimizerRegistry r = OptimizerRegistry.defaults();
        Object[] registry = train(p -> r.create("adamw", p, hyper("lr=3e-3", "betas=0.8,0.95", "eps=1e-6", "weight_decay=0.1")));
        Object[] built = train(p -> Optimizers.adamw().lr(3e-3).betas(0.8, 0.95).eps(1e-6).weightDecay(0.1).build(p));
        assertSameRun(registry, built);
        // Defaults: torch.optim.AdamW's, the registry's when nothing is set.
        assertSameRun(train(p -> r.create("adamw", p, HyperParams.empty())), train(p -> Optimizers.adamw().build(p)));
        // The comparison sees every hyperparameter: changing one changes the run.
        for (Function<FlatParameters, Optimizer> other : java.util.List.<Function<FlatParameters, Optimizer>>of(
                p -> Optimizers.adamw().lr(2e-3).betas(0.8, 0.95).eps(1e-6).weightDecay(0.1).build(p),
                p -> Optimizers.adamw().lr(3e-3).betas(0.85, 0.95).eps(1e-6).weightDecay(0.1).build(p),
                p -> Optimizers.adamw().lr(3e-3).betas(0.8, 0.9).eps(1e-6).weightDecay(0.1).build(p),
                p -> Optimizers.adamw().lr(3e-3).betas(0.8, 0.95).eps(1e-2).weightDecay(0.1).build(p),
                p -> Optimizers.adamw().lr(3e-3).betas(0.8, 0.95).eps(1e-6).weightDecay(0.3).build(p))) {
            assertFalse(Arrays.equals((float[]) registry[0], (float[]) train(other)[0]));
        }
    }

    @Test
    void noDecayOnGainsAndBiasesIsNanoGptsRule() {
        // nanoGPT's rule decays the matrix roles; this model's other parameters are biases and a LayerNorm gain.
        Object[] nanoGpt = train(p -> AdamW.nanoGpt(p, 3e-3, 0.8, 0.95, 0.5));
        assertSameRun(nanoGpt, train(p -> Optimizers.adamw().lr(3e-3).betas(0.8, 0.95).weightDecay(0.5).noDecayOnGainsAndBiases().build(p)));
        assertFalse(Arrays.equals((float[]) nanoGpt[0], (float[]) train(p -> Optimizers.adamw().lr(3e-3).betas(0.8, 0.95).weightDecay(0.5).build(p))[0]));
    }

    @Test
    void frozenParametersAreLeftOut() {
        Sequential m = model();
        m.freeze((name, p) -> name.startsWith("0."));
        Optimizer opt = Optimizers.adamw().build(m);
        // AdamW's state is the composed chain's: one first and one second moment buffer over the
        // trainable elements only (the frozen "0." layer has none).
        long trainable = 0;
        for (var p : m.flatten().list()) trainable += p.size();
        assertEquals(java.util.Set.of("0.mu", "0.nu"), opt.state().keySet());
        for (var t : opt.state().values()) assertEquals(trainable, t.size());
        assertTrue(trainable < m.parameterCount(), "some parameters are frozen");
        assertEquals(4, m.flatten().list().size(), "the model was flattened by build, trainable parameters");
        assertEquals(2, m.flatten().frozen().size());
    }

    @Test
    void sgdEqualsTheRegistrySgd() {
        OptimizerRegistry r = OptimizerRegistry.defaults();
        assertSameRun(train(p -> r.create("sgd", p, hyper("lr=0.05", "momentum=0.9", "nesterov=true", "weight_decay=0.01"))),
                train(p -> Optimizers.sgd().lr(0.05).momentum(0.9).nesterov(true).weightDecay(0.01).build(p)));
        assertSameRun(train(p -> r.create("sgd", p, hyper("lr=0.05", "momentum=0.5", "dampening=0.3"))),
                train(p -> Optimizers.sgd().lr(0.05).momentum(0.5).dampening(0.3).build(p)));
        assertSameRun(train(p -> r.create("sgd", p, HyperParams.empty())), train(p -> Optimizers.sgd().build(p)));
    }

    @Test
    void buildFromAModuleFlattensIt() {
        Sequential m = model();
        Optimizer opt = Optimizers.adamw().lr(1e-2).build(m);
        float[] before = m.namedParameters().get("0.weight").value().toArray();
        Variable x = Variable.constant(Tensor.zeros(2, 6));
        F.crossEntropy(m.forward(x), new int[] {0, 1}).backward();
        opt.step();
        opt.zeroGrad();
        assertEquals(1, opt.stepCount());
        assertTrue(m.isFlattened());
        assertEquals(m.flatten().size(), opt.state().values().stream().mapToInt(Tensor::size).sum() / 2, "moments over every parameter");
        assertFalse(Arrays.equals(before, m.namedParameters().get("0.weight").value().toArray()), "the step moved the model's own weights");
    }

    @Test
    void badValuesAreRefusedInOneLineNamingThem() {
        Map<String, Runnable> cases = new java.util.LinkedHashMap<>();
        cases.put("lr must be a finite number >= 0, got -0.001", () -> Optimizers.adamw().lr(-1e-3));
        cases.put("lr must be a finite number >= 0, got NaN", () -> Optimizers.adamw().lr(Double.NaN));
        cases.put("beta1 must be in [0, 1), got 1.0", () -> Optimizers.adamw().betas(1.0, 0.999));
        cases.put("beta1 must be in [0, 1), got -0.1", () -> Optimizers.adamw().betas(-0.1, 0.999));
        cases.put("beta2 must be in [0, 1), got 1.5", () -> Optimizers.adamw().betas(0.9, 1.5));
        cases.put("eps must be a finite number >= 0, got -1.0E-8", () -> Optimizers.adamw().eps(-1e-8));
        cases.put("weightDecay must be a finite number >= 0, got Infinity", () -> Optimizers.adamw().weightDecay(Double.POSITIVE_INFINITY));
        cases.put("lr must be a finite number >= 0, got -1.0", () -> Optimizers.sgd().lr(-1));
        cases.put("momentum must be in [0, 1), got 1.0", () -> Optimizers.sgd().momentum(1));
        cases.put("dampening must be in [0, 1], got 2.0", () -> Optimizers.sgd().dampening(2));
        cases.put("nesterov momentum requires momentum > 0 and dampening = 0, got momentum 0.0, dampening 0.0",
                () -> Optimizers.sgd().nesterov(true).build(FlatParameters.of(model())));
        for (var c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.getValue()::run, c.getKey());
            assertEquals(c.getKey(), e.getMessage());
            assertTrue(e.getMessage().lines().count() == 1);
        }
    }
}
