package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

/** A simulation run twice from one configuration, the two global models checked to have the same bits. */
record ReproducibleRun(FederatedSimulation simulation, List<FederatedSimulation.Round> rounds) {
    /** Runs {@code config} twice; returns the first simulation and its rounds. */
    static ReproducibleRun of(FedConfig config) {
        FederatedSimulation first = FederatedSimulation.of(config);
        List<FederatedSimulation.Round> rounds = first.run();
        FederatedSimulation second = FederatedSimulation.of(config);
        second.run();
        assertArrayEquals(first.global(), second.global(), "two runs of the same configuration");
        return new ReproducibleRun(first, rounds);
    }
}
