package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.nn.MlpClassifier;
import dev.descent.privacy.ClassifierRowLoss;
import dev.descent.tensor.Philox;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FsgldTest {
    private static final double[][] MU = {{0.2, -0.4, 1.0}, {-0.3, 0.1, 0.5}};
    private static final double[][] LAMBDA = {{2.0, 0.5, 1.0}, {1.0, 3.0, 0.25}};
    private static final double[] F = {0.25, 0.75};

    @Test
    void threeNoiselessStepsMatchNumpy() {
        // bench/golden/fsgld_golden.py: lam0 0.5, eps 0.05, T = 0, clients 0, 1, 0 with fixed likelihood gradients
        var sampler = new Fsgld(MU, LAMBDA, 0.5, 0.05, 0);
        float[] theta = {0.1f, 0.2f, -0.3f};
        int[] clients = {0, 1, 0};
        double[][] lik = {{0.4, -0.2, 0.1}, {-0.1, 0.3, 0.2}, {0.05, 0.0, -0.3}};
        for (int t = 0; t < 3; t++) {
            double[] grad = lik[t].clone();
            sampler.addPriorAndConducive(theta, clients[t], F[clients[t]], grad);
            sampler.step(theta, grad, Philox.stream(0, "unused").derive(t));
        }
        assertArrayEquals(new float[] {-0.010711978189647198f, 0.22949999570846558f, -0.5853269696235657f}, theta);
    }

    @Test
    void conduciveGradientsAverageToZeroOverVisits() {
        // Σ_s f_s (Σ_j Λ_j(θ − μ_j) − Λ_s(θ − μ_s)/f_s) = 0 for every θ: the chain's target is unchanged.
        var sampler = new Fsgld(MU, LAMBDA, 0, 0.05, 0);
        float[] theta = {0.7f, -1.3f, 0.05f};
        double[] mean = new double[3];
        for (int s = 0; s < 2; s++) {
            double[] g = new double[3];
            sampler.addPriorAndConducive(theta, s, F[s], g);
            for (int i = 0; i < 3; i++) mean[i] += F[s] * g[i];
        }
        assertArrayEquals(new double[3], mean, 1e-12);
    }

    @Test
    void noiseHasTheLangevinScale() {
        int d = 20_000;
        double eps = 1e-3;
        var sampler = new Fsgld(new double[][] {new double[d]}, new double[][] {new double[d]}, 0, eps, 2.0);
        float[] theta = new float[d];
        sampler.step(theta, new double[d], Philox.stream(7, "noise"));
        double ss = 0;
        for (float v : theta) ss += (double) v * v;
        double sd = Math.sqrt(ss / d);
        assertEquals(Math.sqrt(2 * eps * 2.0), sd, 0.02 * Math.sqrt(2 * eps * 2.0)); // √(2εT), 2% ≈ 4 standard errors
    }

    @Test
    void oneClientWithoutNoiseIsGradientDescentOnItsPosterior() {
        // One client: f = 1, the conducive term Λ(θ − μ) − Λ(θ − μ)/1 vanishes, so with T = 0 the chain is
        // gradient descent on λ₀‖θ‖²/2 + N·(mean loss), step ε = η_l/N, written out here by hand.
        var config = FedConfig.of(List.of("clients=1", "min_fit_clients=1", "min_available_clients=1", "rounds=1", "batch_size=50",
                "partition=iid", "seed=4", "strategy=fsgld", "fsgld_temperature=0", "fsgld_fit_epochs=1"));
        ClassificationData train = FederatedSimulation.load("digits")[0].subset("small", IntStream.range(0, 300).toArray());
        var sim = new FederatedSimulation(config, new int[][] {IntStream.range(0, 300).toArray()}, train, FederatedSimulation.load("digits")[1]);
        sim.round();

        var model = new MlpClassifier(4, 64, 32, 10);
        var loss = new ClassifierRowLoss(model, train);
        float[] w = model.parameters().values();
        double eps = 0.1 / 300;
        int[] order = Philox.stream(4, "fed/client").derive(0).derive(1).derive(0).permutation(300);
        for (int from = 0; from < 300; from += 50) {
            loss.lossAndGradient(order, from, 50);
            float[] g = loss.grads();
            for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] - eps * (1.0 * w[i] + 300.0 * g[i]));
        }
        assertArrayEquals(w, sim.global(), 1e-6f);
    }

    @Test
    void runsAreReproducibleAndLearn() {
        var config = FedConfig.of(List.of("clients=4", "rounds=2", "strategy=fsgld", "partition=dirichlet", "alpha=1", "seed=3",
                "fsgld_fit_epochs=1"));
        var r = ReproducibleRun.of(config).rounds();
        assertTrue(r.getLast().testAccuracy() > 0.3, "accuracy " + r.getLast().testAccuracy()); // chance is 0.1
        assertTrue(Double.isFinite(r.getLast().testLoss()));
    }

    @Test
    void dsgldIsFsgldWithoutTheConduciveGradient() {
        // One client: the conducive gradient vanishes, so both strategies walk the same noisy chain.
        List<String> common = List.of("clients=1", "min_fit_clients=1", "min_available_clients=1", "rounds=1", "partition=iid", "seed=6",
                "fsgld_fit_epochs=1");
        ClassificationData[] digits = FederatedSimulation.load("digits");
        ClassificationData train = digits[0].subset("small", IntStream.range(0, 200).toArray());
        int[][] parts = {IntStream.range(0, 200).toArray()};
        var f = new FederatedSimulation(FedConfig.of(concat(common, "strategy=fsgld")), parts, train, digits[1]);
        var d = new FederatedSimulation(FedConfig.of(concat(common, "strategy=dsgld")), parts, train, digits[1]);
        f.round();
        d.round();
        assertArrayEquals(d.global(), f.global(), 1e-6f);
    }

    private static List<String> concat(List<String> a, String... b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    @Test
    void clearErrors() {
        var config = FedConfig.of(List.of("clients=4", "strategy=fsgld", "fraction_fit=0.5"));
        var e = assertThrows(IllegalArgumentException.class, () -> FederatedSimulation.of(config).round());
        assertTrue(e.getMessage().contains("fraction_fit=1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Fsgld(MU, LAMBDA, -1, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Fsgld(MU, LAMBDA, 1, 0.1, -1));
    }
}
