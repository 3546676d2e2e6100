package dev.descent.spark;

import dev.descent.tensor.Parallel;
import dev.descent.train.TrainConfig;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * What each rank runs in one barrier stage: check that every rank runs the driver's build, build the
 * {@link Replica} of the configuration, load the stage's starting state, take steps
 * {@code state.step()} … {@code end − 1} exchanging through the configured transport ({@link SocketExchange} or {@link BarrierExchange}), and return the
 * final state (rank 0 only: all ranks hold the same bits, which the driver checks through each
 * rank's digest of its parameters).
 */
final class StageTask extends AbstractFunction1<Iterator<Integer>, Iterator<StageTask.Result>> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What a rank returns: its digest of the final parameters, its steps, its traffic, and (rank 0) the final state. */
    record Result(int rank, String digest, List<Replica.StepLog> steps, long bytesSent, long bytesReceived, TrainingState state)
            implements Serializable {}

    private final String trainYaml;
    private final ClusterConfig.Mode mode;
    private final int averageEvery;
    private final ClusterConfig.Transport transport;
    private final int world;
    private final org.apache.spark.broadcast.Broadcast<TrainingState> start;
    private final long end;
    private final String driverBuild;

    StageTask(String trainYaml, ClusterConfig cluster, org.apache.spark.broadcast.Broadcast<TrainingState> start, long end,
              String driverBuild) {
        this.trainYaml = trainYaml;
        this.mode = cluster.mode();
        this.averageEvery = cluster.averageEvery();
        this.transport = cluster.transport();
        this.world = cluster.workers();
        this.start = start;
        this.end = end;
        this.driverBuild = driverBuild;
    }

    @Override
    public Iterator<Result> apply(Iterator<Integer> ignored) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        String mine = BuildHash.current();
        String[] builds = context.allGather(mine);
        for (int r = 0; r < builds.length; r++) {
            if (!builds[r].equals(driverBuild)) {
                throw new IllegalStateException(SparkTrainer.MARK + "rank " + r + " runs build " + builds[r].substring(0, 16)
                        + ", the driver runs build " + driverBuild.substring(0, 16)
                        + ": every worker must run the same descent-core and descent-spark jars as the driver");
            }
        }
        SocketExchange sockets = transport == ClusterConfig.Transport.TCP ? SocketExchange.open(context, world) : null;
        try {
            TrainConfig config = TrainConfig.defaults().merge(trainYaml, "the driver's configuration");
            Parallel.setThreads(config.getInt("threads"));
            Exchange exchange = sockets != null ? sockets : new BarrierExchange(context, world);
            Replica replica = new Replica(config, mode, averageEvery, exchange);
            TrainingState from = start.value();
            replica.load(from);
            List<Replica.StepLog> steps = replica.run(from.step(), end);
            TrainingState state = replica.state(end);
            Result r = new Result(rank, digest(state.values()), steps, exchange.bytesSent(), exchange.bytesReceived(), rank == 0 ? state : null);
            return CollectionConverters.asScala(List.of(r).iterator());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (sockets != null) sockets.close();
        }
    }

    /** SHA-256 of the parameters' bits (every rank must end the stage with the same). */
    static String digest(float[] values) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * values.length);
            buf.asFloatBuffer().put(values);
            return java.util.HexFormat.of().formatHex(sha.digest(buf.array()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() { return "descent stage to step " + end + " on " + world + " ranks (" + mode.id() + (averageEvery > 1 ? ", averaging every " + averageEvery : "") + ")"; }
}
