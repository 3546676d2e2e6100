package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EControlTest {
    private static final double[][][] G = {
        {{0.3, -0.1, 0.05, 0.2, -0.4}, {-0.2, 0.6, 0.1, 0.0, 0.15}},
        {{0.1, 0.2, -0.3, 0.05, 0.0}, {0.4, -0.1, 0.2, -0.25, 0.3}},
        {{-0.05, 0.15, 0.1, 0.3, -0.2}, {0.0, 0.2, -0.1, 0.1, 0.5}}};

    @Test
    void threeRoundsMatchNumpy() {
        // top-2 of 5 (ratio 0.4), eta 0.5, gamma 0.8, weights 0.25/0.75: bench/golden/econtrol_golden.py
        var ec = new EControl(5, 2, EControl.Compressor.TOP_K, 0.4, 0.5, 0.8);
        float[] x = {0.5f, -1.0f, 0.25f, 2.0f, 0.0f};
        for (double[][] round : G) {
            ec.clientStep(0, round[0]);
            ec.clientStep(1, round[1]);
            ec.serverStep(x, new int[] {0, 1}, new double[] {0.25, 0.75});
        }
        assertArrayEquals(new float[] {0.28999999165534973f, -1.2400001287460327f, 0.36000001430511475f, 1.9149999618530273f, -0.35499998927116394f}, x);
        assertArrayEquals(new double[] {-0.1, 0.25, 0.4, 0.125, -0.2}, ec.error(0), 1e-15);
        assertArrayEquals(new double[] {0.0, -0.1, 0.0, 0.0, 0.725}, ec.estimate(1), 1e-15);
        assertEquals(2 * 8, ec.messageBytes()); // two (float32 value, int32 index) pairs
    }

    @Test
    void firstInputStartMatchesNumpy() {
        // the reference implementation's start, h_k = g_k at the first message: second part of econtrol_golden.py
        var ec = new EControl(5, 2, EControl.Compressor.TOP_K, 0.4, 0.5, 0.8, EControl.Init.FIRST_INPUT);
        float[] x = {0.5f, -1.0f, 0.25f, 2.0f, 0.0f};
        for (double[][] round : G) {
            ec.clientStep(0, round[0]);
            ec.clientStep(1, round[1]);
            ec.serverStep(x, new int[] {0, 1}, new double[] {0.25, 0.75});
        }
        assertArrayEquals(new float[] {0.28999999165534973f, -1.2599999904632568f, 0.18000000715255737f, 1.880000114440918f, -0.4449999928474426f}, x);
        assertArrayEquals(new double[] {-0.1, 0.15, 0.4, -0.05, -0.2}, ec.error(0), 1e-15);
        assertArrayEquals(new double[] {0.0, -0.1, 0.1, 0.0, 0.575}, ec.estimate(1), 1e-15);
        // the first message is the input itself, dense; the later ones are top-k
        var fresh = new EControl(5, 1, EControl.Compressor.TOP_K, 0.4, 0.5, 0.8, EControl.Init.FIRST_INPUT);
        assertArrayEquals(G[0][0], fresh.clientStep(0, G[0][0]));
        assertEquals(20, fresh.lastMessageBytes());
        fresh.clientStep(0, G[1][0]);
        assertEquals(16, fresh.lastMessageBytes());
    }

    @Test
    void messagesKeepTheLargestEntries() {
        var ec = new EControl(5, 1, EControl.Compressor.TOP_K, 0.4, 0.1, 1);
        double[] d = ec.clientStep(0, new double[] {0.1, -3, 2, 2, 0.5});
        assertArrayEquals(new double[] {0, -3, 2, 0, 0}, d); // ties go to the lower index
        assertArrayEquals(new double[] {0.1, 0, 0, 2, 0.5}, ec.error(0)); // the error is what was left out
    }

    @Test
    void identityCompressorIsTheUncompressedMethod() {
        // With C = identity the error stays 0 and h_k = g_k, whatever eta: x moves by -gamma sum w g.
        var ec = new EControl(5, 2, EControl.Compressor.IDENTITY, 1, 0.7, 0.5);
        float[] x = new float[5];
        double[] expected = new double[5];
        for (double[][] round : G) {
            ec.clientStep(0, round[0]);
            ec.clientStep(1, round[1]);
            ec.serverStep(x, new int[] {0, 1}, new double[] {0.5, 0.5});
            for (int i = 0; i < 5; i++) expected[i] = (float) (expected[i] - 0.5 * (0.5 * round[0][i] + 0.5 * round[1][i]));
            assertArrayEquals(new double[5], ec.error(0));
            assertArrayEquals(round[1], ec.estimate(1), 1e-15); // h + (g − h) is g up to rounding
        }
        for (int i = 0; i < 5; i++) assertEquals(expected[i], x[i], 1e-7);
        assertEquals(20, ec.messageBytes());
        // top-k keeping every entry is the identity
        var all = new EControl(5, 1, EControl.Compressor.TOP_K, 1, 0.7, 0.5);
        assertArrayEquals(G[0][0], all.clientStep(0, G[0][0]));
    }

    @Test
    void identityEControlRoundsAreFedAvgRounds() {
        List<String> common = List.of("clients=4", "rounds=2", "partition=dirichlet", "alpha=1", "seed=5");
        var fedavg = FederatedSimulation.of(FedConfig.of(common));
        var econtrol = FederatedSimulation.of(FedConfig.of(concat(common, "strategy=econtrol", "econtrol_compressor=identity")));
        fedavg.run();
        econtrol.run();
        // x - sum w (x - w_k) against sum w w_k: the same up to float rounding of the two forms
        assertArrayEquals(fedavg.global(), econtrol.global(), 1e-6f);
        assertEquals(fedavg.uplinkBytes(), econtrol.uplinkBytes());
    }

    @Test
    void topKRunsSendATenthOfTheBytesAndLearn() {
        List<String> common = List.of("clients=4", "rounds=3", "partition=iid", "seed=2");
        var fedavg = FederatedSimulation.of(FedConfig.of(common));
        var econtrol = FederatedSimulation.of(FedConfig.of(concat(common, "strategy=econtrol", "econtrol_init=zero")));
        fedavg.run();
        var r = econtrol.run();
        var again = FederatedSimulation.of(FedConfig.of(concat(common, "strategy=econtrol", "econtrol_init=zero")));
        again.run();
        assertArrayEquals(econtrol.global(), again.global());
        int d = econtrol.global().length;
        assertEquals(3L * 4 * 8 * (long) Math.ceil(0.1 * d), econtrol.uplinkBytes());
        assertEquals(3L * 4 * 4 * d, fedavg.uplinkBytes());
        assertTrue(r.getLast().testAccuracy() > 0.3, "accuracy " + r.getLast().testAccuracy()); // chance is 0.1
        // the default start sends each client's first message dense, then top-k
        var firstInput = FederatedSimulation.of(FedConfig.of(concat(common, "strategy=econtrol")));
        var f = firstInput.run();
        assertEquals(4L * 4 * d + 2L * 4 * 8 * (long) Math.ceil(0.1 * d), firstInput.uplinkBytes());
        assertTrue(f.getLast().testAccuracy() > 0.3, "accuracy " + f.getLast().testAccuracy());
    }

    @Test
    void clearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new EControl(5, 1, EControl.Compressor.TOP_K, 0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EControl(5, 1, EControl.Compressor.TOP_K, 0.5, -1, 1));
        assertThrows(RuntimeException.class, () -> FedConfig.of(List.of("econtrol_compressor=rand_k")));
    }

    private static List<String> concat(List<String> a, String... b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
