package dev.descent.federated;

/**
 * How the server turns the clients' example-weighted average {@code x̄} into the next global model
 * {@code x} (in place). Round numbers are Flower's {@code server_round}, 1-based.
 */
public interface ServerUpdate {
    void apply(float[] global, double[] average, int round);

    /** FedAvg (McMahan et al. 2017): the global model becomes the weighted average. */
    ServerUpdate FED_AVG = (global, average, round) -> {
        for (int i = 0; i < global.length; i++) global[i] = (float) average[i];
    };
}
