package dev.descent.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/descent-spark train}: a {@code bin/descent train} configuration plus a {@code cluster:}
 * section, trained on a Spark master ({@link SparkTrainer}). Options as {@code bin/descent train}'s:
 * {@code --config FILE}, {@code --set key=value} (also {@code --set cluster.workers=4}),
 * {@code --resume DIR}, {@code --overwrite}; plus {@code --conf spark.key=value} for the Spark
 * context. Exit status 0 on success, 2 for bad input (one line naming the key), 1 when the run fails.
 */
public final class SparkTrainMain {
    private SparkTrainMain() {}

    static final String USAGE = "usage: bin/descent-spark train --config FILE [--set key=value]... [--resume DIR] [--overwrite] "
            + "[--conf spark.key=value]...; or bin/descent-spark scaling --config FILE (the scaling benchmark)";

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path configFile = null;
        Path resume = null;
        boolean overwrite = false;
        List<String> overrides = new ArrayList<>();
        Map<String, String> conf = new LinkedHashMap<>();
        if (args.length > 0 && args[0].equals("scaling")) return scaling(java.util.Arrays.copyOfRange(args, 1, args.length));
        if (args.length == 0 || !args[0].equals("train")) return bad(USAGE);
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (a) {
                case "--config" -> { if (!hasValue) return bad("--config needs a file; " + USAGE); configFile = Path.of(args[++i]); }
                case "--set" -> { if (!hasValue) return bad("--set needs key=value; " + USAGE); overrides.add(args[++i]); }
                case "--resume" -> { if (!hasValue) return bad("--resume needs a run folder; " + USAGE); resume = Path.of(args[++i]); }
                case "--overwrite" -> overwrite = true;
                case "--conf" -> {
                    if (!hasValue || args[i + 1].indexOf('=') <= 0) return bad("--conf needs spark.key=value; " + USAGE);
                    String kv = args[++i];
                    conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                default -> { return bad("unknown option " + a + "; " + USAGE); }
            }
        }
        try {
            SparkRunConfig config;
            if (resume != null) {
                List<String> all = new ArrayList<>();
                Path cluster = resume.resolve(SparkTrainer.CLUSTER_FILE);
                if (java.nio.file.Files.isRegularFile(cluster)) {
                    for (String line : java.nio.file.Files.readAllLines(cluster)) {
                        int colon = line.indexOf(':');
                        if (colon > 0) all.add("cluster." + line.substring(0, colon).trim() + "=" + line.substring(colon + 1).trim().replace("\"", ""));
                    }
                }
                all.addAll(overrides);
                config = SparkRunConfig.load(resume.resolve("config.yaml"), all);
            } else {
                if (configFile == null) return bad("--config FILE or --resume DIR is required; " + USAGE);
                config = SparkRunConfig.load(configFile, overrides);
            }
            SparkTrainer.Result r = new SparkTrainer(config, conf).run(resume, overwrite);
            var last = r.steps().isEmpty() ? null : r.steps().getLast();
            System.out.printf("trained %d steps on %d ranks (%s, %s) in %.1f s; last loss %s; %.0f bytes sent and %.0f received per step by rank 0; "
                            + "checkpoint in %s%n", r.steps().size(), config.cluster().workers(), config.cluster().mode().id(),
                    config.cluster().master(), r.seconds(), last == null ? "-" : String.format("%.4f", last.loss()),
                    r.bytesSentPerStep(), r.bytesReceivedPerStep(), r.runDir().resolve(dev.descent.train.Checkpoint.DIR));
            return 0;
        } catch (dev.descent.config.ConfigException | IllegalArgumentException e) {
            return bad(e.getMessage());
        } catch (IllegalStateException | java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("descent-spark: " + e.getMessage());
            return 1;
        }
    }

    /** {@code bin/descent-spark scaling …}: {@link ScalingBenchmark}. */
    private static int scaling(String[] args) {
        try {
            return ScalingBenchmark.run(args);
        } catch (dev.descent.config.ConfigException | IllegalArgumentException e) {
            return bad(e.getMessage());
        } catch (Exception e) {
            System.err.println("descent-spark scaling: " + e);
            return 1;
        }
    }

    private static int bad(String message) {
        System.err.println("descent-spark: " + message);
        return 2;
    }
}
