package dev.descent.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.nn.Gpt;
import dev.descent.train.Checkpoint;
import dev.descent.train.RunFolder;
import dev.descent.train.TrainConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The driver of a distributed training run on Spark. The run's steps are cut into stages of
 * {@code checkpoint_interval} steps (default: the run's {@code eval_interval}); each stage is one
 * barrier stage of W tasks (rank r = task r) that all start from the state the driver broadcasts,
 * take the stage's steps exchanging through {@code allGather} ({@link StageTask}), and return their
 * parameter digests and, from rank 0, the final state. The driver checks that every rank ended with
 * the same bits, then writes the checkpoint ({@link Checkpoint#save}, written to a temporary folder
 * and swapped in by rename, so a failure never leaves half a checkpoint) and a line per step into
 * {@code metrics.jsonl}.
 *
 * <p><b>Failures.</b> A barrier stage runs all-or-nothing: when an executor is lost, Spark kills the
 * stage's other tasks and fails the stage; the driver then runs the whole stage again (up to
 * {@link #STAGE_ATTEMPTS} attempts) from the state broadcast at its start, which is the last
 * checkpoint; the steps are pure functions of that state (data shards and directions keyed by step and
 * rank), so the retried stage takes the same steps. A failure raised by this module's own checks (a
 * build mismatch) is not retried. A run stopped altogether continues with {@code --resume} from its
 * last checkpoint.
 *
 * <p><b>Bad input, fast.</b> An unreachable {@code spark://} master fails within
 * {@code cluster.connect_timeout} ({@link MasterCheck}); a worker running another build fails the
 * first stage with both builds' hashes ({@link BuildHash}); a cluster with fewer than W task slots
 * fails after Spark's barrier slot check (set here to 30 checks 2 s apart unless configured).
 */
public final class SparkTrainer {
    /** Starts the messages this module raises inside tasks, so the driver can find them in Spark's stage-failure text. */
    static final String MARK = "descent: ";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The file beside config.yaml holding the cluster section (config.yaml stays a plain training configuration). */
    public static final String CLUSTER_FILE = "cluster.yaml";

    /** A finished run: its final state, every step's log line (rank 0), and rank 0's traffic per step. */
    public record Result(Path runDir, TrainingState state, List<Replica.StepLog> steps, double bytesSentPerStep,
                         double bytesReceivedPerStep, double seconds) {}

    private final SparkRunConfig config;
    private final Map<String, String> sparkConf;
    private String expectedBuild = BuildHash.current();

    /**
     * @param sparkConf Spark settings for the driver's context ({@code spark.executor.extraClassPath}, …),
     *                  applied over this class's defaults
     */
    public SparkTrainer(SparkRunConfig config, Map<String, String> sparkConf) {
        this.config = config;
        this.sparkConf = Map.copyOf(sparkConf);
    }

    /** The build the ranks must run (this JVM's by default); another value makes every rank refuse to train. */
    SparkTrainer expectBuild(String hash) {
        this.expectedBuild = hash;
        return this;
    }

    /** Starts a new run in {@code out_dir} (replacing a run there only when {@code overwrite}), or continues the one in {@code resumeDir}. */
    public Result run(Path resumeDir, boolean overwrite) throws IOException {
        ClusterConfig cluster = config.cluster();
        MasterCheck.reachable(cluster.master(), cluster.connectTimeoutSeconds());
        // Build the driver's replica (and so check the configuration) before connecting.
        Replica driver = new Replica(config.train(), cluster.mode(), cluster.averageEvery(), Exchange.local(cluster.workers()));
        try (JavaSparkContext sc = new JavaSparkContext(sparkConf(cluster.master(), sparkConf))) {
            sc.setLogLevel(sparkConf.getOrDefault("descent.logLevel", "WARN"));
            return run(sc, driver, resumeDir, overwrite);
        }
    }

    /**
     * The same run on a context the caller owns (an application that already has one, or several runs on
     * one set of executors); {@code cluster.master} and {@code connect_timeout} are then not used.
     */
    public Result run(JavaSparkContext sc, Path resumeDir, boolean overwrite) throws IOException {
        return run(sc, new Replica(config.train(), config.cluster().mode(), config.cluster().averageEvery(),
                Exchange.local(config.cluster().workers())), resumeDir, overwrite);
    }

    private Result run(JavaSparkContext sc, Replica driver, Path resumeDir, boolean overwrite) throws IOException {
        ClusterConfig cluster = config.cluster();
        TrainConfig train = config.train();
        Path runDir = resumeDir != null ? resumeDir : Path.of(train.getString("out_dir"));
        // The driver's replica holds the state between stages, for the checkpoints.
        TrainingState state;
        if (resumeDir != null) {
            Checkpoint.removeLeftovers(resumeDir);
            Checkpoint.Info info = Checkpoint.info(resumeDir);
            if (!info.vocabulary().equals(driver.vocabulary())) {
                throw new IllegalArgumentException("checkpoint in " + resumeDir + " was trained on another vocabulary");
            }
            Checkpoint.loadWeights(resumeDir, driver.model().parameters());
            Checkpoint.loadOptimizer(resumeDir, driver.optimizer());
            state = driver.state(info.step());
            RunFolder.truncateMetrics(resumeDir, info.step());
        } else {
            RunFolder.prepare(runDir, overwrite);
            state = TrainingState.initial(driver.model().parameters().values());
        }
        Files.writeString(runDir.resolve("config.yaml"), train.toYaml());
        Files.writeString(runDir.resolve(CLUSTER_FILE), clusterYaml(cluster));

        long maxIters = train.getInt("max_iters");
        int interval = cluster.stageInterval(train.getInt("eval_interval"));
        List<Replica.StepLog> log = new ArrayList<>();
        long sent = 0;
        long received = 0;
        long t0 = System.nanoTime();
        try (BufferedWriter metrics = Files.newBufferedWriter(runDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (state.step() < maxIters) {
                long end = Math.min(maxIters, (state.step() / interval + 1) * interval);
                StageTask.Result[] results = stage(sc, train, cluster, state, end);
                StageTask.Result first = results[0];
                for (StageTask.Result r : results) {
                    if (!r.digest().equals(first.digest())) {
                        throw new IllegalStateException("rank " + r.rank() + " ended step " + end + " with other parameters than rank 0 "
                                + "(digests " + r.digest().substring(0, 16) + " and " + first.digest().substring(0, 16) + ")");
                    }
                }
                state = first.state();
                driver.load(state);
                Checkpoint.save(runDir, driver.model().parameters(), Gpt.TIED, driver.optimizer(), end, driver.vocabulary(), train);
                for (Replica.StepLog s : first.steps()) {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("step", s.step() + 1);
                    line.put("loss", (float) s.loss());
                    line.put("lr", s.learningRate());
                    line.put("step_seconds", s.seconds());
                    line.put("exchange_seconds", s.exchangeSeconds());
                    line.put("cpu_seconds", s.cpuSeconds());
                    line.put("bytes_sent", (double) first.bytesSent() / first.steps().size());
                    metrics.write(JSON.writeValueAsString(line));
                    metrics.newLine();
                }
                metrics.flush();
                log.addAll(first.steps());
                sent += first.bytesSent();
                received += first.bytesReceived();
            }
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        int steps = Math.max(1, log.size());
        return new Result(runDir, state, log, (double) sent / steps, (double) received / steps, seconds);
    }

    /**
     * Attempts of a stage before the run fails: Spark aborts a job whose barrier result stage failed
     * (it retries only barrier map stages), so the driver runs the stage again itself, from the same
     * starting state; the barrier slot check waits for the lost executor's replacement.
     */
    static final int STAGE_ATTEMPTS = 4;

    private StageTask.Result[] stage(JavaSparkContext sc, TrainConfig train, ClusterConfig cluster, TrainingState start, long end) {
        Broadcast<TrainingState> from = sc.broadcast(start);
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < cluster.workers(); r++) ranks.add(r);
        StageTask task = new StageTask(train.toYaml(), cluster, from, end, expectedBuild);
        ClassTag<StageTask.Result> tag = ClassTag$.MODULE$.apply(StageTask.Result.class);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    Object collected = sc.parallelize(ranks, cluster.workers()).rdd().barrier().mapPartitions(task, false, tag).collect();
                    StageTask.Result[] results = new StageTask.Result[cluster.workers()];
                    for (Object o : (Object[]) collected) {
                        StageTask.Result r = (StageTask.Result) o;
                        results[r.rank()] = r;
                    }
                    return results;
                } catch (Exception e) { // Spark's stage failures are checked SparkExceptions that Scala throws undeclared
                    if (ownMessage(e) != null || attempt >= STAGE_ATTEMPTS || sc.sc().isStopped()) throw clear(e);
                    System.err.println("descent-spark: the stage to step " + end + " failed (attempt " + attempt + " of " + STAGE_ATTEMPTS
                            + "); running it again from step " + start.step() + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        } finally {
            from.destroy();
        }
    }

    /** The first line of this module's message ({@link #MARK}) in {@code e}'s chain, or null when there is none. */
    private static String ownMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(MARK);
            if (at >= 0) return m.substring(at + MARK.length()).lines().findFirst().orElse("");
        }
        return null;
    }

    /** A stage failure whose cause is one of this module's messages becomes that message alone. */
    private static RuntimeException clear(Exception e) {
        String own = ownMessage(e);
        if (own != null) return new IllegalStateException(own, e);
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    /**
     * The context settings of a run on {@code master}: these defaults, then {@code overrides} (the key
     * {@code descent.logLevel} is the driver's log level, not a Spark setting).
     */
    public static SparkConf sparkConf(String master, Map<String, String> overrides) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("spark.app.name", "descent-train");
        c.put("spark.ui.enabled", "false");
        // a barrier stage needs W slots at once; fail in about a minute, not Spark's default 10, when they never come
        c.put("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s");
        c.put("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "30");
        c.put("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED");
        c.putAll(overrides);
        c.remove("descent.logLevel");
        SparkConf conf = new SparkConf(false).setMaster(master);
        c.forEach(conf::set);
        return conf;
    }

    static String clusterYaml(ClusterConfig c) {
        return "master: \"" + c.master() + "\"\nworkers: " + c.workers() + "\nmode: " + c.mode().id() + "\nconnect_timeout: "
                + c.connectTimeoutSeconds() + "\ncheckpoint_interval: " + c.checkpointInterval() + "\naverage_every: " + c.averageEvery()
                + "\ntransport: " + c.transport().id() + "\n";
    }
}
