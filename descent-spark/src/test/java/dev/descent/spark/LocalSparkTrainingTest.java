package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed runs on {@code local[2]} (two barrier tasks in this JVM, exchanging through Spark's
 * allGather) against the single-process runs they must equal bit for bit, and the anchors of those
 * references to core's own trainer and MeZO.
 */
class LocalSparkTrainingTest {
    @TempDir
    Path dir;
    /** One local[2] context for the runs of this class (creating one takes seconds). */
    static JavaSparkContext context;

    @BeforeAll
    static void start() {
        context = new JavaSparkContext(SparkTrainer.sparkConf("local[2]", Runs.loopback()));
        context.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        if (context != null) context.close();
    }

    private static SparkTrainer.Result train(SparkRunConfig c, Path resume) throws java.io.IOException {
        return new SparkTrainer(c, Runs.loopback()).run(context, resume, false);
    }

    /** W = 1: the sharded objective (weighted SUM with weights fl(1/N)) gives the trainer's gradient bits, so AdamW lands on the same weights. */
    @Test
    void oneRankIsTheCoreTrainerBitForBit() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("a"), "data_parallel", "local[1]", 1, 4);
        assertArrayEquals(Runs.coreTrainer(c.train()), Runs.singleProcess(c));
    }

    /** W = 1: seed-shared MeZO is core's mezo with q = 1 (same directions, same update passes). */
    @Test
    void oneRankSeedSharedIsCoreMezoBitForBit() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("a"), "seed_zo", "local[1]", 1, 4);
        assertArrayEquals(Runs.coreTrainer(c.train()), Runs.singleProcess(c));
    }

    /** Two ranks on local[2] vs one process with the same global batch (4 sequences, 2 shards): identical weights and checkpoint. */
    @Test
    void dataParallelTwoRanksEqualsOneProcess() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("dp"), "data_parallel", "local[2]", 2, 4);
        float[] expected = Runs.singleProcess(c);
        SparkTrainer.Result r = train(c, null);
        assertArrayEquals(expected, r.state().values());
        assertEquals(4, r.steps().size());
        assertEquals(4, Checkpoint.info(r.runDir()).step());
        // each step rank 0 sends its shard gradient: 4 bytes a parameter, Base64 (4/3), plus a header
        double gradientBytes = 4.0 * expected.length * 4 / 3;
        assertTrue(r.bytesSentPerStep() >= gradientBytes && r.bytesSentPerStep() < gradientBytes + 64, "sent " + r.bytesSentPerStep());
        // and the gradient differs from the one-rank run only by the order of the rows' sums: the weights stay close
        float[] oneRank = Runs.singleProcess(Runs.config(dir.resolve("one"), "data_parallel", "local[1]", 1, 4));
        for (int i = 0; i < expected.length; i++) assertEquals(oneRank[i], expected[i], 1e-4, "parameter " + i);
    }

    /** Seed-shared MeZO on two ranks: only (step, rank, g, loss) crosses, a few dozen bytes; weights equal the one-process run's. */
    @Test
    void seedSharedTwoRanksEqualsOneProcess() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("zo"), "seed_zo", "local[2]", 2, 4);
        float[] expected = Runs.singleProcess(c);
        SparkTrainer.Result r = train(c, null);
        assertArrayEquals(expected, r.state().values());
        assertTrue(r.bytesSentPerStep() < 64, "sent " + r.bytesSentPerStep());
        assertTrue(r.bytesReceivedPerStep() < 64, "received " + r.bytesReceivedPerStep());
    }

    /**
     * Local SGD, W = 2 averaging every K = 3 steps, 7 steps in stages of 3 (checkpoints at steps 3, 6, 7,
     * the last period one step long): the weights of the plain one-process simulation, bit for bit, and
     * not those of synchronous training.
     */
    @Test
    void localSgdTwoRanksEqualsThePlainSimulation() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("avg"), "data_parallel", "local[2]", 2, 7, "cluster.average_every=3",
                "cluster.checkpoint_interval=3");
        SparkTrainer.Result r = train(c, null);
        float[] simulated = Runs.localSgdSimulation(c);
        assertArrayEquals(simulated, r.state().values());
        assertEquals(7, Checkpoint.info(r.runDir()).step());
        assertFalse(java.util.Arrays.equals(Runs.singleProcess(Runs.config(dir.resolve("sync"), "data_parallel", "local[2]", 2, 7)), simulated));
        // three averagings in 7 steps, each sending the parameters and AdamW's two moments (12 bytes a parameter, Base64)
        double perAveraging = 12.0 * simulated.length * 4 / 3;
        assertEquals(3 * perAveraging / 7, r.bytesSentPerStep(), 0.02 * perAveraging);
    }

    /** W = 1 with averaging every 3 steps is plain training: the core trainer's weights bit for bit (the mean over one rank is exact). */
    @Test
    void localSgdOneRankIsTheCoreTrainerBitForBit() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("a"), "data_parallel", "local[1]", 1, 5, "cluster.average_every=3",
                "cluster.checkpoint_interval=3");
        assertArrayEquals(Runs.coreTrainer(c.train()), Runs.singleProcess(c));
    }

    /** The exchange through Spark's own allGather (relayed by the driver, about a second a call) gives the same bits as the default tcp. */
    @Test
    void sparkTransportGivesTheSameBits() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("st"), "data_parallel", "local[2]", 2, 2, "cluster.transport=spark");
        assertArrayEquals(Runs.singleProcess(c), train(c, null).state().values());
    }

    /** A run stopped after its step-2 checkpoint and resumed takes the same steps as one never stopped. */
    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        SparkRunConfig whole = Runs.config(dir.resolve("whole"), "data_parallel", "local[2]", 2, 4);
        SparkRunConfig half = Runs.config(dir.resolve("half"), "data_parallel", "local[2]", 2, 2, "lr_decay_iters=4");
        float[] expected = train(whole, null).state().values();
        train(half, null);
        SparkRunConfig rest = Runs.config(dir.resolve("half"), "data_parallel", "local[2]", 2, 4);
        SparkTrainer.Result r = train(rest, dir.resolve("half"));
        assertArrayEquals(expected, r.state().values());
        assertEquals(2, r.steps().size());
    }

    /** A master nobody listens on: a message naming it within the connect timeout, not Spark's minute of retries. */
    @Test
    void unreachableMasterFailsInSeconds() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SparkRunConfig c = Runs.config(dir.resolve("x"), "data_parallel", "spark://127.0.0.1:" + port, 2, 4, "cluster.connect_timeout=2");
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SparkTrainer(c, Runs.loopback()).run(null, false));
        assertTrue((System.nanoTime() - t0) * 1e-9 < 10);
        assertTrue(e.getMessage().startsWith("cannot reach the Spark master spark://127.0.0.1:" + port), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x").resolve(Checkpoint.DIR)));
    }

    /** Workers whose code differs from the driver's: every rank refuses, the message names both builds. */
    @Test
    void anotherBuildIsRefused() throws Exception {
        SparkRunConfig c = Runs.config(dir.resolve("b"), "data_parallel", "local[2]", 2, 4);
        String other = "0".repeat(64);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SparkTrainer(c, Runs.loopback()).expectBuild(other).run(context, null, false));
        assertTrue(e.getMessage().startsWith("rank 0 runs build " + BuildHash.current().substring(0, 16) + ", the driver runs build 0000000000000000"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("b").resolve(Checkpoint.DIR)));
    }

    @Test
    void badClusterKeysAreRefused() {
        var e = assertThrows(dev.descent.train.ConfigException.class,
                () -> Runs.config(dir, "data_parallel", "local[2]", 2, 4, "cluster.nodes=3"));
        assertEquals("config key 'cluster.nodes' is unknown; allowed: [master, workers, mode, connect_timeout, checkpoint_interval, average_every, transport]",
                e.getMessage());
        e = assertThrows(dev.descent.train.ConfigException.class, () -> Runs.config(dir, "data_parallel", "local[2]", 2, 4, "cluster.transport=mpi"));
        assertEquals("config key 'cluster.transport' = mpi is not a transport; allowed: tcp, spark", e.getMessage());
        e = assertThrows(dev.descent.train.ConfigException.class,
                () -> Runs.config(dir, "data_parallel", "local[2]", 2, 4, "cluster.average_every=0"));
        assertEquals("config key 'cluster.average_every' = 0 is out of range; allowed: an integer >= 1", e.getMessage());
        e = assertThrows(dev.descent.train.ConfigException.class, () -> Runs.config(dir, "seed_zo", "local[2]", 2, 4, "cluster.average_every=2"));
        assertEquals("config key 'cluster.average_every' = 2 with cluster.mode=seed_zo; allowed: 1 (parameter averaging is for "
                + "cluster.mode=data_parallel)", e.getMessage());
        e = assertThrows(dev.descent.train.ConfigException.class, () -> Runs.config(dir, "data_parallel", "local[2]", 2, 4, "cluster.average_every=3"));
        assertEquals("config key 'eval_interval' = 2 is not a multiple of cluster.average_every = 3; allowed: a multiple of 3 (checkpoints "
                + "fall on averaging boundaries)", e.getMessage());
        e = assertThrows(dev.descent.train.ConfigException.class, () -> Runs.config(dir, "ring", "local[2]", 2, 4));
        assertEquals("config key 'cluster.mode' = ring is not a mode; allowed: data_parallel, seed_zo", e.getMessage());
        e = assertThrows(dev.descent.train.ConfigException.class,
                () -> new Replica(Runs.config(dir, "data_parallel", "local[2]", 3, 4).train(), ClusterConfig.Mode.DATA_PARALLEL, Exchange.local(3)));
        assertTrue(e.getMessage().startsWith("config key 'batch_size' = 4 is not a multiple of cluster.workers = 3"), e.getMessage());
    }
}
