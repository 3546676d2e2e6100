package dev.descent.spark;

import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.AdamW;
import dev.descent.optim.Curvature;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.optim.ParamSet;
import dev.descent.optim.Schedule;
import dev.descent.optim.Schedules;
import dev.descent.train.ConfigException;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainingLoop;
import dev.descent.zo.MezoHyper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One process's copy of a distributed run: the GPT of the configuration (initial weights from its
 * seed, as {@code bin/descent train} builds it), the {@link ShardedGptObjective} over this process's
 * ranks, the optimizer (data-parallel: the configuration's first-order optimizer, as the trainer builds
 * it; seed-shared: {@link SeedSharedMezo}), and the core {@link TrainingLoop} with the run's schedule
 * and gradient clip. Every process runs the same loop on the same reduced quantities, so every
 * replica holds the same bits after each step.
 *
 * <p><b>Local SGD</b> ({@code average_every = K > 1}, data-parallel): each process takes the optimizer
 * steps on its own rank's shards ({@link ShardedGptObjective} with {@code ownShardOnly}), nothing
 * exchanged, and after every step k with (k + 1) a multiple of K, and after the last step of each
 * {@link #run}, replaces its parameters and optimizer state by the average over the ranks
 * ({@link ParameterAveraging}). Between two averagings the replicas differ; after one they hold the
 * same bits.
 *
 * <p>Supported: training from scratch ({@code init_from: scratch}) without {@code peft}/{@code quantize};
 * optimizers that need no curvature (not sophiag/sophiah).
 */
public final class Replica {
    private final TrainConfig config;
    private final Gpt model;
    private final ShardedGptObjective objective;
    private final Optimizer optimizer;
    private final TrainingLoop loop;
    private final String vocabulary;
    private final Exchange exchange;
    private final int averageEvery;

    /**
     * One finished step: its index, the reported loss (local SGD: this rank's shard loss), the learning
     * rate, the wall time (an averaging after the step included), the part of it spent in the exchange,
     * and the CPU time of the thread that ran it (with {@code threads: 1}, the rank's whole computation;
     * unlike the wall time, it does not grow while the process waits for a core or for the other ranks).
     */
    public record StepLog(long step, double loss, double learningRate, double seconds, double exchangeSeconds, double cpuSeconds)
            implements java.io.Serializable {}

    /** A synchronous replica (the gradient or the projected gradients reduced every step). */
    public Replica(TrainConfig config, ClusterConfig.Mode mode, Exchange exchange) {
        this(config, mode, 1, exchange);
    }

    /** @param averageEvery K: 1 for synchronous training, K &gt; 1 for local SGD averaging every K steps (data-parallel only) */
    public Replica(TrainConfig config, ClusterConfig.Mode mode, int averageEvery, Exchange exchange) {
        if (averageEvery > 1 && mode != ClusterConfig.Mode.DATA_PARALLEL) {
            throw new ConfigException("config key 'cluster.average_every' = " + averageEvery + " with cluster.mode=" + mode.id()
                    + "; allowed: 1 (parameter averaging is for cluster.mode=data_parallel)");
        }
        this.exchange = exchange;
        this.averageEvery = averageEvery;
        this.config = config.validate();
        checkSupported(config, mode);
        String dataset = config.getString("dataset");
        TextDataset data = dataset.equals(TextDataset.SHAKESPEARE) ? TextDataset.shakespeare() : TextDataset.fromFile(Path.of(dataset));
        this.vocabulary = data.tokenizer().vocabulary();
        int block = config.getInt("block_size");
        int batch = config.getInt("batch_size");
        long seed = config.getInt("seed");
        GptConfig gc = new GptConfig(data.tokenizer().vocabSize(), block, config.getInt("n_layer"), config.getInt("n_head"),
                config.getInt("n_embd"), (float) config.getDouble("dropout"), config.getBool("bias"));
        this.model = new Gpt(gc, seed);
        int[] tokens = trainSlice(data.train(), config.getDouble("train_start"), config.getDouble("train_end"));
        this.objective = new ShardedGptObjective(model, new Shards(tokens, batch, block, seed, exchange.world()), exchange,
                averageEvery > 1);
        this.optimizer = mode == ClusterConfig.Mode.SEED_ZO ? seedShared(exchange) : firstOrder();
        Schedule schedule = config.getBool("decay_lr")
                ? Schedules.nanoGpt(config.getDouble("learning_rate"), config.getDouble("min_lr"), config.getInt("warmup_iters"),
                        config.getInt("lr_decay_iters"))
                : Schedules.constant(config.getDouble("learning_rate"));
        this.loop = new TrainingLoop(optimizer, objective, model.parameters().grads())
                .schedule(schedule::at, config.getDouble("learning_rate"))
                .clip(config.getDouble("grad_clip"));
    }

    private static void checkSupported(TrainConfig config, ClusterConfig.Mode mode) {
        if (!config.getString("init_from").equals("scratch")) {
            throw new ConfigException("config key 'init_from' = " + config.getString("init_from") + ": distributed runs train from scratch; allowed: scratch");
        }
        if (!config.peftSection().isEmpty() || !config.quantizeSection().isEmpty()) {
            throw new ConfigException("config keys 'peft'/'quantize' are not supported by distributed runs; allowed: empty");
        }
        String opt = config.getString("optimizer");
        if (mode == ClusterConfig.Mode.SEED_ZO && !opt.equals("mezo")) {
            throw new ConfigException("config key 'optimizer' = " + opt + " with cluster.mode=seed_zo; allowed: mezo");
        }
        if (mode == ClusterConfig.Mode.DATA_PARALLEL) {
            if (opt.startsWith("sophia") || opt.equals("ar1_zo")) {
                throw new ConfigException("config key 'optimizer' = " + opt + " with cluster.mode=data_parallel; allowed: a first-order "
                        + "optimizer without curvature (use cluster.mode=seed_zo with mezo for zeroth order)");
            }
        }
    }

    private Optimizer firstOrder() {
        String name = config.getString("optimizer");
        Map<String, String> args = new LinkedHashMap<>(config.optimizerArgs());
        if (name.equals("adamw") && args.isEmpty()) {
            return AdamW.nanoGpt(model.parameters(), config.getDouble("learning_rate"), config.getDouble("beta1"),
                    config.getDouble("beta2"), config.getDouble("weight_decay"));
        }
        args.putIfAbsent("lr", Double.toString(config.getDouble("learning_rate")));
        Optimizer built;
        try {
            built = OptimizerRegistry.defaults().create(name, ParamSet.of(model.parameters()), model.parameters().grads(),
                    new HyperParams(args), Curvature.NONE);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("optimizer " + name + ": " + e.getMessage());
        }
        if (!built.needsGradients()) {
            throw new ConfigException("config key 'optimizer' = " + name + " is zeroth-order; cluster.mode=data_parallel needs a first-order "
                    + "optimizer (use cluster.mode=seed_zo with mezo)");
        }
        return built;
    }

    private Optimizer seedShared(Exchange exchange) {
        Map<String, String> args = new LinkedHashMap<>(config.optimizerArgs());
        args.putIfAbsent("lr", Double.toString(config.getDouble("learning_rate")));
        HyperParams h = new HyperParams(args);
        try {
            MezoHyper hyper = MezoHyper.SPEC.bind(h);
            h.checkAllUsed("mezo");
            return new SeedSharedMezo(ParamSet.of(model.parameters()), objective, exchange, hyper);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("optimizer mezo: " + e.getMessage());
        }
    }

    /**
     * Takes steps {@code from} … {@code to − 1} (local SGD: averaging after each step k with (k + 1) a
     * multiple of K, and after step {@code to − 1}); stops with an exception at a non-finite loss.
     */
    public List<StepLog> run(long from, long to) throws IOException {
        List<StepLog> log = new ArrayList<>();
        double[] exchanged = {exchange.exchangeSeconds()};
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] cpuAt = {0};
        loop.callback(new TrainingLoop.Callback() {
            @Override
            public void beforeStep(long k) {
                cpuAt[0] = threads.getCurrentThreadCpuTime();
            }

            @Override
            public void afterStep(TrainingLoop.Step s) {
                double now = exchange.exchangeSeconds();
                log.add(new StepLog(s.index(), s.report().loss(), s.learningRate(), s.seconds(), now - exchanged[0],
                        (threads.getCurrentThreadCpuTime() - cpuAt[0]) * 1e-9));
                exchanged[0] = now;
            }
        });
        for (long a = from; a < to; ) {
            long b = averageEvery == 1 ? to : Math.min(to, (a / averageEvery + 1) * averageEvery);
            TrainingLoop.Outcome outcome = loop.run(a, b);
            if (outcome.diverged()) {
                throw new IllegalStateException("loss became " + outcome.last().report().loss() + " at step " + outcome.next());
            }
            if (averageEvery > 1) {
                long t0 = System.nanoTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                load(ParameterAveraging.average(state(b), exchange));
                double now = exchange.exchangeSeconds();
                StepLog last = log.removeLast();
                log.add(new StepLog(last.step(), last.loss(), last.learningRate(), last.seconds() + (System.nanoTime() - t0) * 1e-9,
                        last.exchangeSeconds() + now - exchanged[0], last.cpuSeconds() + (threads.getCurrentThreadCpuTime() - cpu0) * 1e-9));
                exchanged[0] = now;
            }
            a = b;
        }
        return log;
    }

    public Gpt model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public TrainConfig config() { return config; }

    public String vocabulary() { return vocabulary; }

    /** The state after {@code step} steps. */
    public TrainingState state(long step) { return TrainingState.of(step, model.parameters().values(), optimizer); }

    /** Starts from {@code state}: its parameters and optimizer state. */
    public void load(TrainingState state) { state.applyTo(model.parameters().values(), optimizer); }

    /** Tokens [⌊start·n⌋, ⌊end·n⌋) of the training split, as the trainer slices it. */
    static int[] trainSlice(int[] train, double start, double end) {
        int from = (int) (start * train.length);
        int to = (int) (end * train.length);
        if (from == 0 && to == train.length) return train;
        return java.util.Arrays.copyOfRange(train, from, to);
    }
}
