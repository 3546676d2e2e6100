package dev.descent.federated;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.MlpClassifier;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.privacy.ClassifierRowLoss;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Federated training simulated in one process: K clients, each a partition of a dataset
 * ({@link Partitions}), train an {@link MlpClassifier} locally ({@link ClientObjective} on the one
 * {@link TrainingLoop}) and the server combines their models (FedAvg, FedProx, FedAdam, FedYogi), or,
 * for Ferret, their updates' coordinates along shared random directions ({@link Ferret}), or, for
 * EControl, compressed error-controlled messages of their updates ({@link EControl}); FSGLD instead
 * moves one Langevin chain through the clients and averages the predictions of its samples ({@link Fsgld});
 * FedLEx guides the clients' gradients with a matrix built from explored models ({@link FedLex}); OptEx
 * clients evaluate several predicted iterates per step ({@link OptEx}); DADAO has no server: the clients
 * are nodes gossiping on a graph ({@link Dadao}). {@code hidden=0} makes the model softmax regression.
 * Round r (1-based, Flower's {@code server_round}):
 * <ol>
 *   <li>sample {@code max(⌊K·fraction_fit⌋, min_fit_clients)} clients: the first of a seeded permutation
 *       of the client ids (stream (seed, "fed/sample") derived by r), then sorted by id;</li>
 *   <li>each sampled client k, in id order, starts from the global weights, trains
 *       {@code local_epochs} epochs of SGD at η_l on its n_k rows (batches from (seed, "fed/client")
 *       derived by k, then r) and reports its weights w_k and n_k;</li>
 *   <li>the weighted average {@code x̄ = Σ n_k w_k / Σ n_k} (Flower's {@code aggregate}) is summed in
 *       double in client-id order, so a run is the same bits every time;</li>
 *   <li>the {@link ServerUpdate} turns x̄ into the next global model.</li>
 * </ol>
 * The clients share one worker model whose weights are overwritten before each client trains: clients
 * run one after another, and no client sees another's state.
 */
public final class FederatedSimulation {
    /**
     * One finished round: the clients that trained, {@code clientLoss} (each client's mean loss over
     * its own rows with the weights it ended local training with, averaged with weights n_k) and the
     * new global model's test accuracy and mean test loss.
     */
    public record Round(int round, int[] clients, double clientLoss, double testAccuracy, double testLoss) {}

    private final FedConfig config;
    private final MlpClassifier worker;
    private final List<ClassifierRowLoss> clients = new ArrayList<>();
    private final ClassifierRowLoss evaluation;
    private final ClassificationData test;
    private final float[] global;
    private final ServerUpdate server;
    /** Ferret's seed pool and shared directions, for strategy ferret. */
    private final Ferret ferret;
    /** EControl's client states, for strategy econtrol. */
    private final EControl econtrol;
    /** FSGLD's local Gaussians and step, fitted before its first round, for strategy fsgld. */
    private Fsgld fsgld;
    /** FSGLD: Σ over the kept samples of the test set's predicted class probabilities. */
    private double[] predictive;
    private int samples;
    private long chainStep;
    /** DADAO's node states, graph and per-node batch streams, for strategy dadao (built in its first round). */
    private Dadao dadao;
    private GossipGraph graph;
    private ClientObjective[] dadaoBatches;
    private long[] dadaoSteps;
    /** FedLEx: each client's explored model (null for clients that did not explore), built before round 1. */
    private float[][] scouts;
    private float[] fedlexBase;
    /** OptEx: each client's optimizer, kept across rounds with its history. */
    private OptEx[] optex;
    private int round;
    private long uplinkBytes;

    /**
     * @param config     the run's settings
     * @param partitions per client, its rows of {@code train}
     * @param train      the training data the partitions index
     * @param test       held-out data for the global model's metrics
     */
    public FederatedSimulation(FedConfig config, int[][] partitions, ClassificationData train, ClassificationData test) {
        this.config = Objects.requireNonNull(config, "config");
        this.test = Objects.requireNonNull(test, "test");
        if (partitions.length < config.minAvailableClients()) {
            throw new IllegalArgumentException(partitions.length + " clients available, min_available_clients=" + config.minAvailableClients());
        }
        this.worker = config.hidden() == 0
                ? new MlpClassifier(config.seed(), train.cols(), train.classes())
                : new MlpClassifier(config.seed(), train.cols(), config.hidden(), train.classes());
        for (int k = 0; k < partitions.length; k++) {
            if (partitions[k].length == 0) {
                throw new IllegalArgumentException("client " + k + " has no training rows (partition " + config.partition()
                        + "); lower the number of clients or change the partition");
            }
            clients.add(new ClassifierRowLoss(worker, train.subset(train.name() + "/client" + k, partitions[k])));
        }
        this.evaluation = new ClassifierRowLoss(worker, test);
        this.global = worker.parameters().values().clone();
        this.ferret = config.strategy().equals("ferret")
                ? new Ferret(worker.parameters().list().stream().mapToInt(p -> p.value().size()).toArray(), config.ferretK(), config.ferretMomentum(), config.seed())
                : null;
        this.econtrol = config.strategy().equals("econtrol")
                ? new EControl(global.length, partitions.length,
                        config.econtrolCompressor().equals("identity") ? EControl.Compressor.IDENTITY : EControl.Compressor.TOP_K,
                        config.econtrolRatio(), config.econtrolEta(), config.econtrolGamma(),
                        config.econtrolInit().equals("zero") ? EControl.Init.ZERO : EControl.Init.FIRST_INPUT)
                : null;
        this.server = switch (config.strategy()) {
            case "fedavg", "fedprox", "ferret", "econtrol", "fsgld", "dsgld", "dadao", "fedlex", "optex" -> ServerUpdate.FED_AVG;
            case "fedadam" -> new FedOptUpdate(FedOptUpdate.Kind.ADAM, config.eta(), config.beta1(), config.beta2(), config.tau());
            case "fedyogi" -> new FedOptUpdate(FedOptUpdate.Kind.YOGI, config.eta(), config.beta1(), config.beta2(), config.tau());
            default -> throw new IllegalArgumentException("unknown strategy '" + config.strategy() + "'; allowed: " + FedConfig.STRATEGIES);
        };
    }

    /** The configured dataset split, partitioned as configured, in a simulation. */
    public static FederatedSimulation of(FedConfig config) {
        ClassificationData[] data = load(config.dataset());
        return new FederatedSimulation(config, partition(config, data[0]), data[0], data[1]);
    }

    /** {train, test} of a dataset name: digits (optdigits, features /16) or mnist (t10k, /255, split 8000/2000). */
    public static ClassificationData[] load(String dataset) {
        return switch (dataset) {
            case "digits" -> new ClassificationData[] {Datasets.digitsTrain().scaled(1f / 16), Datasets.digitsTest().scaled(1f / 16)};
            case "mnist" -> {
                ClassificationData.Split s = Datasets.mnistT10k().scaled(1f / 255).split(8000, 0);
                yield new ClassificationData[] {s.train(), s.test()};
            }
            default -> throw new IllegalArgumentException("unknown dataset '" + dataset + "'; allowed: " + FedConfig.DATASETS);
        };
    }

    /** The partition the configuration asks for. */
    public static int[][] partition(FedConfig c, ClassificationData train) {
        return switch (c.partition()) {
            case "iid" -> Partitions.iid(train.rows(), c.clients(), c.seed());
            case "dirichlet" -> Partitions.dirichlet(train.labels(), train.classes(), c.clients(), c.alpha(), c.minPartitionSize(), c.seed());
            case "shards" -> Partitions.shards(train.labels(), c.clients(), c.shardsPerClient(), c.seed());
            default -> throw new IllegalArgumentException("unknown partition '" + c.partition() + "'; allowed: " + FedConfig.PARTITIONS);
        };
    }

    /** The clients of round r: Flower's count, a seeded sample, sorted by id. */
    public int[] sampleClients(int r) {
        int available = clients.size();
        int wanted = Math.max((int) (available * config.fractionFit()), config.minFitClients());
        if (wanted > available) {
            throw new IllegalArgumentException("round " + r + " needs " + wanted + " clients (fraction_fit=" + config.fractionFit()
                    + ", min_fit_clients=" + config.minFitClients() + ") but only " + available + " exist");
        }
        int[] perm = Philox.stream(config.seed(), "fed/sample").derive(r).permutation(available);
        int[] chosen = Arrays.copyOf(perm, wanted);
        Arrays.sort(chosen);
        return chosen;
    }

    /** Runs the next round. */
    public Round round() {
        int r = ++round;
        int[] chosen = sampleClients(r);
        if (ferret != null) return ferretRound(r, chosen);
        if (econtrol != null) return econtrolRound(r, chosen);
        if (config.strategy().equals("fsgld") || config.strategy().equals("dsgld")) return fsgldRound(r, chosen);
        if (config.strategy().equals("dadao")) return dadaoRound(r, chosen);
        float[] guidance = config.strategy().equals("fedlex") ? fedlexGuidance(chosen) : null;
        double[] sum = new double[global.length];
        long examples = 0;
        double lossSum = 0;
        for (int k : chosen) {
            ClassifierRowLoss client = clients.get(k);
            float[] w = config.strategy().equals("optex") ? trainClientOptEx(k, r) : trainClient(k, r, guidance);
            int n = client.rows();
            for (int i = 0; i < w.length; i++) sum[i] += (double) n * w[i];
            examples += n;
            lossSum += (double) n * client.meanLoss(client.data());
            uplinkBytes += 4L * w.length; // the client's model in float32
        }
        for (int i = 0; i < sum.length; i++) sum[i] /= examples;
        server.apply(global, sum, r);
        System.arraycopy(global, 0, worker.parameters().values(), 0, global.length);
        return new Round(r, chosen, lossSum / examples, evaluation.accuracy(test), evaluation.meanLoss(test));
    }

    /** A Ferret round: clients send seed coordinates of their updates, the server rebuilds ({@link Ferret}). */
    private Round ferretRound(int r, int[] chosen) {
        List<double[][]> coordinates = new ArrayList<>();
        double[] weights = new double[chosen.length];
        double batchesTotal = 0;
        long examples = 0;
        double lossSum = 0;
        for (int j = 0; j < chosen.length; j++) {
            int k = chosen[j];
            ClassifierRowLoss client = clients.get(k);
            float[] w = trainClient(k, r);
            double[][] c = ferret.project(global, w, Philox.stream(config.seed(), "ferret/choice").derive(k).derive(r));
            coordinates.add(c);
            for (double[] seed : c) for (double v : seed) if (v != 0) uplinkBytes += 8; // a float32 scalar and its seed/group index
            weights[j] = (client.rows() + config.batchSize() - 1) / config.batchSize();
            batchesTotal += weights[j];
            examples += client.rows();
            lossSum += (double) client.rows() * client.meanLoss(client.data());
        }
        for (int j = 0; j < weights.length; j++) weights[j] /= batchesTotal;
        ferret.serverStep(global, coordinates, weights, Ferret.serverLearningRate(r, config.rounds(), config.ferretSlrMax(), config.ferretSlrMin()));
        System.arraycopy(global, 0, worker.parameters().values(), 0, global.length);
        return new Round(r, chosen, lossSum / examples, evaluation.accuracy(test), evaluation.meanLoss(test));
    }

    /**
     * An EControl round: each client's pseudo-gradient {@code x − w_k} goes through its compressed,
     * error-controlled message; the server steps along the clients' estimates ({@link EControl}).
     */
    private Round econtrolRound(int r, int[] chosen) {
        double[] weights = new double[chosen.length];
        long examples = 0;
        double lossSum = 0;
        double[] g = new double[global.length];
        for (int j = 0; j < chosen.length; j++) {
            int k = chosen[j];
            ClassifierRowLoss client = clients.get(k);
            float[] w = trainClient(k, r);
            for (int i = 0; i < g.length; i++) g[i] = (double) global[i] - w[i];
            econtrol.clientStep(k, g);
            uplinkBytes += econtrol.lastMessageBytes();
            weights[j] = client.rows();
            examples += client.rows();
            lossSum += (double) client.rows() * client.meanLoss(client.data());
        }
        for (int j = 0; j < weights.length; j++) weights[j] /= examples;
        econtrol.serverStep(global, chosen, weights);
        System.arraycopy(global, 0, worker.parameters().values(), 0, global.length);
        return new Round(r, chosen, lossSum / examples, evaluation.accuracy(test), evaluation.meanLoss(test));
    }

    /**
     * A DADAO round ({@link Dadao}): every client is a node of the {@code dadao_graph}; there is no server.
     * A round is T = local_epochs·⌈mean n_k/B⌉ units of the DADAO clock, so the graph makes K·T gradient
     * events on average, as many local steps as FedAvg's clients together, and λ_mix·T gossips. Node k's
     * f_k is its mean loss plus μ/2‖x‖² (strongly convex for {@code hidden=0}, softmax regression), its
     * gradient taken on the next batch of its own stream (seed, "dadao/batches") derived by k; the events
     * come from (seed, "dadao/events") derived by r. The reported model is the nodes' average x̄, and
     * {@code clientLoss} is x̄'s n-weighted mean loss over the clients' rows. Each gossip sends y + z both
     * ways: 8 bytes per parameter.
     */
    private Round dadaoRound(int r, int[] chosen) {
        if (chosen.length != clients.size()) {
            throw new IllegalArgumentException("dadao runs every node each round; set fraction_fit=1 (round " + r
                    + " samples " + chosen.length + " of " + clients.size() + " clients)");
        }
        int n = clients.size();
        long total = 0;
        for (ClassifierRowLoss c : clients) total += c.rows();
        double period = config.localEpochs() * Math.ceil((double) total / n / config.batchSize());
        if (dadao == null) {
            graph = GossipGraph.of(config.dadaoGraph(), n);
            double smooth = config.dadaoL() > 0 ? config.dadaoL() : softmaxSmoothness() + config.dadaoMu();
            dadao = new Dadao(global, n, config.dadaoMu(), smooth, graph.chi1() / graph.gossipRate());
            dadaoBatches = new ClientObjective[n];
            for (int k = 0; k < n; k++) {
                dadaoBatches[k] = new ClientObjective(clients.get(k), config.batchSize(), Philox.stream(config.seed(), "dadao/batches").derive(k), null, 0);
            }
            dadaoSteps = new long[n];
        }
        float[] w = worker.parameters().values();
        double mu = config.dadaoMu();
        Dadao.LocalGradient f = (node, x, out) -> {
            for (int i = 0; i < w.length; i++) w[i] = (float) x[i];
            dadaoBatches[node].prepare(dadaoSteps[node]++);
            dadaoBatches[node].lossAndGradient();
            float[] g = clients.get(node).grads();
            for (int i = 0; i < out.length; i++) out[i] = g[i] + mu * x[i];
        };
        var events = Dadao.poissonEvents(Philox.stream(config.seed(), "dadao/events").derive(r), (r - 1) * period, r * period,
                n, n, graph.edges(), graph.gossipRate());
        for (Dadao.Event e : events) {
            dadao.play(e, f);
            if (!e.gradient()) uplinkBytes += 8L * global.length;
        }
        dadao.advanceAll(r * period); // every node at the round's end, so x̄ is the average at one time
        dadao.averageX(global);
        System.arraycopy(global, 0, w, 0, global.length);
        double lossSum = 0;
        for (ClassifierRowLoss c : clients) lossSum += (double) c.rows() * c.meanLoss(c.data());
        return new Round(r, chosen, lossSum / total, evaluation.accuracy(test), evaluation.meanLoss(test));
    }

    /**
     * The smoothness of the softmax regression's mean cross-entropy on the worst client: the Hessian is
     * E[(diag(p) − ppᵀ) ⊗ x̃x̃ᵀ] with x̃ = (x, 1) and ‖diag(p) − ppᵀ‖ ≤ ½, so L ≤ max_k mean_{i∈k} (‖x_i‖² + 1)/2.
     * (The analogue of its code's {@code compute_regularity_constants} for the binary logistic loss.)
     */
    private double softmaxSmoothness() {
        double worst = 0;
        for (ClassifierRowLoss c : clients) {
            ClassificationData d = c.data();
            double s = 0;
            float[] x = d.features();
            for (int row = 0; row < d.rows(); row++) {
                double sq = 1;
                for (int j = 0; j < d.cols(); j++) {
                    double v = x[row * d.cols() + j];
                    sq += v * v;
                }
                s += sq / 2;
            }
            worst = Math.max(worst, s / d.rows());
        }
        return worst;
    }

    /**
     * FedLEx's guidance for round r's clients ({@link FedLex}): before the first round the explorers (the
     * first ⌈fedlex_explore_fraction·K⌉ of the permutation (seed, "fedlex/explorers")) each train
     * {@code fedlex_explore_epochs} epochs of SGD at η_l from the initial global model (batches from (seed,
     * "fedlex/explore") derived by k) and send the result, 4 bytes per parameter; G is then computed from
     * the round's clients' scouts when every client explored, otherwise from all scouts.
     */
    private float[] fedlexGuidance(int[] chosen) {
        int n = clients.size();
        if (scouts == null) {
            scouts = new float[n][];
            fedlexBase = global.clone();
            int explorers = (int) Math.ceil(config.fedlexExploreFraction() * n);
            int[] perm = Philox.stream(config.seed(), "fedlex/explorers").permutation(n);
            float[] w = worker.parameters().values();
            for (int j = 0; j < explorers; j++) {
                int k = perm[j];
                ClassifierRowLoss client = clients.get(k);
                System.arraycopy(fedlexBase, 0, w, 0, w.length);
                var objective = new ClientObjective(client, config.batchSize(), Philox.stream(config.seed(), "fedlex/explore").derive(k), null, 0);
                Optimizer sgd = Optimizers.sgd().lr(config.etaL()).build(worker.parameters());
                try {
                    new TrainingLoop(sgd, objective, client.grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE)
                            .run(0, (long) config.fedlexExploreEpochs() * objective.stepsPerEpoch());
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // no callbacks, so no I/O
                }
                scouts[k] = w.clone();
                uplinkBytes += 4L * w.length;
            }
            System.arraycopy(global, 0, w, 0, w.length);
        }
        boolean everyone = Arrays.stream(scouts).allMatch(Objects::nonNull);
        List<float[]> used = new ArrayList<>();
        if (everyone) for (int k : chosen) used.add(scouts[k]);
        else for (float[] s : scouts) if (s != null) used.add(s);
        int[] pieces = worker.parameters().list().stream().mapToInt(p -> p.value().size()).toArray();
        return FedLex.guidance(fedlexBase, used, pieces);
    }

    /**
     * Client k's local training in round r with OptEx ({@link OptEx}, SGD at η_l): as many sequential
     * iterations as FedAvg's client takes steps (local_epochs·⌈n_k/B⌉), each evaluating N gradients at once,
     * evaluation j of iteration i on batch i·N + j of the round's batch stream (so a round passes N times
     * over the client's rows). Each client keeps its OptEx history across rounds.
     */
    private float[] trainClientOptEx(int k, int r) {
        if (optex == null) optex = new OptEx[clients.size()];
        if (optex[k] == null) {
            optex[k] = new OptEx(global.length, config.optexParallel(), config.optexHistory(), config.optexLengthscale(),
                    config.optexNoise(), config.etaL());
        }
        ClassifierRowLoss client = clients.get(k);
        float[] w = worker.parameters().values();
        var objective = new ClientObjective(client, config.batchSize(), Philox.stream(config.seed(), "fed/client").derive(k).derive(r), null, 0);
        double[] x = new double[global.length];
        for (int i = 0; i < x.length; i++) x[i] = global[i];
        int parallel = config.optexParallel();
        long iterations = (long) config.localEpochs() * objective.stepsPerEpoch();
        for (long it = 0; it < iterations; it++) {
            long first = it * parallel;
            optex[k].iterate(x, (point, j, out) -> {
                for (int i = 0; i < w.length; i++) w[i] = (float) point[i];
                objective.prepare(first + j);
                objective.lossAndGradient();
                float[] g = client.grads();
                for (int i = 0; i < out.length; i++) out[i] = g[i];
            });
        }
        for (int i = 0; i < w.length; i++) w[i] = (float) x[i];
        return w;
    }

    /**
     * An FSGLD round ({@link Fsgld}; for dsgld the same without the conducive gradient): one chain visits every client in id order; client s runs
     * {@code local_epochs} epochs of Langevin steps on its batches (the batch stream of the other
     * strategies), with ε = η_l/N, f_s = n_s/N and the noise of step t from (seed, "fsgld/noise")
     * derived by t; the global model is the chain's state. After {@code fsgld_burn_in} rounds the state
     * at the end of each client's visit is a sample: the reported test accuracy and loss are those of
     * the average of the samples' predicted probabilities (before, of the current state).
     */
    private Round fsgldRound(int r, int[] chosen) {
        if (chosen.length != clients.size()) {
            throw new IllegalArgumentException("fsgld moves one chain through every client each round; set fraction_fit=1 (round " + r
                    + " samples " + chosen.length + " of " + clients.size() + " clients)");
        }
        long total = 0;
        for (ClassifierRowLoss c : clients) total += c.rows();
        if (fsgld == null && config.strategy().equals("dsgld")) {
            // distributed SGLD: the same chain with Λ_j = 0, so no conducive gradient
            double[][] zeros = new double[clients.size()][global.length];
            fsgld = new Fsgld(zeros, zeros, config.fsgldPriorPrecision(), config.etaL() / total, config.fsgldTemperature());
        } else if (fsgld == null) {
            fsgld = fitLocalGaussians(config.etaL() / total);
            uplinkBytes += 8L * global.length * clients.size(); // each client's mean and precision, once
        }
        float[] theta = worker.parameters().values();
        System.arraycopy(global, 0, theta, 0, global.length);
        double[] grad = new double[global.length];
        double lossSum = 0;
        for (int k : chosen) {
            ClassifierRowLoss client = clients.get(k);
            double fs = (double) client.rows() / total;
            var objective = new ClientObjective(client, config.batchSize(), Philox.stream(config.seed(), "fed/client").derive(k).derive(r), null, 0);
            long steps = (long) config.localEpochs() * objective.stepsPerEpoch();
            for (long t = 0; t < steps; t++) {
                objective.prepare(t);
                objective.lossAndGradient();
                float[] g = client.grads();
                // n_s/(f_s|B|) Σ_B ∇ℓ_i = N · (the batch's mean gradient)
                for (int i = 0; i < grad.length; i++) grad[i] = (double) total * g[i];
                fsgld.addPriorAndConducive(theta, k, fs, grad);
                fsgld.step(theta, grad, Philox.stream(config.seed(), "fsgld/noise").derive(chainStep++));
            }
            lossSum += (double) client.rows() * client.meanLoss(client.data());
            uplinkBytes += 4L * theta.length; // the chain's state handed on
            if (r > config.fsgldBurnIn()) addSample();
        }
        System.arraycopy(theta, 0, global, 0, global.length);
        double accuracy = samples > 0 ? predictiveAccuracy() : evaluation.accuracy(test);
        double loss = samples > 0 ? predictiveLoss() : evaluation.meanLoss(test);
        return new Round(r, chosen, lossSum / total, accuracy, loss);
    }

    /**
     * Each client's diagonal Laplace approximation of its likelihood, from the initial global model:
     * μ_k after {@code fsgld_fit_epochs} of SGD at η_l on its rows (batches from (seed, "fsgld/fit")
     * derived by k), Λ_k the empirical Fisher Σ_i (∇ℓ_i(μ_k))² over its rows, one backward per row.
     */
    private Fsgld fitLocalGaussians(double step) {
        float[] w = worker.parameters().values();
        double[][] means = new double[clients.size()][];
        double[][] precisions = new double[clients.size()][];
        for (int k = 0; k < clients.size(); k++) {
            ClassifierRowLoss client = clients.get(k);
            System.arraycopy(global, 0, w, 0, global.length);
            var objective = new ClientObjective(client, config.batchSize(), Philox.stream(config.seed(), "fsgld/fit").derive(k), null, 0);
            Optimizer sgd = Optimizers.sgd().lr(config.etaL()).build(worker.parameters());
            try {
                new TrainingLoop(sgd, objective, client.grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE)
                        .run(0, (long) config.fsgldFitEpochs() * objective.stepsPerEpoch());
            } catch (IOException e) {
                throw new UncheckedIOException(e); // no callbacks, so no I/O
            }
            means[k] = new double[w.length];
            for (int i = 0; i < w.length; i++) means[k][i] = w[i];
            precisions[k] = new double[w.length];
            int[] rows = IntStream.range(0, client.rows()).toArray();
            for (int row = 0; row < rows.length; row++) {
                client.lossAndGradient(rows, row, 1);
                float[] g = client.grads();
                for (int i = 0; i < g.length; i++) precisions[k][i] += (double) g[i] * g[i];
            }
        }
        System.arraycopy(global, 0, w, 0, global.length);
        return new Fsgld(means, precisions, config.fsgldPriorPrecision(), step, config.fsgldTemperature());
    }

    /** Adds the worker's predicted test-class probabilities to the posterior average. */
    private void addSample() {
        try (NoGrad ignored = NoGrad.open()) {
            Tensor p = F.softmax(worker.forward(Variable.constant(Tensor.view(test.features(), 0, test.rows(), test.cols())))).value();
            int classes = test.classes();
            if (predictive == null) predictive = new double[test.rows() * classes];
            float[] z = p.data();
            for (int r = 0; r < test.rows(); r++) {
                for (int c = 0; c < classes; c++) predictive[r * classes + c] += z[p.offset() + r * classes + c];
            }
            samples++;
        }
    }

    /** Accuracy of the posterior-averaged probabilities (argmax, first on ties). */
    private double predictiveAccuracy() {
        int classes = test.classes();
        int correct = 0;
        for (int r = 0; r < test.rows(); r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (predictive[r * classes + c] > predictive[r * classes + best]) best = c;
            if (best == test.labels()[r]) correct++;
        }
        return (double) correct / test.rows();
    }

    /** Mean negative log of the posterior-averaged probability of the label. */
    private double predictiveLoss() {
        int classes = test.classes();
        double nll = 0;
        for (int r = 0; r < test.rows(); r++) nll -= Math.log(predictive[r * classes + test.labels()[r]] / samples);
        return nll / test.rows();
    }

    /** FSGLD's sampler once fitted (before: null); for tests. */
    Fsgld fsgld() { return fsgld; }

    /**
     * Bytes the clients have sent the server so far: FedAvg-family models 4 per parameter; EControl
     * its messages ({@link EControl#messageBytes()}); Ferret 8 per nonzero seed coordinate (a float32
     * and an index).
     */
    public long uplinkBytes() { return uplinkBytes; }

    /** Runs every configured round. */
    public List<Round> run() {
        List<Round> out = new ArrayList<>();
        for (int i = 0; i < config.rounds(); i++) out.add(round());
        return out;
    }

    /** Client k's local training in round r from the current global weights; returns its weights (the worker's buffer). */
    float[] trainClient(int k, int r) { return trainClient(k, r, null); }

    /** The same, each gradient multiplied element-wise by FedLEx's {@code guidance} when it is not null. */
    private float[] trainClient(int k, int r, float[] guidance) {
        ClassifierRowLoss client = clients.get(k);
        float[] w = worker.parameters().values();
        System.arraycopy(global, 0, w, 0, global.length);
        var clientObjective = new ClientObjective(client, config.batchSize(), Philox.stream(config.seed(), "fed/client").derive(k).derive(r),
                global, config.proximalMu());
        Objective objective = guidance == null ? clientObjective : new FedLex.GuidedObjective(clientObjective, client.grads(), guidance);
        Optimizer sgd = Optimizers.sgd().lr(config.etaL()).build(worker.parameters());
        try {
            new TrainingLoop(sgd, objective, client.grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE)
                    .run(0, (long) config.localEpochs() * clientObjective.stepsPerEpoch());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no callbacks, so no I/O
        }
        return w;
    }

    /** The global model's weights (a view). */
    public float[] global() { return global; }

    /** Rows held by each client. */
    public int[] clientSizes() { return clients.stream().mapToInt(ClassifierRowLoss::rows).toArray(); }

    public FedConfig config() { return config; }
}
