package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.ClassificationData;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.privacy.ClassifierRowLoss;
import dev.descent.tensor.Philox;
import java.util.List;
import org.junit.jupiter.api.Test;

class FederatedSimulationTest {
    private static final ClassificationData[] DIGITS = FederatedSimulation.load("digits");

    @Test
    void oneClientFedAvgEqualsLocalTraining() {
        var config = FedConfig.of(List.of("clients=1", "min_fit_clients=1", "min_available_clients=1", "rounds=2",
                "local_epochs=2", "batch_size=50", "partition=iid", "seed=4"));
        ClassificationData train = DIGITS[0].subset("small", java.util.stream.IntStream.range(0, 300).toArray());
        int[][] parts = {java.util.stream.IntStream.range(0, 300).toArray()};
        var sim = new FederatedSimulation(config, parts, train, DIGITS[1]);
        sim.round();
        sim.round();

        // The same SGD written out by hand: the model built from the same seed, the client's rows in
        // the order the documented batch stream gives, epochs 0 and 1 of rounds 1 and 2.
        var model = new MlpClassifier(4, 64, 32, 10);
        var loss = new ClassifierRowLoss(model, train);
        for (int r = 1; r <= 2; r++) {
            Optimizer sgd = Optimizers.sgd().lr(0.1).build(model.parameters());
            Philox batches = Philox.stream(4, "fed/client").derive(0).derive(r);
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] order = batches.derive(epoch).permutation(300);
                for (int from = 0; from < 300; from += 50) {
                    loss.lossAndGradient(order, from, 50);
                    sgd.step();
                    sgd.zeroGrad();
                }
            }
        }
        assertArrayEquals(model.parameters().values(), sim.global());
    }

    @Test
    void fedAvgIsTheExampleWeightedAverage() {
        float[] global = new float[3];
        double[] average = new double[3];
        float[][] w = {{1, 2, 3}, {4, 5, 6}, {-1, 0, 10}};
        int[] n = {10, 30, 60};
        for (int k = 0; k < 3; k++) for (int i = 0; i < 3; i++) average[i] += (double) n[k] * w[k][i];
        for (int i = 0; i < 3; i++) average[i] /= 100;
        ServerUpdate.FED_AVG.apply(global, average, 1);
        // by hand: (10·1 + 30·4 − 60·1)/100 = 0.7, (20 + 150 + 0)/100 = 1.7, (30 + 180 + 600)/100 = 8.1
        assertArrayEquals(new float[] {0.7f, 1.7f, 8.1f}, global);
    }

    @Test
    void fedAdamAndFedYogiMatchNumpy() {
        double[][] averages = {{0.6, -0.8, 0.25, 1.5}, {0.7, -0.9, 0.2, 1.4}, {0.65, -0.7, 0.3, 1.2}};
        float[] adam = {0.5f, -1.0f, 0.25f, 2.0f};
        float[] yogi = adam.clone();
        var a = new FedOptUpdate(FedOptUpdate.Kind.ADAM, 0.1, 0.9, 0.99, 1e-9);
        var y = new FedOptUpdate(FedOptUpdate.Kind.YOGI, 0.01, 0.9, 0.99, 1e-3);
        for (int r = 1; r <= 3; r++) {
            a.apply(adam, averages[r - 1], r);
            y.apply(yogi, averages[r - 1], r);
        }
        // bench/golden/fedopt_golden.py (numpy, float64, global model rounded to float32 each round)
        assertArrayEquals(new float[] {0.7263835072517395f, -0.7826517224311829f, 0.21833355724811554f, 1.7490715980529785f}, adam, 1e-6f);
        assertArrayEquals(new float[] {0.536161482334137f, -0.9643773436546326f, 0.24320223927497864f, 1.9614355564117432f}, yogi, 1e-6f);
    }

    @Test
    void runsAreReproducibleBitForBitAndLearn() {
        var config = FedConfig.of(List.of("clients=5", "rounds=3", "partition=dirichlet", "alpha=1", "fraction_fit=0.6", "seed=2"));
        var first = FederatedSimulation.of(config);
        var r1 = first.run();
        var second = FederatedSimulation.of(config);
        var r2 = second.run();
        assertArrayEquals(first.global(), second.global());
        for (int i = 0; i < 3; i++) {
            assertEquals(3, r1.get(i).clients().length); // max(int(5·0.6), 2)
            assertArrayEquals(r1.get(i).clients(), r2.get(i).clients());
        }
        assertTrue(r1.get(2).testAccuracy() > 0.3, "accuracy " + r1.get(2).testAccuracy()); // chance is 0.1
    }

    @Test
    void ferretRunsAreReproducibleAndLearn() {
        var config = FedConfig.of(List.of("clients=4", "rounds=2", "strategy=ferret", "ferret_k=256", "partition=iid", "seed=3"));
        var r = ReproducibleRun.of(config).rounds();
        assertTrue(r.getLast().testAccuracy() > 0.3, "accuracy " + r.getLast().testAccuracy()); // chance is 0.1
    }

    @Test
    void proximalTermPullsClientsTowardTheGlobalModel() {
        float[][] drift = new float[2][];
        String[] mus = {"proximal_mu=0", "proximal_mu=10"};
        for (int m = 0; m < 2; m++) {
            var sim = FederatedSimulation.of(FedConfig.of(List.of("clients=4", "rounds=1", "strategy=fedprox", mus[m], "local_epochs=3", "seed=1")));
            float[] start = sim.global().clone();
            float[] w = sim.trainClient(0, 1);
            float[] d = new float[1];
            for (int i = 0; i < w.length; i++) d[0] += (w[i] - start[i]) * (w[i] - start[i]);
            drift[m] = d;
        }
        assertTrue(drift[1][0] < 0.5 * drift[0][0], "mu=10 drift " + drift[1][0] + " vs mu=0 " + drift[0][0]);
    }

    @Test
    void clearErrors() {
        var config = FedConfig.of(List.of("clients=2"));
        int[][] parts = {{0, 1, 2}, {}};
        var e = assertThrows(IllegalArgumentException.class, () -> new FederatedSimulation(config, parts, DIGITS[0], DIGITS[1]));
        assertTrue(e.getMessage().contains("client 1 has no training rows"), e.getMessage());
        assertThrows(RuntimeException.class, () -> FedConfig.of(List.of("strategy=fedsgd")));
        assertThrows(RuntimeException.class, () -> FedConfig.of(List.of("fraction_fit=1.5")));
        assertThrows(RuntimeException.class, () -> FedConfig.of(List.of("min_fit_clients=5")));
    }
}
