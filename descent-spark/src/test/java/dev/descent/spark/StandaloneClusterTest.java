package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on this machine (master and two workers in separate JVMs, executors in
 * JVMs of their own, all on loopback; {@link StandaloneCluster}): a short data-parallel run and a
 * short seed-shared MeZO run submitted to it end with the weights of the single-process runs, bit for bit.
 */
class StandaloneClusterTest {
    @TempDir
    static Path dir;
    static StandaloneCluster cluster;
    /** One application (one executor JVM per worker) for both runs: starting executors is most of the test's time. */
    static JavaSparkContext context;

    @BeforeAll
    static void start() throws Exception {
        try {
            cluster = new StandaloneCluster(dir, 2);
        } catch (IOException e) {
            Assumptions.abort("this machine could not start a Spark standalone cluster (master and two workers on loopback): " + e.getMessage());
        }
        context = new JavaSparkContext(SparkTrainer.sparkConf(cluster.master(), cluster.driverConf(2)));
        context.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        if (context != null) context.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void dataParallelOnTwoWorkersEqualsOneProcess() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("dp"), "data_parallel", cluster.master(), 2, 4);
        SparkTrainer.Result r = new SparkTrainer(c, Map.of()).run(context, null, false);
        assertArrayEquals(Runs.singleProcess(c), r.state().values());
        assertTrue(r.bytesReceivedPerStep() > 4.0 * r.state().values().length, "received " + r.bytesReceivedPerStep());
    }

    @Test
    void seedSharedOnTwoWorkersEqualsOneProcess() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("zo"), "seed_zo", cluster.master(), 2, 4);
        SparkTrainer.Result r = new SparkTrainer(c, Map.of()).run(context, null, false);
        assertArrayEquals(Runs.singleProcess(c), r.state().values());
        assertTrue(r.bytesSentPerStep() < 64, "sent " + r.bytesSentPerStep());
    }

    /**
     * An executor JVM killed after the step-2 checkpoint: Spark runs the failed barrier stage again, as a
     * whole, from the state broadcast at its start (the last checkpoint), once the worker has started a
     * new executor; the run ends with the bits of the one-process run.
     */
    @Test
    void lostExecutorResumesFromTheLastCheckpoint() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("lost"), "data_parallel", cluster.master(), 2, 8, "cluster.checkpoint_interval=2");
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new SparkTrainer(c, Map.of()).run(context, null, false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path runDir = dir.resolve("lost");
        boolean killed = false;
        while (!run.isDone() && !killed) {
            if (java.nio.file.Files.exists(runDir.resolve(dev.descent.train.Checkpoint.DIR))) {
                // the workers' children are their executors (the command line names the class where the OS tells it)
                ProcessHandle executor = cluster.executors().stream()
                        .filter(h -> h.info().commandLine().map(cmd -> cmd.contains("CoarseGrainedExecutorBackend")).orElse(true))
                        .findFirst().orElseThrow();
                executor.destroyForcibly();
                killed = true;
            }
            Thread.sleep(20);
        }
        SparkTrainer.Result r = run.get();
        Assumptions.assumeTrue(killed, "the run finished before an executor could be killed");
        assertArrayEquals(Runs.singleProcess(c), r.state().values());
        assertTrue(r.steps().size() >= 8, "steps " + r.steps().size());
    }
}
