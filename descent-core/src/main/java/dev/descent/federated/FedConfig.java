package dev.descent.federated;

import dev.descent.config.ConfigException;
import dev.descent.config.Field;
import dev.descent.config.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of a simulated federated run, bound from {@code key=value} overrides by a
 * {@link Schema} (every key known, every value checked). The knobs and defaults of the client
 * sampling and of the server strategies are Flower's ({@code flwr.server.strategy}, adap/flower commit
 * fdef7afb1dca3030553be302366cfd285ed6632c):
 * <ul>
 *   <li>{@code fraction_fit} 1.0, {@code min_fit_clients} 2, {@code min_available_clients} 2: each round
 *       samples {@code max(⌊K·fraction_fit⌋, min_fit_clients)} of the K clients, and refuses to run
 *       with fewer than {@code min_available_clients};</li>
 *   <li>FedAdam: η = 0.1, η_l = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 1e-9; FedYogi: η = 0.01, η_l = 0.0316,
 *       β₁ = 0.9, β₂ = 0.99, τ = 1e-3 ({@code eta}, {@code eta_l} and {@code tau} left unset take the
 *       strategy's default; FedAvg and FedProx clients use η_l = 0.1);</li>
 *   <li>FedProx: {@code proximal_mu} (Flower requires it; 0.01 here when unset);</li>
 *   <li>Ferret: {@code ferret_k} 4096, {@code ferret_momentum} 0.9, {@code ferret_slr_max} 10,
 *       {@code ferret_slr_min} 0, its authors' defaults ({@link Ferret});</li>
 *   <li>EControl: {@code econtrol_compressor} top_k, {@code econtrol_ratio} 0.1, {@code econtrol_eta} 0.1,
 *       {@code econtrol_gamma} 1, chosen here, {@code econtrol_init} first_input, the reference's ({@link EControl});
 *       its clients use η_l = 0.1;</li>
 *   <li>FSGLD: {@code fsgld_prior_precision} 1, {@code fsgld_temperature} 1, {@code fsgld_fit_epochs} 5,
 *       {@code fsgld_burn_in} half the rounds, Langevin step ε = η_l/N (η_l = 0.1), chosen here ({@link Fsgld});
 *       {@code dsgld} is the same chain without the conducive gradient (distributed SGLD), the paper's baseline;</li>
 *   <li>DADAO: {@code dadao_graph} complete (its code's default), {@code dadao_mu} 0.01 (chosen here),
 *       {@code dadao_l} from the softmax-regression bound ({@link Dadao}, {@link GossipGraph});</li>
 *   <li>FedLEx: {@code fedlex_explore_epochs} 5 (chosen here; the code explores up to 150 epochs with early
 *       stopping), {@code fedlex_explore_fraction} 1, the code's ({@link FedLex});</li>
 *   <li>OptEx: {@code optex_parallel} 4 (chosen here), {@code optex_history} 50, {@code optex_lengthscale} 0.1,
 *       {@code optex_noise} 0.001, its code's ({@link OptEx}).</li>
 * </ul>
 * Client training is {@code local_epochs} epochs of minibatch SGD at η_l with batches of
 * {@code batch_size} (the last batch of an epoch may be smaller), a fresh optimizer each round, as
 * Flower's example clients do.
 */
public final class FedConfig {
    /** Strategies the simulation runs. */
    public static final List<String> STRATEGIES = List.of("fedavg", "fedprox", "fedadam", "fedyogi", "ferret", "econtrol", "fsgld", "dsgld",
            "dadao", "fedlex", "optex");
    /** Partitioners. */
    public static final List<String> PARTITIONS = List.of("iid", "dirichlet", "shards");
    /** EControl's initialisations. */
    public static final List<String> ECONTROL_INITS = List.of("first_input", "zero");
    /** EControl's compressors. */
    public static final List<String> COMPRESSORS = List.of("top_k", "identity");
    /** Datasets. */
    public static final List<String> DATASETS = List.of("digits", "mnist");

    private static final double INF = Double.POSITIVE_INFINITY;
    public static final Schema SCHEMA = new Schema();

    static {
        def("dataset", String.class, "digits", 0, 0, DATASETS, "digits: optdigits 3823 train / 1797 test; mnist: MNIST t10k split 8000/2000");
        def("partition", String.class, "dirichlet", 0, 0, PARTITIONS, "how rows are dealt to clients");
        def("alpha", Double.class, 1.0, 1e-6, INF, null, "Dirichlet concentration (dirichlet partition)");
        def("min_partition_size", Integer.class, 10, 0, Integer.MAX_VALUE, null, "Flower's DirichletPartitioner minimum rows per client");
        def("shards_per_client", Integer.class, 2, 1, Integer.MAX_VALUE, null, "shards per client (shards partition)");
        def("clients", Integer.class, 10, 1, 100_000, null, "number of simulated clients");
        def("rounds", Integer.class, 20, 1, 1_000_000, null, "server rounds");
        def("strategy", String.class, "fedavg", 0, 0, STRATEGIES, "server strategy");
        def("fraction_fit", Double.class, 1.0, 0, INF, null, "fraction of clients sampled per round, in [0, 1]");
        def("min_fit_clients", Integer.class, 2, 1, Integer.MAX_VALUE, null, "Flower's minimum clients per round");
        def("min_available_clients", Integer.class, 2, 1, Integer.MAX_VALUE, null, "Flower's minimum clients to run at all");
        def("local_epochs", Integer.class, 1, 1, 10_000, null, "client epochs per round");
        def("batch_size", Integer.class, 32, 1, 1 << 20, null, "client minibatch size");
        def("eta_l", Double.class, Double.NaN, 0, INF, null, "client learning rate (unset: the strategy's default)");
        def("eta", Double.class, Double.NaN, 0, INF, null, "server learning rate of fedadam/fedyogi (unset: the strategy's default)");
        def("beta_1", Double.class, 0.9, 0, 1, null, "server first-moment decay (fedadam, fedyogi)");
        def("beta_2", Double.class, 0.99, 0, 1, null, "server second-moment decay (fedadam, fedyogi)");
        def("tau", Double.class, Double.NaN, 0, INF, null, "server adaptivity (unset: the strategy's default)");
        def("proximal_mu", Double.class, Double.NaN, 0, INF, null, "FedProx proximal coefficient (unset: 0.01 for fedprox, 0 otherwise)");
        def("ferret_k", Integer.class, 4096, 2, 1 << 20, null, "Ferret: number of shared seeds K");
        def("ferret_momentum", Double.class, 0.9, 0, 1, null, "Ferret: decay of the server's seed pool");
        def("ferret_slr_max", Double.class, 10.0, 0, INF, null, "Ferret: server learning rate at round 1 (linear annealing)");
        def("ferret_slr_min", Double.class, 0.0, 0, INF, null, "Ferret: server learning rate the annealing ends at");
        def("econtrol_compressor", String.class, "top_k", 0, 0, COMPRESSORS, "EControl: compressor of the client messages");
        def("econtrol_ratio", Double.class, 0.1, 1e-9, 1, null, "EControl: fraction of entries top_k keeps, in (0, 1]");
        def("econtrol_eta", Double.class, 0.1, 0, INF, null, "EControl: error-control step eta");
        def("econtrol_init", String.class, "first_input", 0, 0, ECONTROL_INITS, "EControl: h starts at the first input (sent dense) or at 0");
        def("econtrol_gamma", Double.class, 1.0, 1e-12, INF, null, "EControl: server step gamma");
        def("fsgld_prior_precision", Double.class, 1.0, 0, INF, null, "FSGLD: precision of the N(0, 1/lambda) prior");
        def("fsgld_temperature", Double.class, 1.0, 0, INF, null, "FSGLD: temperature T of the Langevin noise sqrt(2 eps T) (0: no noise)");
        def("fsgld_fit_epochs", Integer.class, 5, 1, 10_000, null, "FSGLD: epochs of client SGD fitting each local Gaussian's mean");
        def("fsgld_burn_in", Integer.class, -1, -1, Integer.MAX_VALUE, null, "FSGLD: rounds before samples enter the posterior average (-1: half the rounds)");
        def("dadao_graph", String.class, "complete", 0, 0, GossipGraph.KINDS, "DADAO: the nodes' communication graph");
        def("dadao_mu", Double.class, 0.01, 1e-12, INF, null, "DADAO: strong convexity mu, also the l2 term mu/2 |x|^2 added to each node's loss");
        def("dadao_l", Double.class, 0.0, 0, INF, null, "DADAO: smoothness L (0: the softmax-regression bound max_k mean(|x|^2+1)/2 + mu)");
        def("fedlex_explore_epochs", Integer.class, 5, 1, 10_000, null, "FedLEx: epochs of client SGD that build each explored model");
        def("fedlex_explore_fraction", Double.class, 1.0, 1e-9, 1, null, "FedLEx: share of the clients that explore, in (0, 1]");
        def("optex_parallel", Integer.class, 4, 1, 1024, null, "OptEx: parallelism N (gradients per sequential iteration)");
        def("optex_history", Integer.class, 50, 2, 100_000, null, "OptEx: (point, gradient) pairs kept for the kernel regression");
        def("optex_lengthscale", Double.class, 0.1, 1e-12, INF, null, "OptEx: Matern 5/2 length scale");
        def("optex_noise", Double.class, 0.001, 0, INF, null, "OptEx: added to the kernel matrix's diagonal");
        def("hidden", Integer.class, 32, 0, 1 << 16, null, "hidden width of the MLP classifier (0: softmax regression, no hidden layer)");
        def("seed", Integer.class, 0, 0, Integer.MAX_VALUE, null, "seed of the partition, initialisation, sampling and batches");
    }

    private static void def(String name, Class<?> type, Object dflt, double min, double max, List<String> choices, String help) {
        SCHEMA.add(new Field(name, type, dflt, min, max, choices, help));
    }

    private final Map<String, Object> values;

    private FedConfig(Map<String, Object> values) { this.values = values; }

    /** The defaults with {@code overrides} ({@code key=value}) applied and checked. */
    public static FedConfig of(List<String> overrides) {
        Map<String, Object> v = new LinkedHashMap<>(SCHEMA.defaults());
        SCHEMA.override(overrides, v);
        FedConfig c = new FedConfig(v);
        c.validate();
        return c;
    }

    private void validate() {
        if (fractionFit() > 1) throw new ConfigException("config key 'fraction_fit' must be in [0, 1], got " + fractionFit());
        if (minFitClients() > minAvailableClients()) {
            throw new ConfigException("min_fit_clients (" + minFitClients() + ") must be <= min_available_clients (" + minAvailableClients() + "), as Flower requires");
        }
    }

    public String dataset() { return (String) values.get("dataset"); }
    public String partition() { return (String) values.get("partition"); }
    public double alpha() { return (Double) values.get("alpha"); }
    public int minPartitionSize() { return (Integer) values.get("min_partition_size"); }
    public int shardsPerClient() { return (Integer) values.get("shards_per_client"); }
    public int clients() { return (Integer) values.get("clients"); }
    public int rounds() { return (Integer) values.get("rounds"); }
    public String strategy() { return (String) values.get("strategy"); }
    public double fractionFit() { return (Double) values.get("fraction_fit"); }
    public int minFitClients() { return (Integer) values.get("min_fit_clients"); }
    public int minAvailableClients() { return (Integer) values.get("min_available_clients"); }
    public int localEpochs() { return (Integer) values.get("local_epochs"); }
    public int batchSize() { return (Integer) values.get("batch_size"); }
    public double beta1() { return (Double) values.get("beta_1"); }
    public double beta2() { return (Double) values.get("beta_2"); }
    public int ferretK() { return (Integer) values.get("ferret_k"); }
    public double ferretMomentum() { return (Double) values.get("ferret_momentum"); }
    public double ferretSlrMax() { return (Double) values.get("ferret_slr_max"); }
    public double ferretSlrMin() { return (Double) values.get("ferret_slr_min"); }
    public String econtrolCompressor() { return (String) values.get("econtrol_compressor"); }
    public double econtrolRatio() { return (Double) values.get("econtrol_ratio"); }
    public double econtrolEta() { return (Double) values.get("econtrol_eta"); }
    public String econtrolInit() { return (String) values.get("econtrol_init"); }
    public double econtrolGamma() { return (Double) values.get("econtrol_gamma"); }
    public double fsgldPriorPrecision() { return (Double) values.get("fsgld_prior_precision"); }
    public double fsgldTemperature() { return (Double) values.get("fsgld_temperature"); }
    public int fsgldFitEpochs() { return (Integer) values.get("fsgld_fit_epochs"); }

    /** FSGLD's burn-in rounds: {@code fsgld_burn_in}, or half the rounds when unset. */
    public int fsgldBurnIn() {
        int v = (Integer) values.get("fsgld_burn_in");
        return v >= 0 ? v : rounds() / 2;
    }

    public String dadaoGraph() { return (String) values.get("dadao_graph"); }
    public double dadaoMu() { return (Double) values.get("dadao_mu"); }
    /** DADAO's L, or 0 when unset (the simulation then bounds it from the data). */
    public double dadaoL() { return (Double) values.get("dadao_l"); }
    public int fedlexExploreEpochs() { return (Integer) values.get("fedlex_explore_epochs"); }
    public double fedlexExploreFraction() { return (Double) values.get("fedlex_explore_fraction"); }
    public int optexParallel() { return (Integer) values.get("optex_parallel"); }
    public int optexHistory() { return (Integer) values.get("optex_history"); }
    public double optexLengthscale() { return (Double) values.get("optex_lengthscale"); }
    public double optexNoise() { return (Double) values.get("optex_noise"); }

    public int hidden() { return (Integer) values.get("hidden"); }
    public long seed() { return (Integer) values.get("seed"); }

    /** The client learning rate: {@code eta_l}, or the strategy's default (FedYogi 0.0316, otherwise 0.1). */
    public double etaL() {
        double v = (Double) values.get("eta_l");
        if (!Double.isNaN(v)) return v;
        return strategy().equals("fedyogi") ? 0.0316 : 0.1;
    }

    /** The server learning rate: {@code eta}, or Flower's default (FedAdam 0.1, FedYogi 0.01). */
    public double eta() {
        double v = (Double) values.get("eta");
        if (!Double.isNaN(v)) return v;
        return strategy().equals("fedyogi") ? 1e-2 : 1e-1;
    }

    /** τ: {@code tau}, or Flower's default (FedAdam 1e-9, FedYogi 1e-3). */
    public double tau() {
        double v = (Double) values.get("tau");
        if (!Double.isNaN(v)) return v;
        return strategy().equals("fedyogi") ? 1e-3 : 1e-9;
    }

    /** μ of FedProx's proximal term: {@code proximal_mu}, or 0.01 for fedprox and 0 for the others. */
    public double proximalMu() {
        double v = (Double) values.get("proximal_mu");
        if (!Double.isNaN(v)) return v;
        return strategy().equals("fedprox") ? 0.01 : 0;
    }

    /** The resolved settings by key (unset defaults filled in), for logs and JSON. */
    public Map<String, Object> resolved() {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put("eta_l", etaL());
        m.put("eta", eta());
        m.put("tau", tau());
        m.put("proximal_mu", proximalMu());
        m.put("fsgld_burn_in", fsgldBurnIn());
        return m;
    }
}
