package dev.descent.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * {@code bin/descent-spark scaling}: throughput against the number of workers on a real standalone
 * cluster started on this machine ({@link StandaloneCluster}: a master, one worker JVM of one core per
 * rank, one executor JVM per worker, all on loopback). One application holds max(W) executors; for
 * every round, every W and every mode it
 * <ol>
 *   <li>measures the exchange's round trip: a barrier stage of W tasks calls {@code allGather} with a
 *       37-byte message (the size of a seed-shared step's) {@code --rtt} times after 5 unmeasured
 *       calls, and rank 0's median is the round trip; once over {@link SocketExchange} (the default
 *       transport: rank r → rank 0 → rank r) and, with 5 calls, over Spark's own
 *       {@code BarrierTaskContext.allGather} (task → driver → task, which polls once a second);</li>
 *   <li>trains the configuration's model for {@code --warmup} + {@code --steps} steps in one stage
 *       ({@link SparkTrainer} on the shared context) and keeps rank 0's last {@code --steps} steps: the
 *       step's wall time, the part spent in {@code allGather} (which includes waiting for the slowest
 *       rank), the CPU time of the step's thread (the rank's computation with one kernel thread, which
 *       the machine's load does not inflate as it does the wall time) and the bytes sent and received.</li>
 * </ol>
 * Modes: {@code data_parallel}, {@code seed_zo} (MeZO, {@code --zo-lr}, {@code --zo-mu}) and
 * {@code local_sgd:K} (data-parallel with {@code average_every = K}). The rounds interleave the
 * configurations, so a change of the machine's load spreads over all of them. Prints one line per run,
 * then the medians over all measured steps of all rounds and the load average before and after.
 */
public final class ScalingBenchmark {
    private ScalingBenchmark() {}

    static final String USAGE = "usage: bin/descent-spark scaling --config FILE [--set key=value]... [--workers 1,2,4] "
            + "[--modes data_parallel,seed_zo,local_sgd:4] [--steps 12] [--warmup 4] [--rounds 2] [--rtt 40] [--zo-lr 1e-4] [--zo-mu 1e-3]";

    /** Rank 0's measured steps of one run. */
    private record Run(String mode, int workers, List<Replica.StepLog> steps, double sentPerStep, double receivedPerStep) {}

