package dev.descent.cli;

import dev.descent.federated.FedConfig;
import dev.descent.federated.FederatedSimulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent fed}: federated training simulated in one process. */
@Command(name = "fed", mixinStandardHelpOptions = true,
        description = "Federated training simulated in one process: clients are partitions of a dataset.",
        subcommands = {FedCommand.RunCommand.class})
final class FedCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code descent fed run}: rounds of client training and server aggregation, with the global model's test metrics. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Simulate federated training of an MLP classifier: partition the training set among clients",
                    "(iid, dirichlet alpha, shards), then rounds of local SGD and a server strategy (fedavg, fedprox,",
                    "fedadam, fedyogi with Flower's knobs; ferret; econtrol; fsgld, dsgld; fedlex; optex clients) or DADAO's",
                    "decentralized gossip (dadao). Prints the global model's test accuracy after each round."})
    static final class RunCommand implements Callable<Integer> {
        @Option(names = "--dataset", description = "digits or mnist (default digits)")
        String dataset;

        @Option(names = "--partition", description = "iid, dirichlet or shards (default dirichlet)")
        String partition;

        @Option(names = "--alpha", description = "Dirichlet concentration (default 1)")
        Double alpha;

        @Option(names = "--clients", description = "number of clients (default 10)")
        Integer clients;

        @Option(names = "--rounds", description = "server rounds (default 20)")
        Integer rounds;

        @Option(names = "--strategy", description = "fedavg, fedprox, fedadam, fedyogi, ferret, econtrol, fsgld, dsgld, dadao, fedlex or optex (default fedavg)")
        String strategy;

        @Option(names = "--seed", description = "seed (default 0)")
        Integer seed;

        @Option(names = "--set", description = {"key=value (repeatable), any key of the run: fraction_fit, min_fit_clients,",
                "min_available_clients, local_epochs, batch_size, eta_l, eta, beta_1, beta_2, tau, proximal_mu, ferret_k,", "ferret_momentum, ferret_slr_max, ferret_slr_min, econtrol_compressor, econtrol_ratio, econtrol_eta, econtrol_gamma,",
                "fsgld_prior_precision, fsgld_temperature, fsgld_fit_epochs, fsgld_burn_in,",
                "min_partition_size, shards_per_client, hidden"})
        List<String> settings = new ArrayList<>();

        @Option(names = "--json", description = "one JSON line per round, then a summary line")
        boolean json;

        @Override
        public Integer call() {
            List<String> overrides = new ArrayList<>();
            if (dataset != null) overrides.add("dataset=" + dataset);
            if (partition != null) overrides.add("partition=" + partition);
            if (alpha != null) overrides.add("alpha=" + alpha);
            if (clients != null) overrides.add("clients=" + clients);
            if (rounds != null) overrides.add("rounds=" + rounds);
            if (strategy != null) overrides.add("strategy=" + strategy);
            if (seed != null) overrides.add("seed=" + seed);
            overrides.addAll(settings);
            FedConfig config = FedConfig.of(overrides);
            long t0 = System.nanoTime();
            FederatedSimulation sim = FederatedSimulation.of(config);
            if (!json) {
                System.out.println("clients' rows: " + Arrays.toString(sim.clientSizes()));
                System.out.println("settings: " + config.resolved());
            }
            FederatedSimulation.Round last = null;
            for (int r = 0; r < config.rounds(); r++) {
                last = sim.round();
                if (json) {
                    System.out.printf(Locale.ROOT, "{\"round\": %d, \"clients\": %s, \"client_loss\": %s, \"test_accuracy\": %s, \"test_loss\": %s}%n",
                            last.round(), Arrays.toString(last.clients()), last.clientLoss(), last.testAccuracy(), last.testLoss());
                } else {
                    System.out.printf(Locale.ROOT, "round %3d  clients %-30s  client loss %.4f  test accuracy %.4f  test loss %.4f%n",
                            last.round(), Arrays.toString(last.clients()), last.clientLoss(), last.testAccuracy(), last.testLoss());
                }
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (json) {
                System.out.printf(Locale.ROOT, "{\"summary\": true, \"final_test_accuracy\": %s, \"final_test_loss\": %s, \"seconds\": %.3f, \"settings\": {%s}}%n",
                        last.testAccuracy(), last.testLoss(), seconds, jsonFields(config.resolved()));
            } else {
                System.out.printf(Locale.ROOT, "final test accuracy %.4f after %d rounds (%.1f s)%n", last.testAccuracy(), last.round(), seconds);
            }
            return 0;
        }

        private static String jsonFields(Map<String, Object> m) {
            return m.entrySet().stream().map(e -> "\"" + e.getKey() + "\": "
                    + (e.getValue() instanceof String s ? "\"" + s + "\"" : String.valueOf(e.getValue()))).collect(Collectors.joining(", "));
        }
    }
}
