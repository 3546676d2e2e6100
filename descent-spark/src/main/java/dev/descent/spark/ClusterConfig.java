package dev.descent.spark;

import dev.descent.train.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster:} section of a distributed training configuration (the rest of the file is a
 * plain {@code bin/descent train} configuration, {@link dev.descent.train.TrainConfig}):
 * <ul>
 *   <li>{@code master}: the Spark master URL ({@code local[N]}, {@code spark://host:port}, {@code yarn},
 *       {@code k8s://…}); default {@code local[2]};</li>
 *   <li>{@code workers}: W, the number of ranks (barrier tasks, one data shard each); default 2. The
 *       cluster must offer W task slots at once (barrier mode runs all ranks together);</li>
 *   <li>{@code mode}: {@code data_parallel} (synchronous first-order training, the gradient of the
 *       global batch reduced over the ranks in rank order) or {@code seed_zo} (seed-shared MeZO: only
 *       (step, rank, projected gradient) crosses the network); default {@code data_parallel};</li>
 *   <li>{@code connect_timeout}: seconds to wait for a {@code spark://} master to accept a connection
 *       before giving up with a message (default 10);</li>
 *   <li>{@code checkpoint_interval}: steps between the driver's checkpoints (0: the run's
 *       {@code eval_interval}); each interval runs as one barrier stage, which Spark restarts as a whole
 *       from the last checkpoint when a worker is lost;</li>
 *   <li>{@code average_every}: K, data-parallel only. 1 (default): synchronous training, the shard
 *       gradients are reduced every step. K &gt; 1: local SGD with parameter averaging (DL4J's
 *       {@code ParameterAveragingTrainingMaster}): each rank takes K optimizer steps on its own shards,
 *       then the ranks' parameters and optimizer state are averaged ({@link ParameterAveraging}). The
 *       checkpoint interval must be a multiple of K, so that checkpoints fall on averaging boundaries;</li>
 *   <li>{@code transport}: how the ranks exchange each step's messages: {@code tcp} (default; direct
 *       connections between the tasks, rank 0 relaying, {@link SocketExchange}) or {@code spark} (Spark's
 *       {@code BarrierTaskContext.allGather}, relayed by the driver, about a second a call,
 *       {@link BarrierExchange}). The results are the same bits either way.</li>
 * </ul>
 */
public record ClusterConfig(String master, int workers, Mode mode, int connectTimeoutSeconds, int checkpointInterval, int averageEvery,
                            Transport transport) implements java.io.Serializable {

    /** How the ranks' messages travel. */
    public enum Transport {
        TCP("tcp"), SPARK("spark");

        private final String id;

        Transport(String id) { this.id = id; }

        public String id() { return id; }

        static Transport of(String text) {
            for (Transport t : values()) if (t.id.equals(text)) return t;
            throw new ConfigException("config key 'cluster.transport' = " + text + " is not a transport; allowed: tcp, spark");
        }
    }

    /** How the ranks train together. */
    public enum Mode {
        DATA_PARALLEL("data_parallel"), SEED_ZO("seed_zo");

        private final String id;

        Mode(String id) { this.id = id; }

        public String id() { return id; }

        static Mode of(String text) {
            for (Mode m : values()) if (m.id.equals(text)) return m;
            throw new ConfigException("config key 'cluster.mode' = " + text + " is not a mode; allowed: data_parallel, seed_zo");
        }
    }

    /** The keys of the section, in the order they are documented. */
    public static final List<String> KEYS = List.of("master", "workers", "mode", "connect_timeout", "checkpoint_interval", "average_every", "transport");

    public static ClusterConfig defaults() {
        return new ClusterConfig("local[2]", 2, Mode.DATA_PARALLEL, 10, 0, 1, Transport.TCP);
    }

    public ClusterConfig {
        if (master == null || master.isBlank()) throw new ConfigException("config key 'cluster.master' is empty; allowed: a Spark master URL");
        if (workers < 1 || workers > 4096) {
            throw new ConfigException("config key 'cluster.workers' = " + workers + " is out of range; allowed: an integer in [1, 4096]");
        }
        if (connectTimeoutSeconds < 1 || connectTimeoutSeconds > 3600) {
            throw new ConfigException("config key 'cluster.connect_timeout' = " + connectTimeoutSeconds
                    + " is out of range; allowed: seconds in [1, 3600]");
        }
        if (checkpointInterval < 0) {
            throw new ConfigException("config key 'cluster.checkpoint_interval' = " + checkpointInterval + " is out of range; allowed: >= 0");
        }
        if (averageEvery < 1) {
            throw new ConfigException("config key 'cluster.average_every' = " + averageEvery + " is out of range; allowed: an integer >= 1");
        }
        if (averageEvery > 1 && mode != Mode.DATA_PARALLEL) {
            throw new ConfigException("config key 'cluster.average_every' = " + averageEvery + " with cluster.mode=" + mode.id()
                    + "; allowed: 1 (parameter averaging is for cluster.mode=data_parallel)");
        }
    }

    /** This section with {@code entries} (key → YAML scalar text) applied over it; unknown keys are refused with the list of known ones. */
    public ClusterConfig with(Map<String, String> entries) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("master", master);
        all.put("workers", Integer.toString(workers));
        all.put("mode", mode.id());
        all.put("connect_timeout", Integer.toString(connectTimeoutSeconds));
        all.put("checkpoint_interval", Integer.toString(checkpointInterval));
        all.put("average_every", Integer.toString(averageEvery));
        all.put("transport", transport.id());
        for (var e : entries.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new ConfigException("config key 'cluster." + e.getKey() + "' is unknown; allowed: " + KEYS);
            }
            all.put(e.getKey(), e.getValue());
        }
        return new ClusterConfig(all.get("master"), integer(all, "workers"), Mode.of(all.get("mode")),
                integer(all, "connect_timeout"), integer(all, "checkpoint_interval"), integer(all, "average_every"), Transport.of(all.get("transport")));
    }

    /**
     * Steps per stage and checkpoint: {@code checkpoint_interval}, or the run's {@code eval_interval} when it
     * is 0. A multiple of {@code average_every} (so every checkpoint falls on an averaging boundary).
     */
    public int stageInterval(int evalInterval) {
        int interval = checkpointInterval > 0 ? checkpointInterval : evalInterval;
        if (interval % averageEvery != 0) {
            String key = checkpointInterval > 0 ? "cluster.checkpoint_interval" : "eval_interval";
            throw new ConfigException("config key '" + key + "' = " + interval + " is not a multiple of cluster.average_every = " + averageEvery
                    + "; allowed: a multiple of " + averageEvery + " (checkpoints fall on averaging boundaries)");
        }
        return interval;
    }

    private static int integer(Map<String, String> all, String key) {
        try {
            return Integer.parseInt(all.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("config key 'cluster." + key + "' = " + all.get(key) + " is not an integer");
        }
    }
}