    static int run(String[] args) throws Exception {
        Path configFile = null;
        List<String> overrides = new ArrayList<>();
        int[] workers = {1, 2, 4};
        List<String> modes = List.of("data_parallel", "seed_zo", "local_sgd:4");
        int steps = 12;
        int warmup = 4;
        int rounds = 2;
        int rttCalls = 40;
        String zoLr = "1e-4";
        String zoMu = "1e-3";
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value; " + USAGE);
            String v = args[++i];
            switch (args[i - 1]) {
                case "--config" -> configFile = Path.of(v);
                case "--set" -> overrides.add(v);
                case "--workers" -> workers = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                case "--modes" -> modes = List.of(v.split(","));
                case "--steps" -> steps = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--rtt" -> rttCalls = Integer.parseInt(v);
                case "--zo-lr" -> zoLr = v;
                case "--zo-mu" -> zoMu = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + "; " + USAGE);
            }
        }
        if (configFile == null) throw new IllegalArgumentException("--config FILE is required; " + USAGE);
        int maxWorkers = Arrays.stream(workers).max().orElseThrow();
        Path dir = Files.createTempDirectory("descent-scaling");
        System.out.printf("load average before: %s%n", loadAverage());
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        Map<Integer, List<Double>> roundTrips = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (StandaloneCluster cluster = new StandaloneCluster(dir, maxWorkers);
             JavaSparkContext sc = new JavaSparkContext(SparkTrainer.sparkConf(cluster.master(), cluster.driverConf(maxWorkers)))) {
            sc.setLogLevel("ERROR");
            System.out.printf("cluster: master and %d workers started in %.0f s%n", maxWorkers, (System.nanoTime() - t0) * 1e-9);
            for (int round = 1; round <= rounds; round++) {
                for (int w : workers) {
                    double rtt = roundTrip(sc, w, rttCalls, ClusterConfig.Transport.TCP);
                    roundTrips.computeIfAbsent(w, k -> new ArrayList<>()).add(rtt);
                    double sparkRtt = roundTrip(sc, w, 5, ClusterConfig.Transport.SPARK);
                    System.out.printf("round %d  W=%d  allGather round trip (37 bytes) median: tcp %.3f ms, Spark's allGather %.1f ms%n", round, w,
                            rtt * 1e3, sparkRtt * 1e3);
                    for (String mode : modes) {
                        Run r = train(sc, configFile, overrides, mode, w, warmup, steps, zoLr, zoMu, dir.resolve("run-" + round + "-" + w + "-" + mode.replace(':', '-')));
                        runs.computeIfAbsent(mode + " " + w, k -> new ArrayList<>()).add(r);
                        System.out.printf("round %d  W=%d  %-14s step median %.1f ms, exchange median %.1f ms, CPU median %.1f ms, sent %.0f B/step, "
                                        + "received %.0f B/step%n", round, w, mode, median(r.steps(), false) * 1e3, median(r.steps(), true) * 1e3,
                                cpuMedian(r.steps()) * 1e3, r.sentPerStep(), r.receivedPerStep());
                    }
                }
            }
        }
        deleteTree(dir);
        System.out.printf("%nload average after: %s%n", loadAverage());
        System.out.println("| mode | W | step median (mean) | exchange median (mean) | CPU median | allGather RTT (tcp) | bytes sent / step / rank "
                + "| bytes received / step / rank |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Map<String, Double> stepMedian = new LinkedHashMap<>();
        Map<String, Double> cpuMedian = new LinkedHashMap<>();
        for (var e : runs.entrySet()) {
            List<Replica.StepLog> all = new ArrayList<>();
            for (Run r : e.getValue()) all.addAll(r.steps());
            Run first = e.getValue().getFirst();
            double rtt = medianOf(roundTrips.get(first.workers()));
            stepMedian.put(e.getKey(), median(all, false));
            cpuMedian.put(e.getKey(), cpuMedian(all));
            System.out.printf("| %s | %d | %.1f ms (%.1f) | %.1f ms (%.1f) | %.1f ms | %.2f ms | %,.0f | %,.0f |%n", first.mode(), first.workers(),
                    median(all, false) * 1e3, mean(all, false) * 1e3, median(all, true) * 1e3, mean(all, true) * 1e3, cpuMedian(all) * 1e3,
                    rtt * 1e3, first.sentPerStep(), first.receivedPerStep());
        }
        Double single = stepMedian.get("seed_zo 1");
        if (single != null) {
            for (int w : workers) {
                Double step = stepMedian.get("seed_zo " + w);
                if (w == 1 || step == null) continue;
                double rtt = medianOf(roundTrips.get(w));
                double bound = 1.2 * single + rtt;
                System.out.printf("seed_zo target at W=%d: step %.1f ms <= 1.2 x %.1f ms + RTT %.2f ms = %.1f ms: %s%n", w, step * 1e3, single * 1e3,
                        rtt * 1e3, bound * 1e3, step <= bound ? "holds" : "missed");
                double cpu = cpuMedian.get("seed_zo " + w);
                double cpuBound = 1.2 * cpuMedian.get("seed_zo 1") + rtt;
                System.out.printf("seed_zo target at W=%d in CPU time (a core per rank): %.1f ms <= 1.2 x %.1f ms + RTT %.2f ms = %.1f ms: %s%n", w,
                        cpu * 1e3, cpuMedian.get("seed_zo 1") * 1e3, rtt * 1e3, cpuBound * 1e3, cpu <= cpuBound ? "holds" : "missed");
            }
        }
        return 0;
    }

    private static Run train(JavaSparkContext sc, Path configFile, List<String> overrides, String mode, int workers, int warmup, int steps,
                             String zoLr, String zoMu, Path out) throws IOException {
        List<String> o = new ArrayList<>(overrides);
        int total = warmup + steps;
        o.addAll(List.of("max_iters=" + total, "eval_interval=" + total, "sample_tokens=0", "threads=1", "out_dir=" + out,
                "cluster.workers=" + workers, "cluster.checkpoint_interval=" + total));
        if (mode.equals("seed_zo")) {
            o.addAll(List.of("cluster.mode=seed_zo", "optimizer=mezo", "learning_rate=" + zoLr, "min_lr=" + zoLr, "optimizer_args.mu=" + zoMu));
        } else if (mode.startsWith("local_sgd:")) {
            o.addAll(List.of("cluster.mode=data_parallel", "cluster.average_every=" + mode.substring("local_sgd:".length())));
        } else if (mode.equals("data_parallel")) {
            o.add("cluster.mode=data_parallel");
        } else {
            throw new IllegalArgumentException("mode " + mode + " is not known; allowed: data_parallel, seed_zo, local_sgd:K");
        }
        SparkRunConfig config = SparkRunConfig.load(configFile, o);
        SparkTrainer.Result r = new SparkTrainer(config, Map.of()).run(sc, null, true);
        List<Replica.StepLog> measured = r.steps().subList(warmup, r.steps().size());
        return new Run(mode, workers, List.copyOf(measured), r.bytesSentPerStep(), r.bytesReceivedPerStep());
    }

    /** Rank 0's median time of an allGather of a 37-byte message among {@code workers} barrier tasks. */
    private static double roundTrip(JavaSparkContext sc, int workers, int calls, ClusterConfig.Transport transport) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < workers; r++) ranks.add(r);
        Object collected = sc.parallelize(ranks, workers).rdd().barrier()
                .mapPartitions(new RoundTrip(calls, transport), false, ClassTag$.MODULE$.apply(double[].class)).collect();
        for (Object o : (Object[]) collected) {
            double[] times = (double[]) o;
            if (times.length > 0) return medianOf(Arrays.stream(times).boxed().toList());
        }
        throw new IllegalStateException("rank 0 returned no round trips");
    }

    /** One barrier task of {@link #roundTrip}: rank 0 returns its timed calls, the others an empty array. */
    private static final class RoundTrip extends AbstractFunction1<Iterator<Integer>, Iterator<double[]>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int calls;
        private final ClusterConfig.Transport transport;

        RoundTrip(int calls, ClusterConfig.Transport transport) {
            this.calls = calls;
            this.transport = transport;
        }

        @Override
        public Iterator<double[]> apply(Iterator<Integer> ignored) {
            BarrierTaskContext context = BarrierTaskContext.get();
            String message = "%-37s".formatted("0 " + context.partitionId() + " 0.0");
            double[] times = new double[calls];
            try (SocketExchange sockets = transport == ClusterConfig.Transport.TCP ? SocketExchange.open(context, context.getTaskInfos().length) : null) {
                for (int i = -5; i < calls; i++) {
                    long t0 = System.nanoTime();
                    if (sockets != null) sockets.allGather(message);
                    else context.allGather(message);
                    if (i >= 0) times[i] = (System.nanoTime() - t0) * 1e-9;
                }
            }
            double[] out = context.partitionId() == 0 ? times : new double[0];
            return CollectionConverters.asScala(List.of(out).iterator());
        }
    }

    private static double median(List<Replica.StepLog> steps, boolean exchange) {
        return medianOf(steps.stream().map(s -> exchange ? s.exchangeSeconds() : s.seconds()).toList());
    }

    private static double cpuMedian(List<Replica.StepLog> steps) {
        return medianOf(steps.stream().map(Replica.StepLog::cpuSeconds).toList());
    }

    private static double mean(List<Replica.StepLog> steps, boolean exchange) {
        return steps.stream().mapToDouble(s -> exchange ? s.exchangeSeconds() : s.seconds()).average().orElse(Double.NaN);
    }

    private static double medianOf(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "(unknown)";
        }
    }
}
