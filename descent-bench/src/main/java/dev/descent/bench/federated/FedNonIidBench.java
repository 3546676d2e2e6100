package dev.descent.bench.federated;

import dev.descent.bench.report.Stats;
import dev.descent.data.ClassificationData;
import dev.descent.federated.FedConfig;
import dev.descent.federated.FederatedSimulation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Server strategies on a Dirichlet-split dataset (digits or MNIST, {@link FederatedSimulation#load}): the
 * global model's test accuracy after R rounds for each strategy and α, mean ± sd over seeds (the seed keys
 * the partition, the initialisation, the client sampling and the batches). Ten clients, all sampled each
 * round, {@code local_epochs} (default 1) of SGD with batches of 32; every other setting at
 * {@link FedConfig}'s defaults. A strategy may carry its own settings after {@code +}
 * ({@code dadao+hidden=0}, {@code ferret+ferret_k=1024}); the row is labelled with the whole entry. The
 * uplink column is the bytes the clients sent per round ({@link FederatedSimulation#uplinkBytes()}), in
 * kB, averaged over runs.
 */
public final class FedNonIidBench {
    private FedNonIidBench() {}

    public static void run(List<String> strategies, String dataset, double[] alphas, int rounds, int localEpochs, int seeds, PrintStream out) {
        ClassificationData[] data = FederatedSimulation.load(dataset);
        out.printf(Locale.ROOT, "# Federated strategies on Dirichlet-split %s (10 clients, %d rounds, %d local epochs, %d seeds)%n%n",
                dataset, rounds, localEpochs, seeds);
        out.print("| strategy |");
        for (double a : alphas) out.printf(Locale.ROOT, " α = %s |", fmt(a));
        out.println(" uplink KB per round | seconds per run |");
        out.print("|---|");
        for (int i = 0; i <= alphas.length + 1; i++) out.print("---|");
        out.println();
        for (String entry : strategies) {
            String[] parts = entry.split("\\+");
            StringBuilder row = new StringBuilder("| " + entry + " |");
            List<Double> seconds = new ArrayList<>();
            List<Double> uplink = new ArrayList<>();
            for (double alpha : alphas) {
                double[] acc = new double[seeds];
                for (int s = 0; s < seeds; s++) {
                    List<String> settings = new ArrayList<>(List.of("strategy=" + parts[0], "partition=dirichlet", "alpha=" + alpha, "clients=10",
                            "rounds=" + rounds, "local_epochs=" + localEpochs, "seed=" + s, "dataset=" + dataset));
                    settings.addAll(List.of(parts).subList(1, parts.length));
                    FedConfig c = FedConfig.of(settings);
                    long t0 = System.nanoTime();
                    var sim = new FederatedSimulation(c, FederatedSimulation.partition(c, data[0]), data[0], data[1]);
                    var rs = sim.run();
                    seconds.add((System.nanoTime() - t0) * 1e-9);
                    acc[s] = rs.getLast().testAccuracy();
                    uplink.add(sim.uplinkBytes() / 1000.0 / rounds);
                }
                Stats st = Stats.of(acc);
                row.append(String.format(Locale.ROOT, " %.3f ± %.3f |", st.mean(), st.std()));
            }
            row.append(String.format(Locale.ROOT, " %.1f |", Stats.of(uplink.stream().mapToDouble(Double::doubleValue).toArray()).mean()));
            row.append(String.format(Locale.ROOT, " %.1f |", Stats.of(seconds.stream().mapToDouble(Double::doubleValue).toArray()).mean()));
            out.println(row);
            out.flush();
        }
        out.println();
    }

    private static String fmt(double a) {
        return a == Math.rint(a) ? Long.toString((long) a) : Double.toString(a);
    }
}
