package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequentialTest {
    static Tensor gaussian(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        Philox.stream(seed, "sequential-test").fillGaussian(t.data(), 0, t.size(), 0);
        return t;
    }

    @Test
    void namesFollowTorchSequential() {
        var model = new Sequential(new Linear(4, 8), new ReLU(), new LayerNorm(8, true), new Linear(8, 3, false));
        List<String> names = new ArrayList<>(model.namedParameters().keySet());
        // torch.nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.LayerNorm(8), nn.Linear(8, 3, bias=False)).state_dict().keys()
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight"), names);
        assertEquals(4, model.size());
        assertTrue(model.get(1) instanceof ReLU);
        assertThrows(IndexOutOfBoundsException.class, () -> model.get(4));
        assertThrows(IllegalArgumentException.class, Sequential::new);
        assertThrows(IllegalArgumentException.class, () -> new Sequential(new ReLU(), null));
    }

    @Test
    void rolesComeFromTheLayers() {
        var model = new Sequential(new Linear(4, 8), new ReLU(), new LayerNorm(8, true), new Linear(8, 3, true, ParameterRole.HEAD));
        var roles = new java.util.LinkedHashMap<String, ParameterRole>();
        model.namedParameters().forEach((name, p) -> roles.put(name, p.role()));
        assertEquals(java.util.Map.of("0.weight", ParameterRole.HIDDEN_MATRIX, "0.bias", ParameterRole.BIAS,
                "2.weight", ParameterRole.NORM_GAIN, "2.bias", ParameterRole.BIAS,
                "3.weight", ParameterRole.HEAD, "3.bias", ParameterRole.BIAS), roles);
    }

    @Test
    void aReplacedLayerIsTheOneThatRuns() {
        var model = Init.torchDefault(new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2)), 8);
        model.replace("1", new Tanh());
        assertTrue(model.get(1) instanceof Tanh);
        Variable x = Variable.constant(gaussian(5, 2, 3));
        Linear a = (Linear) model.get(0);
        Linear b = (Linear) model.get(2);
        assertArrayEquals(b.forward(new Tanh().forward(a.forward(x))).value().toArray(), model.forward(x).value().toArray(), 0f);
        model.flatten();
        assertThrows(IllegalStateException.class, () -> model.replace("1", new ReLU()));
    }

    @Test
    void forwardIsTheCompositionOfItsLayers() {
        Linear a = new Linear(5, 6);
        Tanh t = new Tanh();
        Linear b = new Linear(6, 2);
        var model = Init.torchDefault(new Sequential(a, t, b), 3);
        Variable x = Variable.constant(gaussian(1, 4, 5));
        assertArrayEquals(b.forward(t.forward(a.forward(x))).value().toArray(), model.forward(x).value().toArray(), 0f);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        // Every parameter entry and every input entry of a smooth stack (no ReLU kink within h); the LayerNorm
        // gain and bias are moved off 1 and 0 so that their gradients are generic.
        var model = new Sequential(new Linear(5, 7), new Tanh(), new LayerNorm(7, true), new Linear(7, 6), new GELU(),
                new Linear(6, 4), new Sigmoid());
        FlatParameters flat = FlatParameters.of(model);
        Init.torchDefault(model, 11);
        float[] noise = gaussian(2, 7).toArray();
        for (int i = 0; i < 7; i++) {
            flat.get("2.weight").value().data()[flat.get("2.weight").value().offset() + i] += 0.3f * noise[i];
            flat.get("2.bias").value().data()[flat.get("2.bias").value().offset() + i] -= 0.2f * noise[i];
        }
        Tensor x = gaussian(3, 3, 5);
        Variable leaf = new Variable(x.copy(), true);
        Variable out = model.forward(leaf);
        float[] w = FiniteDifferences.weights(out.size());
        out.backward(Tensor.of(w.clone(), out.shape()));
        java.util.function.Supplier<Tensor> forward = () -> {
            try (NoGrad ignored = NoGrad.open()) {
                return model.forward(Variable.constant(x)).value();
            }
        };
        for (int i = 0; i < flat.list().size(); i++) {
            Parameter p = flat.list().get(i);
            FiniteDifferences.check(p.name(), forward, w, flat.values(), flat.offset(i), p.grad().toArray(), 1e-2);
        }
        FiniteDifferences.check("input", forward, w, x.data(), 0, leaf.grad().toArray(), 1e-2);
    }

    @Test
    void initIsTorchDefaultKeyedByName() {
        var model = Init.torchDefault(new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10), new LayerNorm(10, true)), 5);
        for (var e : model.namedParameters().entrySet()) {
            Tensor v = e.getValue().value();
            if (e.getKey().startsWith("3.")) {
                for (float f : v.toArray()) assertEquals(e.getKey().endsWith("weight") ? 1f : 0f, f);
                continue;
            }
            double bound = 1 / Math.sqrt(e.getKey().startsWith("0.") ? 64 : 32);
            double s2 = 0;
            for (float f : v.toArray()) {
                assertTrue(Math.abs(f) <= bound, e.getKey());
                s2 += f * f;
            }
            // U(−b, b) has variance b²/3; relative sd of the sample variance ≈ sqrt(0.8/n) ≤ 8% for n ≥ 128
            if (v.size() >= 128) assertEquals(bound * bound / 3, s2 / v.size(), 0.3 * bound * bound / 3, e.getKey());
        }
        // Same seed and names, same values, whether initialised before or after flattening.
        var again = new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10), new LayerNorm(10, true));
        FlatParameters flat = FlatParameters.of(again);
        Init.torchDefault(again, 5);
        assertArrayEquals(FlatParameters.of(model).values(), flat.values(), 0f);
        var otherSeed = Init.torchDefault(new Sequential(new Linear(64, 32)), 6);
        assertNotEquals(model.namedParameters().get("0.weight").value().get(0), otherSeed.namedParameters().get("0.weight").value().get(0));
    }

    @Test
    void embeddingInitIsStandardNormal() {
        Embedding e = Init.torchDefault(new Embedding(100, 20), 9);
        double s = 0;
        double s2 = 0;
        for (float f : e.weight.value().toArray()) {
            s += f;
            s2 += f * f;
        }
        // n = 2000 draws of N(0, 1): mean within 5 sd (5/√n ≈ 0.11), variance within 5·√(2/n) ≈ 0.16 of 1
        assertEquals(0, s / 2000, 0.11);
        assertEquals(1, s2 / 2000, 0.16);
    }

    @Test
    void mlpClassifierIsASequentialUnderNet() {
        MlpClassifier mlp = new MlpClassifier(7, 6, 5, 3);
        var net = Init.torchDefault(new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3)), 7);
        // Init keys streams by full names, so the same layers under "net." draw other values: rename to compare.
        var wrapped = new Module() {
            final Sequential inner = module("net", new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3)));
        };
        Init.torchDefault(wrapped, 7);
        assertArrayEquals(mlp.parameters().values(), FlatParameters.of(wrapped).values(), 0f);
        Variable x = Variable.constant(gaussian(4, 2, 6));
        assertArrayEquals(mlp.forward(x).value().toArray(), wrapped.inner.forward(x).value().toArray(), 0f);
        assertNotEquals(FlatParameters.of(net).values()[0], mlp.parameters().values()[0]);
    }

    @Test
    void dropoutLayerIsIdentityInEvalAndSeededInTraining() {
        var model = new Sequential(new Dropout(0.25f, 42));
        Tensor ones = Tensor.zeros(4000);
        ones.fill(1f);
        Variable x = Variable.constant(ones);
        float[] first = model.forward(x).value().toArray();
        float[] second = model.forward(x).value().toArray();
        int zeros = 0;
        for (float f : first) {
            assertTrue(f == 0f || f == 1f / 0.75f, "kept values are scaled by 1/(1 − p)");
            if (f == 0) zeros++;
        }
        // Binomial(4000, 0.25): mean 1000, sd ≈ 27; 5 sd
        assertEquals(1000, zeros, 137);
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second), "each call draws a new mask");
        assertArrayEquals(first, new Sequential(new Dropout(0.25f, 42)).forward(x).value().toArray(), 0f);
        model.train(false);
        assertSame(x, model.forward(x));
    }
}
