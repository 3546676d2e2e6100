package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptExTest {
    private static final double[] H = {1.0, 3.0, 0.5};
    private static final double[] B = {0.2, -0.1, 0.4};

    /** f(x) = ½ Σ h_i x_i² − b·x, evaluation k of an iteration shifted by 0.01 (k + 1) per coordinate. */
    private static final OptEx.StochasticGradient QUADRATIC = (x, k, out) -> {
        for (int i = 0; i < x.length; i++) out[i] = H[i] * x[i] - B[i] + 0.01 * (k + 1);
    };

    @Test
    void fourIterationsMatchNumpy() {
        // bench/golden/optex_golden.py: N = 3, history 5, ℓ = 2, σ = 0.001, η = 0.2
        var optex = new OptEx(3, 3, 5, 2.0, 0.001, 0.2);
        double[] x = {1.0, -2.0, 0.5};
        double[][] expected = {
            {0.834, -0.8259999999999998, 0.524},
            {0.49531621319303165, 0.3817686990395861, 0.5823201266103903},
            {0.271106783840931, -0.02980085830921611, 0.6356882427096363},
            {0.2204625117939743, -0.045063428612887445, 0.6655231182061957}};
        for (double[] e : expected) {
            optex.iterate(x, QUADRATIC);
            assertArrayEquals(e, x, 1e-12);
        }
        assertEquals(5, optex.historyLength());
    }

    @Test
    void oneWorkerIsSgd() {
        var optex = new OptEx(3, 1, 50, 0.1, 0.001, 0.2);
        double[] x = {1.0, -2.0, 0.5};
        double[] sgd = x.clone();
        double[] g = new double[3];
        for (int t = 0; t < 5; t++) {
            optex.iterate(x, QUADRATIC);
            QUADRATIC.gradient(sgd, 0, g);
            for (int i = 0; i < 3; i++) sgd[i] -= 0.2 * g[i];
            assertArrayEquals(sgd, x, 0);
        }
    }

    @Test
    void theEstimateInterpolatesTheHistory() {
        // With σ → 0 the kernel regression passes through its data: μ(X_j) = G_j.
        var optex = new OptEx(3, 2, 8, 2.0, 1e-10, 0.05);
        double[] x = {1.0, -2.0, 0.5};
        OptEx.StochasticGradient exact = (p, k, out) -> QUADRATIC.gradient(p, 0, out);
        for (int t = 0; t < 4; t++) optex.iterate(x, exact);
        double[] p = x.clone();
        optex.iterate(p, exact); // the first pair of this iteration is (x, ∇f(x))
        double[] truth = new double[3];
        exact.gradient(x, 0, truth);
        assertArrayEquals(truth, optex.proxyGradient(x), 1e-5);
    }

    @Test
    void runsOnDigitsReproduciblyAndMatchFedAvgWithOneWorker() {
        var config = FedConfig.of(List.of("strategy=optex", "clients=4", "rounds=2", "alpha=1", "seed=2", "optex_parallel=2"));
        var r = ReproducibleRun.of(config).rounds();
        assertTrue(r.getLast().testAccuracy() > 0.3, "accuracy " + r.getLast().testAccuracy()); // chance is 0.1
        // N = 1: OptEx is the clients' SGD, stepped in double instead of float
        var one = FederatedSimulation.of(FedConfig.of(List.of("strategy=optex", "clients=4", "rounds=1", "alpha=1", "seed=2", "optex_parallel=1")));
        one.run();
        var fedavg = FederatedSimulation.of(FedConfig.of(List.of("strategy=fedavg", "clients=4", "rounds=1", "alpha=1", "seed=2")));
        fedavg.run();
        assertArrayEquals(fedavg.global(), one.global(), 1e-5f);
    }

    @Test
    void clearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OptEx(3, 0, 50, 0.1, 0.001, 0.1));
        assertTrue(e.getMessage().contains("optex_parallel"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OptEx(3, 2, 1, 0.1, 0.001, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new OptEx(3, 2, 50, 0, 0.001, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new OptEx(3, 2, 50, 0.1, -1, 0.1));
    }
}
